// The one code path that moves money. Memory changes here, under the ledger's mutex, and the
// result says exactly what the store must write for it; nothing else changes a balance.
#include "checked_math.hpp"
#include "creditgate/ledger/ledger.hpp"
#include "creditgate/observe/invariant.hpp"

namespace creditgate {

Ledger::Movement Ledger::move_debit(AccountState& account, EntryRecord entry, const Debit& debit) {
    CG_CHECK(debit.amount_nanos >= 0, "a debit takes, never gives");
    std::int64_t balance_after = 0;
    CG_CHECK(!checked_sub(account.balance_nanos, debit.amount_nanos, balance_after),
             "callers check for overflow before they debit");
    BurnPlan plan;
    if (debit.only_grant) {
        plan.allocations.push_back(AllocationRecord{0, *debit.only_grant, debit.amount_nanos});
    } else {
        plan = plan_burn(account.buckets, debit.amount_nanos);
    }
    entry.id = ++last_ids_.entry;
    entry.amount_nanos = -debit.amount_nanos;
    entry.balance_after_nanos = balance_after;
    for (auto& allocation : plan.allocations) allocation.entry_id = entry.id;
    apply_burn(account.buckets, plan.allocations);
    if (plan.unallocated_nanos > 0) account.debts.push_back({entry.id, plan.unallocated_nanos});
    account.balance_nanos = balance_after;
    if (entry.type == "charge" && entry.key_id) {
        key_limits_.charge(*entry.key_id, debit.amount_nanos,
                           entry.prompt_tokens + entry.completion_tokens, entry.created_at_ms);
    }
    // Negative only while something is owed, and then the entry says why.
    CG_CHECK(account.balance_nanos >= 0 || !account.debts.empty(),
             "a negative balance is always owed by some entry");
    return Movement{std::move(entry), std::move(plan.allocations), std::nullopt};
}

Ledger::Movement Ledger::move_credit(AccountState& account, EntryRecord entry, GrantRecord bucket) {
    CG_CHECK(bucket.amount_nanos > 0, "a credit gives, never takes");
    std::int64_t balance_after = 0;
    CG_CHECK(!checked_add(account.balance_nanos, bucket.amount_nanos, balance_after),
             "callers check for overflow before they credit");
    entry.id = ++last_ids_.entry;
    entry.amount_nanos = bucket.amount_nanos;
    entry.balance_after_nanos = balance_after;
    bucket.id = ++last_ids_.grant;
    bucket.entry_id = entry.id;
    // A credit first pays what overruns left owing, oldest first.
    auto repaid = plan_repay(account.debts, bucket.amount_nanos);
    for (auto& allocation : repaid) allocation.grant_id = bucket.id;
    apply_repay(account.debts, repaid);
    account.balance_nanos = balance_after;
    GrantRecord remaining = bucket;
    for (const auto& allocation : repaid) remaining.allocated_nanos += allocation.amount_nanos;
    if (remaining.remaining_nanos() > 0) {
        if (remaining.expires_at_ms) {
            grant_expiries_.emplace(*remaining.expires_at_ms, remaining.account_id, remaining.id);
        }
        insert_bucket(account.buckets, std::move(remaining));
    }
    return Movement{std::move(entry), std::move(repaid), std::move(bucket)};
}

void Ledger::write_movement(Store& store, const Movement& movement) {
    store.insert_entry(movement.entry);
    if (movement.bucket) store.insert_grant(*movement.bucket);
    for (const auto& allocation : movement.allocations) store.insert_allocation(allocation);
}

}  // namespace creditgate
