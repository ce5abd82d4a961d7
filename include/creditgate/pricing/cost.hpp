#pragma once
// The price of a model and the cost of one request, in nano-credits.
#include <cstdint>
#include <optional>

namespace creditgate {

// Prices are nano-credits per 1,000,000 tokens ("0.15" credits/Mtok -> 150'000'000), per
// request, or per image. Each token is priced once: cached and cache-write tokens are parts of
// the prompt, reasoning tokens a part of the completion.
struct ModelPrice {
    std::int64_t input_nanos_per_mtok = 0;
    std::int64_t cached_input_nanos_per_mtok = 0;
    std::int64_t output_nanos_per_mtok = 0;
    // Absent: the entry does not sell the class. A request that can produce it is refused at
    // quote time; a reply that reports it anyway is charged at the dearest class, flagged.
    std::optional<std::int64_t> cache_write_nanos_per_mtok = std::nullopt;
    // Absent: reasoning tokens are output tokens, at the output price.
    std::optional<std::int64_t> reasoning_nanos_per_mtok = std::nullopt;
    std::int64_t per_request_nanos = 0;  // the provider's fee per call, on every charge
    std::int64_t per_image_nanos = 0;    // set on the image prices of one size and quality
};

// Operator mark-up: percent scaled by 10^9 ("10" -> 10'000'000'000, "12.5" -> 12'500'000'000)
// and a fixed fee per request in nano-credits.
struct Markup {
    std::int64_t percent_nanos = 0;
    std::int64_t fixed_nanos = 0;
};

// Token counts in the OpenAI shape: cached_tokens and cache_write_tokens are parts of
// prompt_tokens, reasoning_tokens a part of completion_tokens. Shapes that count otherwise
// (Anthropic's input_tokens leave the cache out) convert to this.
struct TokenCounts {
    std::int64_t prompt_tokens = 0;
    std::int64_t cached_tokens = 0;
    std::int64_t completion_tokens = 0;
    std::int64_t cache_write_tokens = 0;
    std::int64_t reasoning_tokens = 0;
    std::int64_t images = 0;
};

struct Cost {
    std::int64_t provider_nanos = 0;  // what the provider's list price says
    std::int64_t markup_nanos = 0;    // the operator's margin, shown apart
    std::int64_t total_nanos = 0;     // provider + markup: what the account is debited
};

enum class CostResult {
    ok,
    negative_tokens,        // a count below zero
    cached_exceeds_prompt,  // cached + cache-write tokens > prompt_tokens: inconsistent usage
    reasoning_exceeds_completion,  // reasoning_tokens > completion_tokens: inconsistent usage
    overflow,                      // the total does not fit in int64
};

struct CostOutcome {
    CostResult result = CostResult::ok;
    Cost cost;
    // A class the entry does not price (cache writes without a cache_write price) was charged
    // at the dearest class the entry has: flag the entry "unpriced_class".
    bool unpriced_class = false;
};

// cost = ceil(uncached * input / 1e6) + ceil(cached * cached_input / 1e6)
//      + ceil(cache_write * cache_write_price / 1e6)
//      + ceil((completion - reasoning) * output / 1e6) + ceil(reasoning * reasoning_price / 1e6)
//      + per_request + images * per_image;  markup = ceil(cost * percent / 100) + fixed.
// Every product is taken in 128-bit integers and every class is rounded up on its own.
CostOutcome compute_cost(const ModelPrice& price, const Markup& markup, const TokenCounts& tokens);

// The mark-up on a provider amount, as compute_cost adds it: ceil(provider * percent / 100)
// + fixed; total = provider + markup (GET /v1/models shows each price this way).
CostOutcome apply_markup(std::int64_t provider_nanos, const Markup& markup);

// The dearest per-token class the entry prices.
std::int64_t dearest_class_nanos_per_mtok(const ModelPrice& price);

// compute_cost plus `unaccounted_tokens` (counted by the provider in total_tokens but in no
// priced class: audio, tool or search tokens) at the dearest class, rounded up as its own
// class: ceil(unaccounted * dearest / 1e6). Charging the dearest class means an unknown token
// is never sold below any token we know the price of.
CostOutcome compute_cost(const ModelPrice& price, const Markup& markup, const TokenCounts& tokens,
                         std::int64_t unaccounted_tokens);

// The upper bound to hold for a request: every prompt token priced at the dearest prompt
// class (input, cached input, cache write), max_output_tokens at the dearer of output and
// reasoning, images at the per-image price, the per-request fee, plus mark-up. Rounded up like
// compute_cost, plus k-1 nanos for a bound split over k classes whose prices are not whole
// nanos per token: compute_cost rounds each class up apart, and k ceilings can exceed one by
// k-1. So for non-negative prices and mark-up, quote >= cost of any usage within the bounds in
// the priced classes. max_output_tokens is the caller's bound for all choices (per-choice
// maximum times "n").
CostOutcome compute_quote(const ModelPrice& price, const Markup& markup,
                          std::int64_t prompt_tokens_bound, std::int64_t max_output_tokens,
                          std::int64_t images_bound = 0);

}  // namespace creditgate
