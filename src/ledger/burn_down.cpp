#include "creditgate/ledger/burn_down.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

namespace creditgate {

namespace {

auto burn_key(const GrantRecord& g) {
    const bool last = g.kind != GrantKind::grant;  // paid credit is spent after every grant
    const auto expiry = g.expires_at_ms.value_or(std::numeric_limits<std::int64_t>::max());
    return std::make_tuple(last, last ? 0 : g.priority, expiry, g.id);
}

}  // namespace

bool burns_before(const GrantRecord& a, const GrantRecord& b) {
    return burn_key(a) < burn_key(b);
}

void insert_bucket(std::vector<GrantRecord>& buckets, GrantRecord bucket) {
    auto at = std::upper_bound(buckets.begin(), buckets.end(), bucket, burns_before);
    buckets.insert(at, std::move(bucket));
}

BurnPlan plan_burn(const std::vector<GrantRecord>& buckets, std::int64_t amount) {
    BurnPlan plan;
    for (const auto& bucket : buckets) {
        if (amount == 0) break;
        const std::int64_t take = std::min(amount, bucket.remaining_nanos());
        if (take <= 0) continue;
        plan.allocations.push_back(AllocationRecord{0, bucket.id, take});
        amount -= take;
    }
    plan.unallocated_nanos = amount;
    return plan;
}

std::vector<AllocationRecord> plan_repay(const std::deque<Debt>& debts, std::int64_t amount) {
    std::vector<AllocationRecord> plan;
    for (const auto& debt : debts) {
        if (amount == 0) break;
        const std::int64_t pay = std::min(amount, debt.unpaid_nanos);
        plan.push_back(AllocationRecord{debt.entry_id, 0, pay});
        amount -= pay;
    }
    return plan;
}

void apply_burn(std::vector<GrantRecord>& buckets, const std::vector<AllocationRecord>& plan) {
    for (const auto& allocation : plan) {
        auto it = std::find_if(buckets.begin(), buckets.end(),
                               [&](const GrantRecord& g) { return g.id == allocation.grant_id; });
        if (it == buckets.end()) continue;
        it->allocated_nanos += allocation.amount_nanos;
        if (it->remaining_nanos() == 0) buckets.erase(it);
    }
}

void apply_repay(std::deque<Debt>& debts, const std::vector<AllocationRecord>& plan) {
    for (const auto& allocation : plan) {
        auto it = std::find_if(debts.begin(), debts.end(),
                               [&](const Debt& d) { return d.entry_id == allocation.entry_id; });
        if (it == debts.end()) continue;
        it->unpaid_nanos -= allocation.amount_nanos;
        if (it->unpaid_nanos == 0) debts.erase(it);
    }
}

}  // namespace creditgate
