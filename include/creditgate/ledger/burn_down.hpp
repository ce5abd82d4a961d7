#pragma once
// The order in which debits consume credit buckets, and how new credits pay old debts.
// Pure functions over in-memory state: the ledger persists what they return, then applies it.
//
// Order (as billing systems burn down credit grants): grants by priority (lower first), then
// earliest expiry (no expiry after any expiry), then oldest; paid top-ups and adjustments,
// which never expire, always last, oldest first.
#include <cstdint>
#include <deque>
#include <vector>

#include "creditgate/store/records.hpp"

namespace creditgate {

// A debit entry not yet fully covered by buckets: what an overrun left owing.
struct Debt {
    std::int64_t entry_id = 0;
    std::int64_t unpaid_nanos = 0;
};

struct BurnPlan {
    std::vector<AllocationRecord> allocations;  // entry_id left 0: filled in once it is known
    std::int64_t unallocated_nanos = 0;         // more than the buckets held: becomes a debt
};

// True if `a` is consumed before `b`.
bool burns_before(const GrantRecord& a, const GrantRecord& b);

// Inserts keeping burn-down order.
void insert_bucket(std::vector<GrantRecord>& buckets, GrantRecord bucket);

// What taking `amount` from `buckets` would allocate, without changing them.
BurnPlan plan_burn(const std::vector<GrantRecord>& buckets, std::int64_t amount);

// What a new bucket of `amount` pays of `debts`, oldest first, without changing them.
// The allocations name the debit entries and leave grant_id 0.
std::vector<AllocationRecord> plan_repay(const std::deque<Debt>& debts, std::int64_t amount);

// Applies planned allocations: buckets lose what was allocated (emptied ones are removed);
// debts lose what was repaid (paid ones are removed).
void apply_burn(std::vector<GrantRecord>& buckets, const std::vector<AllocationRecord>& plan);
void apply_repay(std::deque<Debt>& debts, const std::vector<AllocationRecord>& plan);

}  // namespace creditgate
