#include "creditgate/usage/usage_assessment.hpp"

namespace creditgate {

UsageAssessment assess_usage(const ReportedUsage& usage, std::int64_t output_bytes) {
    UsageAssessment result;
    if (!usage.billable()) return result;
    const std::int64_t prompt = *usage.prompt_tokens;
    const std::int64_t completion = *usage.completion_tokens;
    if (prompt == 0 && completion == 0 && output_bytes > 0) {
        // A reply with text cannot have cost nothing: the counts are wrong, not the output.
        result.usage_mismatch = true;
        return result;
    }
    result.billable = true;
    // Counts are non-negative int64 (usage_from_json drops the rest): subtract instead of adding
    // prompt + completion, which could overflow.
    if (usage.total_tokens && *usage.total_tokens - prompt > completion) {
        result.unaccounted_tokens = *usage.total_tokens - prompt - completion;
        result.usage_mismatch = true;
    }
    return result;
}

}  // namespace creditgate
