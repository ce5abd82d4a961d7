#pragma once
// The price of a model and the cost of one request, in nano-credits.
#include <cstdint>

namespace creditgate {

// Prices are nano-credits per 1,000,000 tokens ("0.15" credits/Mtok -> 150'000'000).
struct ModelPrice {
    std::int64_t input_nanos_per_mtok = 0;
    std::int64_t cached_input_nanos_per_mtok = 0;
    std::int64_t output_nanos_per_mtok = 0;
};

// Operator mark-up: percent scaled by 10^9 ("10" -> 10'000'000'000, "12.5" -> 12'500'000'000)
// and a fixed fee per request in nano-credits.
struct Markup {
    std::int64_t percent_nanos = 0;
    std::int64_t fixed_nanos = 0;
};

// Token counts in the OpenAI shape: cached_tokens are a part of prompt_tokens.
struct TokenCounts {
    std::int64_t prompt_tokens = 0;
    std::int64_t cached_tokens = 0;
    std::int64_t completion_tokens = 0;
};

struct Cost {
    std::int64_t provider_nanos = 0;  // what the provider's list price says
    std::int64_t markup_nanos = 0;    // the operator's margin, shown apart
    std::int64_t total_nanos = 0;     // provider + markup: what the account is debited
};

enum class CostResult {
    ok,
    negative_tokens,        // a count below zero
    cached_exceeds_prompt,  // cached_tokens > prompt_tokens: the usage is inconsistent
    overflow,               // the total does not fit in int64
};

struct CostOutcome {
    CostResult result = CostResult::ok;
    Cost cost;
};

// cost = ceil(uncached * input / 1e6) + ceil(cached * cached_input / 1e6)
//      + ceil(completion * output / 1e6); markup = ceil(cost * percent / 100) + fixed.
// Every product is taken in 128-bit integers and every class is rounded up on its own.
CostOutcome compute_cost(const ModelPrice& price, const Markup& markup, const TokenCounts& tokens);

// The dearest of the input, cached-input and output prices.
std::int64_t dearest_class_nanos_per_mtok(const ModelPrice& price);

// compute_cost plus `unaccounted_tokens` (counted by the provider in total_tokens but in no
// priced class: audio, tool or search tokens) at the dearest class, rounded up as its own
// class: ceil(unaccounted * dearest / 1e6). Charging the dearest class means an unknown token
// is never sold below any token we know the price of.
CostOutcome compute_cost(const ModelPrice& price, const Markup& markup, const TokenCounts& tokens,
                         std::int64_t unaccounted_tokens);

// The upper bound to hold for a request: every prompt token priced at the dearer of the
// input and cached-input prices, plus max_output_tokens at the output price, plus mark-up.
// Rounded up like compute_cost, plus 1 nano when the prompt has 2+ tokens and neither prompt
// price is a whole number of nanos per token: compute_cost rounds the uncached and cached
// classes up apart, which can add 1 nano over one rounding. So for non-negative prices and
// mark-up, quote >= cost of any usage with prompt <= bound and completion <= max_output.
// max_output_tokens is the caller's bound for all choices (per-choice maximum times "n").
CostOutcome compute_quote(const ModelPrice& price, const Markup& markup,
                          std::int64_t prompt_tokens_bound, std::int64_t max_output_tokens);

}  // namespace creditgate
