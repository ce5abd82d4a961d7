#pragma once
// What a provider's reported usage means for the bill, beyond the priced token classes.
// Pure rules; the exchange applies them when it settles:
//   auto check = assess_usage(usage, output_bytes);
//   if (!check.billable)   -> charge the estimate, flag `estimated` (and `usage_mismatch`)
//   else                   -> compute_cost(price, markup, usage.to_counts(),
//                                          check.unaccounted_tokens)
//   if (check.usage_mismatch) -> flag the entry `usage_mismatch`
#include <cstdint>

#include "creditgate/usage/openai_usage.hpp"

namespace creditgate {

struct UsageAssessment {
    // The counts may be priced as reported. False when prompt or completion is missing, or when
    // the reply reports 0 prompt and 0 completion tokens beside real output: then the estimate
    // is charged instead.
    bool billable = false;
    // total_tokens − prompt_tokens − completion_tokens when that is positive (and the usage is
    // billable): tokens the provider counted outside the priced classes. Charged at the entry's
    // dearest class (compute_cost's unaccounted_tokens).
    std::int64_t unaccounted_tokens = 0;
    // The provider's counts do not add up: flag the ledger entry `usage_mismatch`.
    bool usage_mismatch = false;
};

// `output_bytes`: what the extractor counted of the reply's output (ChunkView::output_bytes
// summed, or chat_completion_output_bytes).
UsageAssessment assess_usage(const ReportedUsage& usage, std::int64_t output_bytes);

}  // namespace creditgate
