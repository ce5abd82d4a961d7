// The price classes beyond input, cached input and output: cache writes, reasoning priced
// apart, a fee per request, images. Each token is priced exactly once.
#include <gtest/gtest.h>

#include "creditgate/pricing/cost.hpp"

namespace creditgate {
namespace {

constexpr std::int64_t kPerMtok = 1'000'000'000;  // 1 credit per 1M tokens, in nanos

// Anthropic-like: input 3, cache read 0.30, cache write 3.75, output 15 (credits/Mtok).
ModelPrice claude_like() {
    ModelPrice price{3 * kPerMtok, 300'000'000, 15 * kPerMtok};
    price.cache_write_nanos_per_mtok = 3'750'000'000;
    return price;
}

TEST(PricingClasses, CacheWritesAndReadsArePartsOfThePromptPricedOnce) {
    TokenCounts tokens;
    tokens.prompt_tokens = 1'000'000 + 200'000 + 100'000;  // uncached + read + write
    tokens.cached_tokens = 200'000;
    tokens.cache_write_tokens = 100'000;
    tokens.completion_tokens = 10'000;
    const auto out = compute_cost(claude_like(), {}, tokens);
    ASSERT_EQ(out.result, CostResult::ok);
    // 3.00 + 0.06 + 0.375 + 0.15 credits
    EXPECT_EQ(out.cost.provider_nanos, 3'000'000'000 + 60'000'000 + 375'000'000 + 150'000'000);
    EXPECT_FALSE(out.unpriced_class);
}

TEST(PricingClasses, CacheReadsAndWritesBeyondThePromptAreInconsistent) {
    TokenCounts tokens;
    tokens.prompt_tokens = 10;
    tokens.cached_tokens = 6;
    tokens.cache_write_tokens = 5;
    EXPECT_EQ(compute_cost(claude_like(), {}, tokens).result, CostResult::cached_exceeds_prompt);
}

TEST(PricingClasses, CacheWritesAnEntryDoesNotSellAreChargedAtItsDearestClassAndFlagged) {
    const ModelPrice price{3 * kPerMtok, 300'000'000, 15 * kPerMtok};
    TokenCounts tokens;
    tokens.prompt_tokens = 1'000;
    tokens.cache_write_tokens = 1'000;
    const auto out = compute_cost(price, {}, tokens);
    ASSERT_EQ(out.result, CostResult::ok);
    EXPECT_EQ(out.cost.provider_nanos, 15'000'000);  // 1,000 tokens at 15/Mtok, never 0
    EXPECT_TRUE(out.unpriced_class);
}

TEST(PricingClasses, ReasoningPricedApartIsTakenOutOfTheOutput) {
    ModelPrice price{kPerMtok, kPerMtok, 4 * kPerMtok};
    price.reasoning_nanos_per_mtok = 8 * kPerMtok;
    TokenCounts tokens;
    tokens.completion_tokens = 1'000'000;
    tokens.reasoning_tokens = 250'000;
    const auto out = compute_cost(price, {}, tokens);
    ASSERT_EQ(out.result, CostResult::ok);
    EXPECT_EQ(out.cost.provider_nanos, 3 * kPerMtok + 2 * kPerMtok);  // 750k*4 + 250k*8
}

TEST(PricingClasses, ReasoningWithoutItsOwnPriceIsOutputAndNotChargedTwice) {
    const ModelPrice price{kPerMtok, kPerMtok, 4 * kPerMtok};
    TokenCounts tokens;
    tokens.completion_tokens = 1'000'000;
    tokens.reasoning_tokens = 250'000;
    EXPECT_EQ(compute_cost(price, {}, tokens).cost.provider_nanos, 4 * kPerMtok);
}

TEST(PricingClasses, MoreReasoningThanCompletionIsInconsistent) {
    const ModelPrice price{kPerMtok, kPerMtok, 4 * kPerMtok};
    TokenCounts tokens;
    tokens.completion_tokens = 10;
    tokens.reasoning_tokens = 11;
    EXPECT_EQ(compute_cost(price, {}, tokens).result, CostResult::reasoning_exceeds_completion);
}

TEST(PricingClasses, PerRequestFeeIsProviderCostAndMarkedUp) {
    ModelPrice price{kPerMtok, kPerMtok, kPerMtok};
    price.per_request_nanos = 10'000'000;  // 0.01 credits a call
    const auto out = compute_cost(price, Markup{10 * kPerMtok, 0}, TokenCounts{});
    ASSERT_EQ(out.result, CostResult::ok);
    EXPECT_EQ(out.cost.provider_nanos, 10'000'000);
    EXPECT_EQ(out.cost.markup_nanos, 1'000'000);
}

TEST(PricingClasses, ImagesAreCountTimesThePerImagePriceAndQuotedSo) {
    ModelPrice price{0, 0, 0};
    price.per_image_nanos = 40'000'000;  // 0.04 credits an image
    TokenCounts tokens;
    tokens.images = 3;
    EXPECT_EQ(compute_cost(price, {}, tokens).cost.provider_nanos, 120'000'000);
    EXPECT_EQ(compute_quote(price, {}, 0, 0, 4).cost.provider_nanos, 160'000'000);
}

TEST(PricingClasses, QuoteHoldsThePromptAtTheDearestPromptClassAndOutputAtTheDearerOutput) {
    ModelPrice price = claude_like();
    price.reasoning_nanos_per_mtok = 20 * kPerMtok;
    const auto out = compute_quote(price, {}, 1'000'000, 1'000'000);
    ASSERT_EQ(out.result, CostResult::ok);
    EXPECT_EQ(out.cost.provider_nanos, 3'750'000'000 + 20 * kPerMtok);
}

TEST(PricingClasses, QuoteAddsOneNanoPerExtraClassThatRoundsApart) {
    // Three prompt classes at fractional nanos per token: three ceilings exceed one by <= 2.
    ModelPrice price{1'500'000, 2'500'000, 0};
    price.cache_write_nanos_per_mtok = 3'500'000;
    const auto out = compute_quote(price, {}, 3, 0);
    EXPECT_EQ(out.cost.provider_nanos, 11 + 2);  // ceil(3 * 3.5) + 2
    TokenCounts worst;                           // one token in each class: 2 + 3 + 4 = 9 <= 13
    worst.prompt_tokens = 3;
    worst.cached_tokens = 1;
    worst.cache_write_tokens = 1;
    EXPECT_LE(compute_cost(price, {}, worst).cost.provider_nanos, out.cost.provider_nanos);
}

TEST(PricingClasses, DearestClassIncludesTheOptionalClassesWhenSold) {
    ModelPrice price{kPerMtok, kPerMtok, 2 * kPerMtok};
    EXPECT_EQ(dearest_class_nanos_per_mtok(price), 2 * kPerMtok);
    price.reasoning_nanos_per_mtok = 9 * kPerMtok;
    EXPECT_EQ(dearest_class_nanos_per_mtok(price), 9 * kPerMtok);
}

}  // namespace
}  // namespace creditgate
