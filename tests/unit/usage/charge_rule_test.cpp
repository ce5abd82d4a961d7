// The one rule that decides what a finished request is charged, table-driven: one row per
// ending, named for why it is charged what it is.
#include "creditgate/usage/charge_rule.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace creditgate {
namespace {

constexpr ModelPrice kMini{150'000'000, 75'000'000, 600'000'000};  // 0.15 / 0.075 / 0.60
constexpr Markup kTenPercent{10'000'000'000, 0};

ReportedUsage usage(std::optional<std::int64_t> prompt, std::optional<std::int64_t> completion,
                    std::optional<std::int64_t> cached = std::nullopt) {
    ReportedUsage out;
    out.prompt_tokens = prompt;
    out.completion_tokens = completion;
    out.cached_tokens = cached;
    out.raw = R"({"usage":"as sent"})";
    return out;
}

struct Row {
    const char* why;
    std::optional<ReportedUsage> usage;
    std::int64_t prompt_bound_tokens;
    std::int64_t output_bytes;
    std::optional<std::int64_t> output_tokens;  // counted with the model's tokenizer, if any
    TokenCounts expected_tokens;
    bool expected_estimated;
    const char* expected_flags;
};

TEST(ChargeRule, EveryEndingIsChargedByTheOneRule) {
    const Cost quote{9'000, 900, 9'900};
    const std::int64_t huge = std::numeric_limits<std::int64_t>::max() / 2;
    const Row rows[] = {
        {"reported usage is charged exactly",
         usage(1'000, 200),
         5'000,
         800,
         std::nullopt,
         {1'000, 0, 200},
         false,
         ""},
        {"cached tokens are part of the prompt, priced once",
         usage(1'000, 200, 600),
         5'000,
         800,
         std::nullopt,
         {1'000, 600, 200},
         false,
         ""},
        {"missing usage is the prompt bound plus the bytes relayed, never zero",
         std::nullopt,
         5'000,
         800,
         std::nullopt,
         {5'000, 0, 800},
         true,
         ""},
        {"half-reported usage is missing usage",
         usage(1'000, std::nullopt),
         5'000,
         800,
         std::nullopt,
         {5'000, 0, 800},
         true,
         ""},
        {"a client gone before any output still pays the prompt bound",
         std::nullopt,
         5'000,
         0,
         std::nullopt,
         {5'000, 0, 0},
         true,
         ""},
        {"cached above prompt is inconsistent: estimated instead",
         usage(10, 5, 50),
         5'000,
         800,
         std::nullopt,
         {5'000, 0, 800},
         true,
         ""},
        {"missing usage with a tokenizer charges the output's tokens, not its bytes",
         std::nullopt,
         5'000,
         800,
         190,
         {5'000, 0, 190},
         true,
         ""},
        {"reported usage wins over the output's tokens",
         usage(1'000, 200),
         5'000,
         800,
         190,
         {1'000, 0, 200},
         false,
         ""},
        {"a cost that cannot be computed charges the quote",
         usage(huge, huge),
         huge,
         huge,
         std::nullopt,
         {huge, 0, huge},
         true,
         "quote"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.why);
        const auto bill =
            bill_for(BillInputs{kMini, kTenPercent, quote, row.usage, row.prompt_bound_tokens,
                                row.output_bytes, row.output_tokens});
        EXPECT_EQ(bill.tokens.prompt_tokens, row.expected_tokens.prompt_tokens);
        EXPECT_EQ(bill.tokens.cached_tokens, row.expected_tokens.cached_tokens);
        EXPECT_EQ(bill.tokens.completion_tokens, row.expected_tokens.completion_tokens);
        EXPECT_EQ(bill.estimated, row.expected_estimated);
        EXPECT_EQ(bill.flags, row.expected_flags);
        if (std::string_view(row.expected_flags) == "quote") {
            EXPECT_EQ(bill.cost.total_nanos, quote.total_nanos);
        } else {
            const auto cost = compute_cost(kMini, kTenPercent, bill.tokens);
            ASSERT_EQ(cost.result, CostResult::ok);
            EXPECT_EQ(bill.cost.total_nanos, cost.cost.total_nanos);
            EXPECT_GT(bill.cost.total_nanos, 0);
        }
        if (row.usage) {
            EXPECT_EQ(bill.raw_usage, row.usage->raw);
        }
    }
}

TEST(ChargeRule, TheSameUsageCostsTheSameStreamedOrNot) {
    // The exchange feeds the rule the same usage whether it came in a body or a stream's last
    // chunk; nothing else in the rule depends on how the reply travelled.
    const Cost quote{1, 0, 1};
    const auto a = bill_for(BillInputs{kMini, kTenPercent, quote, usage(321, 45), 999, 10, 3});
    const auto b =
        bill_for(BillInputs{kMini, kTenPercent, quote, usage(321, 45), 999, 700, std::nullopt});
    EXPECT_EQ(a.cost.total_nanos, b.cost.total_nanos);
}

}  // namespace
}  // namespace creditgate

namespace creditgate {
namespace {

TEST(ChargeRule, ImagesDeliveredAreChargedEvenWhenThePromptIsEstimated) {
    ModelPrice image = kMini;
    image.per_image_nanos = 42'000'000;
    ReportedUsage delivered = usage(std::nullopt, 0);  // input tokens not reported
    delivered.images = 2;
    const std::optional<ReportedUsage> reported = delivered;
    const Cost quote{};
    const auto bill = bill_for(BillInputs{image, kTenPercent, quote, reported, 100, 0});
    EXPECT_TRUE(bill.estimated);
    EXPECT_EQ(bill.tokens.images, 2);
    EXPECT_EQ(bill.tokens.prompt_tokens, 100);
    // 2 × 42 000 000 + ⌈100 × 150 000 000 / 10⁶⌉ = 84 015 000, + 10 %.
    EXPECT_EQ(bill.cost.provider_nanos, 84'015'000);
    EXPECT_EQ(bill.cost.total_nanos, 84'015'000 + 8'401'500);
}

// 1-hour cache writes have no price class: the dearest class, flagged; the counts stay as the
// provider reported them.
TEST(ChargeRule, OneHourCacheWritesAreChargedAtTheDearestClassAndFlagged) {
    ModelPrice price{3'000'000'000, 300'000'000, 15'000'000'000};
    price.cache_write_nanos_per_mtok = 3'750'000'000;
    const Markup markup{};
    const Cost quote{};
    ReportedUsage usage;
    usage.prompt_tokens = 70;  // 20 input + 50 written, of which 30 for an hour
    usage.cache_write_tokens = 50;
    usage.cache_write_1h_tokens = 30;
    usage.completion_tokens = 7;
    const std::optional<ReportedUsage> reported = usage;
    const auto bill = bill_for(BillInputs{price, markup, quote, reported, 100, 5});
    EXPECT_FALSE(bill.estimated);
    EXPECT_EQ(bill.flags, "unpriced_class");
    EXPECT_EQ(bill.tokens.prompt_tokens, 70);
    EXPECT_EQ(bill.tokens.cache_write_tokens, 50);
    // 20 × 3 + 20 × 3.75 + 30 × 15 (dearest: output) + 7 × 15, nanos per token.
    EXPECT_EQ(bill.cost.provider_nanos, 20 * 3'000 + 20 * 3'750 + 30 * 15'000 + 7 * 15'000);
}

}  // namespace
}  // namespace creditgate
