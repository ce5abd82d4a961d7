#pragma once
// `creditgate ledger verify`: proves the ledger from its stored rows alone.
//
// For every account: the entries chain (each balance_after = the previous one + amount), so
// Σ entries = balance; the balance goes below zero only after a charge flagged "overrun";
// every charge's amount = provider cost + mark-up (mark-up only when flagged "byok"); every
// hold ended at most once and matches its entry (settled: one charge; voided: none; abandoned:
// one entry flagged "abandoned"; open: none), and reserved = Σ open holds; every credit entry
// has its bucket, no bucket gives more than it had, no debit is covered twice, and
// Σ bucket remainders − Σ unpaid debits = balance, with debts paid before anything is left.
#include <cstdint>
#include <string>
#include <vector>

#include "creditgate/store/store.hpp"

namespace creditgate {

struct VerifyReport {
    std::size_t accounts = 0;
    std::size_t entries = 0;
    std::size_t holds = 0;
    std::size_t open_holds = 0;
    std::size_t grants = 0;
    std::int64_t money_in_nanos = 0;   // Σ credits (top-ups, grants, positive adjustments)
    std::int64_t money_out_nanos = 0;  // Σ debits (charges, expiries, negative adjustments)
    std::int64_t balances_nanos = 0;   // Σ account balances
    std::int64_t reserved_nanos = 0;   // Σ open holds
    std::size_t discrepancy_count = 0;
    std::vector<std::string> discrepancies;  // the first ones, in the order found
    bool ok() const { return discrepancy_count == 0; }
};

// Reads everything inside one read transaction of `store` (a consistent snapshot). Lists at
// most `max_listed` discrepancies but counts them all. Throws StoreError if the store fails.
VerifyReport verify_ledger(Store& store, std::size_t max_listed = 50);

}  // namespace creditgate
