#include "creditgate/usage/charge_rule.hpp"

#include <algorithm>
#include <limits>

#include "creditgate/usage/usage_assessment.hpp"

namespace creditgate {

namespace {
void add_flag(std::string& flags, std::string_view flag) {
    if (!flags.empty()) flags += ',';
    flags += flag;
}
}  // namespace

Bill bill_for(const BillInputs& in) {
    Bill bill;
    if (in.usage) {
        bill.raw_usage = in.usage->raw;
        const auto check = assess_usage(*in.usage, in.output_bytes);
        if (check.usage_mismatch) add_flag(bill.flags, "usage_mismatch");
        if (check.billable) {
            const auto counts = in.usage->to_counts();
            // Tokens the provider counted outside the priced classes, and 1-hour cache writes
            // (no class sells them), are charged at the entry's dearest class, never left free.
            auto priced = counts;
            const std::int64_t cache_1h =
                std::min(in.usage->cache_write_1h_tokens.value_or(0), counts.cache_write_tokens);
            priced.cache_write_tokens -= cache_1h;
            priced.prompt_tokens -= cache_1h;
            const bool fits =
                check.unaccounted_tokens <= std::numeric_limits<std::int64_t>::max() - cache_1h;
            const auto cost = fits ? compute_cost(in.price, in.markup, priced,
                                                  check.unaccounted_tokens + cache_1h)
                                   : CostOutcome{CostResult::overflow, {}, false};
            if (cost.result == CostResult::ok) {
                if (cost.unpriced_class || cache_1h > 0) add_flag(bill.flags, "unpriced_class");
                bill.tokens = counts;
                bill.cost = cost.cost;
                return bill;
            }
        }
    }
    bill.estimated = true;
    bill.tokens =
        TokenCounts{in.prompt_bound_tokens, 0, in.output_tokens.value_or(in.output_bytes)};
    // Images are counted from the reply itself, never estimated.
    if (in.usage) bill.tokens.images = in.usage->images.value_or(0);
    const auto cost = compute_cost(in.price, in.markup, bill.tokens);
    if (cost.result == CostResult::ok) {
        bill.cost = cost.cost;
    } else {
        bill.cost = in.quote;
        add_flag(bill.flags, "quote");
    }
    return bill;
}

}  // namespace creditgate
