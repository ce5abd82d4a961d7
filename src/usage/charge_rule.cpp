#include "creditgate/usage/charge_rule.hpp"

namespace creditgate {

Bill bill_for(const BillInputs& in) {
    Bill bill;
    if (in.usage) bill.raw_usage = in.usage->raw;
    if (in.usage && in.usage->billable()) {
        const auto counts = in.usage->to_counts();
        const auto cost = compute_cost(in.price, in.markup, counts);
        if (cost.result == CostResult::ok) {
            bill.tokens = counts;
            bill.cost = cost.cost;
            return bill;
        }
    }
    bill.estimated = true;
    bill.tokens = TokenCounts{in.prompt_bound_tokens, 0, in.output_bytes};
    const auto cost = compute_cost(in.price, in.markup, bill.tokens);
    if (cost.result == CostResult::ok) {
        bill.cost = cost.cost;
    } else {
        bill.cost = in.quote;
        bill.flags = "quote";
    }
    return bill;
}

}  // namespace creditgate
