// Cost of a request from its usage, and the quote (upper bound) held before it is sent.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <ostream>
#include <random>
#include <string>

#include "creditgate/pricing/cost.hpp"

namespace creditgate {

// Readable failure messages for the result codes and costs.
void PrintTo(CostResult r, std::ostream* os) {
    switch (r) {
        case CostResult::ok:
            *os << "ok";
            return;
        case CostResult::negative_tokens:
            *os << "negative_tokens";
            return;
        case CostResult::cached_exceeds_prompt:
            *os << "cached_exceeds_prompt";
            return;
        case CostResult::reasoning_exceeds_completion:
            *os << "reasoning_exceeds_completion";
            return;
        case CostResult::overflow:
            *os << "overflow";
            return;
    }
    *os << "CostResult(" << static_cast<int>(r) << ")";
}

namespace {

__extension__ typedef __int128 i128;  // GCC/Clang built-in; -Wpedantic wants the marker

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kPercent = 1'000'000'000;    // 1% in percent_nanos
constexpr std::int64_t kNanosPerToken = 1'000'000;  // 1 nano per token, in nanos per Mtok

// gpt-4o-mini list prices: input 0.15, cached 0.075, output 0.60 credits per Mtok.
constexpr ModelPrice kMini{150'000'000, 75'000'000, 600'000'000};

struct CostRow {
    const char* name;
    ModelPrice price;
    Markup markup;
    TokenCounts tokens;
    CostResult result;
    Cost expected;  // all zero unless result is ok
};

// gtest prints a failing row by its name rather than as raw bytes.
void PrintTo(const CostRow& row, std::ostream* os) {
    *os << row.name;
}

class PricingCost : public testing::TestWithParam<CostRow> {};

TEST_P(PricingCost, Case) {
    const CostRow& row = GetParam();
    const CostOutcome out = compute_cost(row.price, row.markup, row.tokens);
    ASSERT_EQ(out.result, row.result);
    EXPECT_EQ(out.cost.provider_nanos, row.expected.provider_nanos);
    EXPECT_EQ(out.cost.markup_nanos, row.expected.markup_nanos);
    EXPECT_EQ(out.cost.total_nanos, row.expected.total_nanos);
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Rows, PricingCost,
    testing::Values(
        CostRow{"MillionPromptTokensAtTwoFiftyAreExactlyTwoAndAHalfCredits",
                {2'500'000'000, 0, 0}, {}, {1'000'000, 0, 0},
                CostResult::ok, {2'500'000'000, 0, 2'500'000'000}},
        CostRow{"OneTokenAtFifteenHundredthsIs150Nanos",
                {150'000'000, 0, 0}, {}, {1, 0, 0}, CostResult::ok, {150, 0, 150}},
        CostRow{"OneTokenAtOneMillionthPerMtokRoundsUpToOneNano",
                {1'000, 0, 0}, {}, {1, 0, 0}, CostResult::ok, {1, 0, 1}},
        CostRow{"ZeroTokensCostNothing",
                kMini, {}, {0, 0, 0}, CostResult::ok, {0, 0, 0}},
        CostRow{"CachedTokensAreBilledOnceAtTheCachedPrice",
                kMini, {}, {1'000, 1'000, 0}, CostResult::ok, {75'000, 0, 75'000}},
        CostRow{"UncachedTokensArePromptMinusCached",
                kMini, {}, {1'200, 1'024, 0}, CostResult::ok,
                {176 * 150 + 1'024 * 75, 0, 103'200}},
        CostRow{"CompletionTokensAreBilledAtTheOutputPrice",
                kMini, {}, {0, 0, 350}, CostResult::ok, {210'000, 0, 210'000}},
        CostRow{"EachClassRoundsUpOnItsOwn",
                {1'000, 1'000, 1'000}, {}, {2, 1, 1}, CostResult::ok, {3, 0, 3}},
        CostRow{"RoundingUpDoesNotTouchExactClasses",
                {1'500'000, 0, 0}, {}, {2, 0, 0}, CostResult::ok, {3, 0, 3}},
        CostRow{"HalfNanoRoundsUp",
                {1'500'000, 0, 0}, {}, {1, 0, 0}, CostResult::ok, {2, 0, 2}},
        CostRow{"MarkupTenPercentOf150Is15",
                {150'000'000, 0, 0}, {10 * kPercent, 0}, {1, 0, 0},
                CostResult::ok, {150, 15, 165}},
        CostRow{"MarkupTenPercentOf151RoundsUpTo16",
                {151'000'000, 0, 0}, {10 * kPercent, 0}, {1, 0, 0},
                CostResult::ok, {151, 16, 167}},
        CostRow{"FixedFeeIsAddedAfterThePercent",
                {151'000'000, 0, 0}, {10 * kPercent, 1'000}, {1, 0, 0},
                CostResult::ok, {151, 1'016, 1'167}},
        CostRow{"FixedFeeIsChargedOnAnEmptyRequest",
                kMini, {10 * kPercent, 500}, {0, 0, 0}, CostResult::ok, {0, 500, 500}},
        CostRow{"FractionalPercentIsExact",
                {1'000'000'000, 0, 0}, {12 * kPercent + 500'000'000, 0}, {1, 0, 0},
                CostResult::ok, {1'000, 125, 1'125}},
        CostRow{"FractionalPercentRoundsUp",
                {1'001'000'000, 0, 0}, {12 * kPercent + 500'000'000, 0}, {1, 0, 0},
                CostResult::ok, {1'001, 126, 1'127}},
        CostRow{"TinyPercentOfOneNanoIsOneNano",
                {kNanosPerToken, 0, 0}, {1, 0}, {1, 0, 0}, CostResult::ok, {1, 1, 2}},
        CostRow{"WorkedExampleFromDocs",
                kMini, {10 * kPercent, 0}, {1'200, 1'024, 350},
                CostResult::ok, {313'200, 31'320, 344'520}},
        CostRow{"ProductsBeyond64BitsAreExact",
                {0, 0, 1'000'000'000'000}, {}, {0, 0, 9'000'000'000'000},
                CostResult::ok, {9'000'000'000'000'000'000, 0, 9'000'000'000'000'000'000}},
        CostRow{"ProductsBeyond64BitsRoundUpExactly",
                {0, 0, 999'999}, {}, {0, 0, kMax},
                CostResult::ok, {9'223'362'813'482'738'953, 0, 9'223'362'813'482'738'953}},
        CostRow{"ProviderCostOfExactlyInt64MaxFits",
                {0, 0, kNanosPerToken}, {}, {0, 0, kMax}, CostResult::ok, {kMax, 0, kMax}},
        CostRow{"TotalOverflowIsAResultNotUB",
                {0, 0, kNanosPerToken}, {0, 1}, {0, 0, kMax}, CostResult::overflow, {}},
        CostRow{"ClassOverflowIsAResultNotUB",
                {0, 0, 1'000'000'000'000}, {}, {0, 0, 10'000'000'000'000},
                CostResult::overflow, {}},
        CostRow{"SumOfClassesOverflowIsAResult",
                {kNanosPerToken, 0, kNanosPerToken}, {}, {kMax, 0, kMax},
                CostResult::overflow, {}},
        CostRow{"LargestProductOfAllClassesIsAResultNotUB",
                {kMax, kMax, kMax}, {kMax, kMax}, {kMax, kMax / 2, kMax},
                CostResult::overflow, {}},
        CostRow{"MarkupOverflowIsAResult",
                {0, 0, kNanosPerToken}, {kMax, 0}, {0, 0, kMax}, CostResult::overflow, {}},
        CostRow{"HundredPercentMarkupOfHalfOfMaxFits",
                {0, 0, kNanosPerToken}, {100 * kPercent, 0}, {0, 0, kMax / 2},
                CostResult::ok, {kMax / 2, kMax / 2, kMax - 1}},
        CostRow{"NegativePromptTokensAreRejected",
                kMini, {}, {-1, 0, 0}, CostResult::negative_tokens, {}},
        CostRow{"NegativeCachedTokensAreRejected",
                kMini, {}, {1, -1, 0}, CostResult::negative_tokens, {}},
        CostRow{"NegativeCompletionTokensAreRejected",
                kMini, {}, {0, 0, -1}, CostResult::negative_tokens, {}},
        CostRow{"NegativeTokensAreReportedBeforeCachedExceedsPrompt",
                kMini, {}, {-5, -1, 0}, CostResult::negative_tokens, {}},
        CostRow{"CachedBeyondPromptIsInconsistentUsage",
                kMini, {}, {10, 11, 0}, CostResult::cached_exceeds_prompt, {}},
        CostRow{"CachedEqualToPromptIsConsistent",
                kMini, {}, {10, 10, 0}, CostResult::ok, {750, 0, 750}}),
    [](const testing::TestParamInfo<CostRow>& row_info) { return std::string(row_info.param.name); });
// clang-format on

struct QuoteRow {
    const char* name;
    ModelPrice price;
    Markup markup;
    std::int64_t prompt_tokens_bound;
    std::int64_t max_output_tokens;
    CostResult result;
    Cost expected;
};

// gtest prints a failing row by its name rather than as raw bytes.
void PrintTo(const QuoteRow& row, std::ostream* os) {
    *os << row.name;
}

class PricingQuote : public testing::TestWithParam<QuoteRow> {};

TEST_P(PricingQuote, Case) {
    const QuoteRow& row = GetParam();
    const CostOutcome out =
        compute_quote(row.price, row.markup, row.prompt_tokens_bound, row.max_output_tokens);
    ASSERT_EQ(out.result, row.result);
    EXPECT_EQ(out.cost.provider_nanos, row.expected.provider_nanos);
    EXPECT_EQ(out.cost.markup_nanos, row.expected.markup_nanos);
    EXPECT_EQ(out.cost.total_nanos, row.expected.total_nanos);
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Rows, PricingQuote,
    testing::Values(
        QuoteRow{"EveryPromptTokenAtTheDearerOfInputAndCached",
                 kMini, {}, 1'000, 0, CostResult::ok, {150'000, 0, 150'000}},
        QuoteRow{"CachedPriceIsUsedWhenItIsTheDearer",
                 {kNanosPerToken, 2 * kNanosPerToken, 0}, {}, 1'000, 0,
                 CostResult::ok, {2'000, 0, 2'000}},
        QuoteRow{"MaxOutputAtTheOutputPrice",
                 kMini, {}, 0, 1'000, CostResult::ok, {600'000, 0, 600'000}},
        QuoteRow{"WorkedExampleFromDocs",
                 kMini, {10 * kPercent, 0}, 1'500, 1'000,
                 CostResult::ok, {825'000, 82'500, 907'500}},
        QuoteRow{"MillionTokensAtTwoFiftyAreExactlyTwoAndAHalfCredits",
                 {2'500'000'000, 2'500'000'000, 0}, {}, 1'000'000, 0,
                 CostResult::ok, {2'500'000'000, 0, 2'500'000'000}},
        QuoteRow{"OneExtraNanoCoversTwoPromptClassesRoundingApart",
                 {1'000, 1'000, 0}, {}, 2, 0, CostResult::ok, {2, 0, 2}},
        QuoteRow{"NoExtraNanoForASinglePromptToken",
                 {1'000, 1'000, 0}, {}, 1, 0, CostResult::ok, {1, 0, 1}},
        QuoteRow{"NoExtraNanoWhenOnePromptPriceIsWholeNanosPerToken",
                 {1'000'000, 1'000, 0}, {}, 2, 0, CostResult::ok, {2, 0, 2}},
        QuoteRow{"OutputRoundsUpOnItsOwn",
                 {0, 0, 1'000}, {}, 0, 1, CostResult::ok, {1, 0, 1}},
        QuoteRow{"MarkupAndFixedFeeAsInCost",
                 {151'000'000, 0, 0}, {10 * kPercent, 1'000}, 1, 0,
                 CostResult::ok, {151, 1'016, 1'167}},
        QuoteRow{"EmptyRequestQuotesTheFixedFee",
                 kMini, {0, 7}, 0, 0, CostResult::ok, {0, 7, 7}},
        QuoteRow{"NegativePromptBoundIsRejected",
                 kMini, {}, -1, 0, CostResult::negative_tokens, {}},
        QuoteRow{"NegativeMaxOutputIsRejected",
                 kMini, {}, 0, -1, CostResult::negative_tokens, {}},
        QuoteRow{"SaturatedPromptBoundIsAnOverflowNotAHold",
                 kMini, {}, kMax, 0, CostResult::overflow, {}},
        QuoteRow{"HugeMaxOutputIsAnOverflowNotAHold",
                 kMini, {}, 0, kMax, CostResult::overflow, {}},
        QuoteRow{"MarkupOverflowIsAResult",
                 {0, 0, kNanosPerToken}, {1, 0}, 0, kMax, CostResult::overflow, {}}),
    [](const testing::TestParamInfo<QuoteRow>& row_info) { return std::string(row_info.param.name); });
// clang-format on

std::uint64_t test_seed() {
    std::uint64_t seed = std::random_device{}();
    if (const char* env = std::getenv("CREDITGATE_TEST_SEED"))
        seed = std::strtoull(env, nullptr, 10);
    std::printf("[   SEED   ] %llu\n", static_cast<unsigned long long>(seed));
    return seed;
}

// A price drawn to hit rounding: whole nanos per token, fractions of a nano, or anything.
std::int64_t random_price(std::mt19937_64& rng) {
    switch (std::uniform_int_distribution<int>(0, 4)(rng)) {
        case 0:
            return 0;
        case 1:
            return std::uniform_int_distribution<std::int64_t>(1, 5'000)(rng) * kNanosPerToken;
        case 2:
            return std::uniform_int_distribution<std::int64_t>(1, 999'999)(rng);
        case 3:
            return std::uniform_int_distribution<std::int64_t>(1, 100'000'000'000)(rng);
        default:
            return std::uniform_int_distribution<std::int64_t>(0, kMax)(rng);
    }
}

std::int64_t random_tokens(std::mt19937_64& rng) {
    switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
        case 0:
            return std::uniform_int_distribution<std::int64_t>(0, 3)(rng);
        case 1:
            return std::uniform_int_distribution<std::int64_t>(0, 200'000)(rng);
        case 2:
            return std::uniform_int_distribution<std::int64_t>(0, 1'000'000'000'000)(rng);
        default:
            return std::uniform_int_distribution<std::int64_t>(0, kMax)(rng);
    }
}

Markup random_markup(std::mt19937_64& rng) {
    switch (std::uniform_int_distribution<int>(0, 2)(rng)) {
        case 0:
            return {};
        case 1:
            return {std::uniform_int_distribution<std::int64_t>(0, 300 * kPercent)(rng),
                    std::uniform_int_distribution<std::int64_t>(0, 1'000'000)(rng)};
        default:
            return {std::uniform_int_distribution<std::int64_t>(0, kMax)(rng),
                    std::uniform_int_distribution<std::int64_t>(0, kMax)(rng)};
    }
}

std::int64_t at_most(std::mt19937_64& rng, std::int64_t bound) {
    // Often the bound itself or next to it (the worst cases), else anything below.
    switch (std::uniform_int_distribution<int>(0, 3)(rng)) {
        case 0:
            return bound;
        case 1:
            return std::max<std::int64_t>(0, bound - 1);
        default:
            return std::uniform_int_distribution<std::int64_t>(0, bound)(rng);
    }
}

TEST(PricingQuote, QuoteIsNeverBelowTheCostOfAnyUsageWithinItsBounds) {
    const std::uint64_t seed = test_seed();
    std::mt19937_64 rng(seed);
    int compared = 0;
    for (int i = 0; i < 200'000; ++i) {
        ModelPrice price{random_price(rng), random_price(rng), random_price(rng)};
        // The classes added later, each sold or not: every split of the bounds over the classes
        // an entry sells must stay within its quote.
        if (rng() % 2 == 0) price.cache_write_nanos_per_mtok = random_price(rng);
        if (rng() % 2 == 0) price.reasoning_nanos_per_mtok = random_price(rng);
        if (rng() % 4 == 0) price.per_request_nanos = random_price(rng);
        if (rng() % 4 == 0) price.per_image_nanos = random_price(rng);
        const Markup markup = random_markup(rng);
        const std::int64_t prompt_bound = random_tokens(rng);
        const std::int64_t output_bound = random_tokens(rng);
        const std::int64_t images_bound = price.per_image_nanos == 0 ? 0 : random_tokens(rng);
        TokenCounts used;
        used.prompt_tokens = at_most(rng, prompt_bound);
        used.cached_tokens = at_most(rng, used.prompt_tokens);
        if (price.cache_write_nanos_per_mtok) {
            used.cache_write_tokens = at_most(rng, used.prompt_tokens - used.cached_tokens);
        }
        used.completion_tokens = at_most(rng, output_bound);
        used.reasoning_tokens = at_most(rng, used.completion_tokens);
        used.images = at_most(rng, images_bound);

        const CostOutcome quote =
            compute_quote(price, markup, prompt_bound, output_bound, images_bound);
        const CostOutcome cost = compute_cost(price, markup, used);
        if (quote.result != CostResult::ok) {
            ASSERT_EQ(quote.result, CostResult::overflow) << "seed=" << seed << " i=" << i;
            continue;
        }
        // A quote that fits bounds a cost that fits: the cost cannot overflow where it did not.
        ASSERT_EQ(cost.result, CostResult::ok) << "seed=" << seed << " i=" << i;
        ASSERT_GE(quote.cost.provider_nanos, cost.cost.provider_nanos)
            << "seed=" << seed << " i=" << i;
        ASSERT_GE(quote.cost.markup_nanos, cost.cost.markup_nanos) << "seed=" << seed << " i=" << i;
        ASSERT_GE(quote.cost.total_nanos, cost.cost.total_nanos) << "seed=" << seed << " i=" << i;
        ++compared;
    }
    EXPECT_GT(compared, 10'000);  // the draw must not be all overflows
}

TEST(PricingCost, RoundingNeverUnderChargesAndAddsLessThanOneNanoPerClass) {
    const std::uint64_t seed = test_seed();
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 200'000; ++i) {
        const ModelPrice price{random_price(rng), random_price(rng), random_price(rng)};
        TokenCounts used;
        used.prompt_tokens = random_tokens(rng);
        used.cached_tokens = at_most(rng, used.prompt_tokens);
        used.completion_tokens = random_tokens(rng);
        const CostOutcome out = compute_cost(price, Markup{}, used);
        // The exact price, times 10^6 to stay in integers.
        const i128 exact_micro =
            static_cast<i128>(used.prompt_tokens - used.cached_tokens) *
                price.input_nanos_per_mtok +
            static_cast<i128>(used.cached_tokens) * price.cached_input_nanos_per_mtok +
            static_cast<i128>(used.completion_tokens) * price.output_nanos_per_mtok;
        if (out.result == CostResult::overflow) {
            // Only when the exact value plus at most 3 roundings does not fit.
            ASSERT_GT(exact_micro + 3 * 1'000'000, static_cast<i128>(kMax) * 1'000'000)
                << "seed=" << seed << " i=" << i;
            continue;
        }
        ASSERT_EQ(out.result, CostResult::ok) << "seed=" << seed << " i=" << i;
        const i128 charged_micro = static_cast<i128>(out.cost.provider_nanos) * 1'000'000;
        ASSERT_GE(charged_micro, exact_micro) << "under-charge, seed=" << seed << " i=" << i;
        ASSERT_LT(charged_micro, exact_micro + 3 * 1'000'000) << "seed=" << seed << " i=" << i;
        ASSERT_EQ(out.cost.total_nanos, out.cost.provider_nanos);
    }
}

TEST(PricingCost, MarkupIsPercentRoundedUpThenFixedForAnyProviderCost) {
    const std::uint64_t seed = test_seed();
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 100'000; ++i) {
        // One completion token at a whole-nano price sets the provider cost exactly.
        const std::int64_t provider = std::uniform_int_distribution<std::int64_t>(
            0, std::uniform_int_distribution<int>(0, 1)(rng) ? 1'000'000'000 : kMax / 4)(rng);
        const Markup markup = random_markup(rng);
        const CostOutcome out =
            compute_cost(ModelPrice{0, 0, kNanosPerToken}, markup, TokenCounts{0, 0, provider});
        const i128 scaled = static_cast<i128>(provider) * markup.percent_nanos;
        const i128 divisor = static_cast<i128>(100) * 1'000'000'000;
        const i128 percent_part = scaled / divisor + (scaled % divisor != 0 ? 1 : 0);
        const i128 total = provider + percent_part + markup.fixed_nanos;
        if (total > kMax) {
            ASSERT_EQ(out.result, CostResult::overflow) << "seed=" << seed << " i=" << i;
            continue;
        }
        ASSERT_EQ(out.result, CostResult::ok) << "seed=" << seed << " i=" << i;
        ASSERT_EQ(out.cost.provider_nanos, provider);
        ASSERT_TRUE(static_cast<i128>(out.cost.markup_nanos) == percent_part + markup.fixed_nanos)
            << "seed=" << seed << " i=" << i;
        ASSERT_EQ(out.cost.total_nanos, out.cost.provider_nanos + out.cost.markup_nanos);
    }
}

}  // namespace
}  // namespace creditgate
