// Tokens the provider counted outside the priced classes, charged at the dearest class.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <ostream>
#include <string>

#include "creditgate/pricing/cost.hpp"

namespace creditgate {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kPercent = 1'000'000'000;  // 1% in percent_nanos

// gpt-4o-mini list prices: input 0.15, cached 0.075, output 0.60 credits per Mtok.
constexpr ModelPrice kMini{150'000'000, 75'000'000, 600'000'000};

struct UnaccountedRow {
    const char* name;
    ModelPrice price;
    Markup markup;
    TokenCounts tokens;
    std::int64_t unaccounted_tokens;
    CostResult result;
    Cost expected;  // all zero unless result is ok
};

void PrintTo(const UnaccountedRow& row, std::ostream* os) {
    *os << row.name;
}

class UnaccountedTokens : public ::testing::TestWithParam<UnaccountedRow> {};

TEST_P(UnaccountedTokens, AreChargedAtTheDearestClass) {
    const auto& row = GetParam();
    const CostOutcome out = compute_cost(row.price, row.markup, row.tokens, row.unaccounted_tokens);
    ASSERT_EQ(out.result, row.result);
    EXPECT_EQ(out.cost.provider_nanos, row.expected.provider_nanos);
    EXPECT_EQ(out.cost.markup_nanos, row.expected.markup_nanos);
    EXPECT_EQ(out.cost.total_nanos, row.expected.total_nanos);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, UnaccountedTokens,
    ::testing::Values(
        UnaccountedRow{"none_is_exactly_compute_cost",
                       kMini,
                       {},
                       {1'000'000, 0, 1'000'000},
                       0,
                       CostResult::ok,
                       {750'000'000, 0, 750'000'000}},
        UnaccountedRow{"output_is_the_dearest_class",
                       kMini,
                       {},
                       {0, 0, 0},
                       1'000'000,
                       CostResult::ok,
                       {600'000'000, 0, 600'000'000}},
        UnaccountedRow{"input_is_the_dearest_class",
                       {2'000'000'000, 1, 1'000'000'000},
                       {},
                       {0, 0, 0},
                       1'000,
                       CostResult::ok,
                       {2'000'000, 0, 2'000'000}},
        UnaccountedRow{"cached_is_the_dearest_class_when_priced_above_input",
                       {1'000'000, 5'000'000, 1'000'000},
                       {},
                       {0, 0, 0},
                       1,
                       CostResult::ok,
                       {5, 0, 5}},
        UnaccountedRow{"added_to_the_priced_classes",
                       kMini,
                       {},
                       {1'000'000, 0, 1'000'000},
                       500'000,
                       CostResult::ok,
                       {1'050'000'000, 0, 1'050'000'000}},
        // 1.5 nanos per token: completion rounds 1.5 up to 2, the extra class again to 2 (not
        // the 3 that one rounding of 3 tokens would give).
        UnaccountedRow{"rounded_up_as_its_own_class",
                       {0, 0, 1'500'000},
                       {},
                       {0, 0, 1},
                       1,
                       CostResult::ok,
                       {4, 0, 4}},
        UnaccountedRow{"markup_applies_to_the_whole_provider_cost",
                       kMini,
                       {10 * kPercent, 7},
                       {0, 0, 0},
                       1'000'000,
                       CostResult::ok,
                       {600'000'000, 60'000'007, 660'000'007}},
        UnaccountedRow{
            "free_model_stays_free", {0, 0, 0}, {}, {10, 0, 10}, 1'000, CostResult::ok, {0, 0, 0}},
        UnaccountedRow{
            "negative_count_is_refused", kMini, {}, {0, 0, 0}, -1, CostResult::negative_tokens, {}},
        UnaccountedRow{"inconsistent_classes_are_still_refused",
                       kMini,
                       {},
                       {1, 2, 0},
                       1,
                       CostResult::cached_exceeds_prompt,
                       {}},
        UnaccountedRow{
            "beyond_int64_is_overflow", kMini, {}, {0, 0, 0}, kMax, CostResult::overflow, {}}),
    [](const testing::TestParamInfo<UnaccountedRow>& param_info) {
        return std::string(param_info.param.name);
    });

TEST(DearestClass, IsTheHighestOfTheThreePrices) {
    EXPECT_EQ(dearest_class_nanos_per_mtok(kMini), 600'000'000);
    EXPECT_EQ(dearest_class_nanos_per_mtok({3, 2, 1}), 3);
    EXPECT_EQ(dearest_class_nanos_per_mtok({1, 3, 2}), 3);
}

}  // namespace
}  // namespace creditgate
