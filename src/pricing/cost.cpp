#include "creditgate/pricing/cost.hpp"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <limits>
#include <vector>

namespace creditgate {

namespace {

__extension__ typedef __int128 i128;  // GCC/Clang built-in; -Wpedantic wants the marker

constexpr i128 kTokensPerMtok = 1'000'000;
// Percent is scaled by 10^9, and a percent is 1/100: the divisor of the mark-up product.
constexpr i128 kPercentDivisor = static_cast<i128>(100) * 1'000'000'000;
constexpr i128 kInt64Max = std::numeric_limits<std::int64_t>::max();
constexpr i128 kInt64Min = std::numeric_limits<std::int64_t>::min();

// Mathematical ceiling of a / b for b > 0, for either sign of a (C++ division truncates).
i128 ceil_div(i128 a, i128 b) {
    assert(b > 0);
    const i128 q = a / b;
    return (a % b > 0) ? q + 1 : q;
}

bool fits_int64(i128 v) {
    return v >= kInt64Min && v <= kInt64Max;
}

// The config only admits non-negative prices and mark-ups; the arithmetic here is exact for
// any sign, but the exit invariants below are stated for the configured (non-negative) case.
[[maybe_unused]] bool non_negative(const ModelPrice& price, const Markup& markup) {
    return price.input_nanos_per_mtok >= 0 && price.cached_input_nanos_per_mtok >= 0 &&
           price.output_nanos_per_mtok >= 0 && price.cache_write_nanos_per_mtok.value_or(0) >= 0 &&
           price.reasoning_nanos_per_mtok.value_or(0) >= 0 && price.per_request_nanos >= 0 &&
           price.per_image_nanos >= 0 && markup.percent_nanos >= 0 && markup.fixed_nanos >= 0;
}

// Exit invariant of a money computation: nothing is negative, the mark-up never lowers it.
[[maybe_unused]] bool charges_at_least_provider(const CostOutcome& out) {
    return out.result != CostResult::ok ||
           (out.cost.provider_nanos >= 0 && out.cost.total_nanos >= out.cost.provider_nanos);
}

// tokens * price / 10^6 rounded up. Both factors are int64, so |product| < 2^126: exact in i128.
i128 class_cost(std::int64_t tokens, std::int64_t price_nanos_per_mtok) {
    return ceil_div(static_cast<i128>(tokens) * price_nanos_per_mtok, kTokensPerMtok);
}

// Applies the mark-up to a provider cost that already fits in int64 and fills the outcome.
// markup = ceil(provider * percent / (100 * 10^9)) + fixed; total = provider + markup.
CostOutcome finish(i128 provider_nanos, const Markup& markup) {
    CostOutcome out;
    if (!fits_int64(provider_nanos)) {
        out.result = CostResult::overflow;
        return out;
    }
    // provider and percent are int64: the product is exact in i128; adding an int64 fee to a
    // value below 2^126 / 10^11 cannot overflow i128 either.
    const i128 markup_nanos =
        ceil_div(provider_nanos * markup.percent_nanos, kPercentDivisor) + markup.fixed_nanos;
    const i128 total_nanos = provider_nanos + markup_nanos;
    if (!fits_int64(markup_nanos) || !fits_int64(total_nanos)) {
        out.result = CostResult::overflow;
        return out;
    }
    out.cost.provider_nanos = static_cast<std::int64_t>(provider_nanos);
    out.cost.markup_nanos = static_cast<std::int64_t>(markup_nanos);
    out.cost.total_nanos = static_cast<std::int64_t>(total_nanos);
    assert(out.cost.total_nanos == out.cost.provider_nanos + out.cost.markup_nanos);
    return out;
}

// Rounding slack of a bound split over classes: each class rounds up apart, and k ceilings
// can exceed one ceiling by k-1, but only classes whose price is not a whole number of nanos
// per token round at all.
i128 split_rounding_slack(std::int64_t bound, const std::vector<std::int64_t>& prices) {
    i128 rounding_classes = 0;
    for (const auto price : prices) {
        if (price % 1'000'000 != 0) ++rounding_classes;
    }
    if (bound < 2 || rounding_classes < 2) return 0;
    return std::min<i128>(rounding_classes, bound) - 1;
}

}  // namespace

std::int64_t dearest_class_nanos_per_mtok(const ModelPrice& price) {
    return std::max({price.input_nanos_per_mtok, price.cached_input_nanos_per_mtok,
                     price.output_nanos_per_mtok, price.cache_write_nanos_per_mtok.value_or(0),
                     price.reasoning_nanos_per_mtok.value_or(0)});
}

CostOutcome apply_markup(std::int64_t provider_nanos, const Markup& markup) {
    return finish(provider_nanos, markup);
}

CostOutcome compute_cost(const ModelPrice& price, const Markup& markup, const TokenCounts& tokens) {
    if (tokens.prompt_tokens < 0 || tokens.cached_tokens < 0 || tokens.completion_tokens < 0 ||
        tokens.cache_write_tokens < 0 || tokens.reasoning_tokens < 0 || tokens.images < 0) {
        return CostOutcome{CostResult::negative_tokens, {}, false};
    }
    // Cached and cache-write tokens are parts of prompt tokens, reasoning tokens of completion
    // tokens: each token is billed once, at one price. (Sums of two int64 in i128: exact.)
    if (static_cast<i128>(tokens.cached_tokens) + tokens.cache_write_tokens >
        tokens.prompt_tokens) {
        return CostOutcome{CostResult::cached_exceeds_prompt, {}, false};
    }
    if (tokens.reasoning_tokens > tokens.completion_tokens) {
        return CostOutcome{CostResult::reasoning_exceeds_completion, {}, false};
    }
    const std::int64_t uncached_tokens =
        tokens.prompt_tokens - tokens.cached_tokens - tokens.cache_write_tokens;
    assert(uncached_tokens >= 0);

    CostOutcome out;
    const std::int64_t cache_write_price =
        price.cache_write_nanos_per_mtok.value_or(dearest_class_nanos_per_mtok(price));
    out.unpriced_class = tokens.cache_write_tokens > 0 && !price.cache_write_nanos_per_mtok;

    std::int64_t output_tokens = tokens.completion_tokens;
    i128 reasoning_nanos = 0;
    if (price.reasoning_nanos_per_mtok) {
        output_tokens -= tokens.reasoning_tokens;
        reasoning_nanos = class_cost(tokens.reasoning_tokens, *price.reasoning_nanos_per_mtok);
    }

    // Each token term is below 2^126 / 10^6 in magnitude, images * per_image below 2^126, the
    // fee below 2^63: the sum is exact in i128 (finish() rejects what does not fit int64).
    const i128 provider_nanos =
        class_cost(uncached_tokens, price.input_nanos_per_mtok) +
        class_cost(tokens.cached_tokens, price.cached_input_nanos_per_mtok) +
        class_cost(tokens.cache_write_tokens, cache_write_price) +
        class_cost(output_tokens, price.output_nanos_per_mtok) + reasoning_nanos +
        price.per_request_nanos + static_cast<i128>(tokens.images) * price.per_image_nanos;
    const bool unpriced = out.unpriced_class;
    out = finish(provider_nanos, markup);
    out.unpriced_class = unpriced && out.result == CostResult::ok;
    assert(!non_negative(price, markup) || charges_at_least_provider(out));
    return out;
}

CostOutcome compute_cost(const ModelPrice& price, const Markup& markup, const TokenCounts& tokens,
                         std::int64_t unaccounted_tokens) {
    if (unaccounted_tokens < 0) return CostOutcome{CostResult::negative_tokens, {}, false};
    const CostOutcome priced = compute_cost(price, markup, tokens);
    if (priced.result != CostResult::ok || unaccounted_tokens == 0) return priced;
    // The classes' provider cost fits int64, the extra class is below 2^126 / 10^6: exact.
    const i128 provider_nanos = static_cast<i128>(priced.cost.provider_nanos) +
                                class_cost(unaccounted_tokens, dearest_class_nanos_per_mtok(price));
    CostOutcome out = finish(provider_nanos, markup);
    out.unpriced_class = priced.unpriced_class && out.result == CostResult::ok;
    assert(!non_negative(price, markup) || charges_at_least_provider(out));
    assert(out.result != CostResult::ok || out.cost.total_nanos >= priced.cost.total_nanos);
    return out;
}

CostOutcome compute_quote(const ModelPrice& price, const Markup& markup,
                          std::int64_t prompt_tokens_bound, std::int64_t max_output_tokens,
                          std::int64_t images_bound) {
    if (prompt_tokens_bound < 0 || max_output_tokens < 0 || images_bound < 0) {
        return CostOutcome{CostResult::negative_tokens, {}, false};
    }
    // The prompt may split over input, cached input and (when sold) cache writes; the output
    // over output and (when priced apart) reasoning. Each bound is held at its dearest class.
    std::vector<std::int64_t> prompt_prices{price.input_nanos_per_mtok,
                                            price.cached_input_nanos_per_mtok};
    if (price.cache_write_nanos_per_mtok)
        prompt_prices.push_back(*price.cache_write_nanos_per_mtok);
    std::vector<std::int64_t> output_prices{price.output_nanos_per_mtok};
    if (price.reasoning_nanos_per_mtok) output_prices.push_back(*price.reasoning_nanos_per_mtok);

    const i128 prompt_nanos =
        class_cost(prompt_tokens_bound,
                   *std::max_element(prompt_prices.begin(), prompt_prices.end())) +
        split_rounding_slack(prompt_tokens_bound, prompt_prices);
    const i128 output_nanos =
        class_cost(max_output_tokens,
                   *std::max_element(output_prices.begin(), output_prices.end())) +
        split_rounding_slack(max_output_tokens, output_prices);
    const i128 provider_nanos = prompt_nanos + output_nanos + price.per_request_nanos +
                                static_cast<i128>(images_bound) * price.per_image_nanos;
    const CostOutcome out = finish(provider_nanos, markup);
    assert(!non_negative(price, markup) || charges_at_least_provider(out));
    return out;
}

}  // namespace creditgate
