// What the reported usage means for the bill: priced as reported, unaccounted tokens, or the
// estimate.
#include "creditgate/usage/usage_assessment.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <string>

namespace creditgate {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

struct AssessRow {
    const char* name;
    std::optional<std::int64_t> prompt;
    std::optional<std::int64_t> completion;
    std::optional<std::int64_t> total;
    std::int64_t output_bytes;
    bool billable;
    std::int64_t unaccounted;
    bool mismatch;
};

void PrintTo(const AssessRow& row, std::ostream* os) {
    *os << row.name;
}

class AssessUsage : public ::testing::TestWithParam<AssessRow> {};

TEST_P(AssessUsage, FollowsTheRule) {
    const auto& row = GetParam();
    ReportedUsage usage;
    usage.prompt_tokens = row.prompt;
    usage.completion_tokens = row.completion;
    usage.total_tokens = row.total;
    const UsageAssessment result = assess_usage(usage, row.output_bytes);
    EXPECT_EQ(result.billable, row.billable);
    EXPECT_EQ(result.unaccounted_tokens, row.unaccounted);
    EXPECT_EQ(result.usage_mismatch, row.mismatch);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, AssessUsage,
    ::testing::Values(
        AssessRow{"total_equal_to_the_classes_is_clean", 10, 5, 15, 20, true, 0, false},
        AssessRow{"no_total_is_clean", 10, 5, std::nullopt, 20, true, 0, false},
        AssessRow{"total_below_the_classes_charges_nothing_extra", 10, 5, 12, 20, true, 0, false},
        AssessRow{"total_above_the_classes_is_unaccounted_and_flagged", 10, 5, 40, 20, true, 25,
                  true},
        AssessRow{"huge_counts_do_not_overflow", kMax, kMax, kMax, 1, true, 0, false},
        AssessRow{"huge_total_beside_small_classes", 1, 1, kMax, 1, true, kMax - 2, true},
        AssessRow{"zero_zero_beside_output_is_not_billable", 0, 0, std::nullopt, 1, false, 0, true},
        AssessRow{"zero_zero_beside_output_ignores_total", 0, 0, 30, 100, false, 0, true},
        AssessRow{"zero_zero_without_output_is_billable", 0, 0, 0, 0, true, 0, false},
        AssessRow{"zero_prompt_alone_is_billable", 0, 5, 5, 20, true, 0, false},
        AssessRow{"missing_completion_is_not_billable", 10, std::nullopt, 40, 20, false, 0, false},
        AssessRow{"missing_prompt_is_not_billable", std::nullopt, 5, 40, 20, false, 0, false}),
    [](const testing::TestParamInfo<AssessRow>& param_info) {
        return std::string(param_info.param.name);
    });

}  // namespace
}  // namespace creditgate
