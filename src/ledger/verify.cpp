#include "creditgate/ledger/verify.hpp"

#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

namespace creditgate {

namespace {

bool is_credit_type(const std::string& type) {
    return type == "topup" || type == "grant" || type == "adjustment";
}

struct EntryFacts {
    std::int64_t account_id = 0;
    std::string type;
    std::int64_t amount_nanos = 0;
    std::string flags;
    std::int64_t allocated_nanos = 0;  // debits: Σ allocations naming this entry
    bool has_grant = false;            // credits: its bucket exists
};

struct AccountFacts {
    std::int64_t balance_nanos = 0;
    std::int64_t remaining_nanos = 0;  // Σ bucket remainders
    std::int64_t unpaid_nanos = 0;     // Σ debits not covered by buckets
    std::int64_t reserved_nanos = 0;
    bool has_entries = false;
};

class Verifier {
  public:
    Verifier(Store& store, std::size_t max_listed) : store_(store), max_listed_(max_listed) {}

    VerifyReport run() {
        store_.begin();  // one snapshot for every read below
        try {
            check_entries();
            check_holds();
            check_grants();
            check_allocations();
            check_accounts();
            store_.rollback();
        } catch (...) {
            store_.rollback();
            throw;
        }
        return std::move(report_);
    }

  private:
    template <typename... Parts>
    void fail(const Parts&... parts) {
        ++report_.discrepancy_count;
        if (report_.discrepancies.size() >= max_listed_) return;
        std::string text;
        ((text += to_text(parts)), ...);
        report_.discrepancies.push_back(std::move(text));
    }
    static std::string to_text(const std::string& s) { return s; }
    static std::string to_text(const char* s) { return s; }
    static std::string to_text(std::int64_t v) { return std::to_string(v); }

    void check_entries() {
        std::int64_t account = 0;
        std::int64_t balance = 0;
        bool deficit_explained = false;
        store_.scan_entries([&](const EntryRecord& e) {
            ++report_.entries;
            if (e.account_id != account) {
                account = e.account_id;
                balance = 0;
                deficit_explained = false;
            }
            const std::string where =
                "entry " + std::to_string(e.id) + " (account " + std::to_string(e.account_id) + ")";
            if (__builtin_add_overflow(balance, e.amount_nanos, &balance) ||
                balance != e.balance_after_nanos) {
                fail(where, ": balance_after ", e.balance_after_nanos,
                     " is not the previous balance plus its amount (", balance, ")");
                balance = e.balance_after_nanos;  // report each break once
            }
            check_entry_sign(e, where);
            if (e.type == "charge") check_charge_amount(e, where);
            if (balance >= 0) {
                deficit_explained = false;
            } else if (has_flag(e.flags, "overrun")) {
                deficit_explained = true;
            } else if (!deficit_explained) {
                fail(where, ": the balance went below zero (", balance,
                     ") without a charge flagged overrun");
            }
            auto& facts = entries_[e.id];
            facts = EntryFacts{e.account_id, e.type, e.amount_nanos, e.flags, 0, false};
            if (e.amount_nanos > 0) report_.money_in_nanos += e.amount_nanos;
            if (e.amount_nanos < 0) report_.money_out_nanos -= e.amount_nanos;
            if (e.hold_id) {
                if (!hold_entry_.emplace(*e.hold_id, e.id).second) {
                    fail(where, ": hold ", *e.hold_id, " has more than one entry");
                }
            }
            auto& account_facts = accounts_[e.account_id];
            account_facts.balance_nanos = e.balance_after_nanos;
            account_facts.has_entries = true;
        });
    }

    void check_entry_sign(const EntryRecord& e, const std::string& where) {
        const auto amount = e.amount_nanos;
        bool ok = true;
        if (e.type == "topup" || e.type == "grant") {
            ok = amount > 0;
        } else if (e.type == "adjustment") {
            ok = amount != 0;
        } else if (e.type == "charge") {
            ok = amount <= 0;
        } else if (e.type == "expiry") {
            ok = amount < 0;
        } else if (e.type == "void") {
            ok = amount == 0 && has_flag(e.flags, "abandoned");
        } else {
            fail(where, ": unknown entry type '", e.type, "'");
            return;
        }
        if (!ok) fail(where, ": a ", e.type, " entry cannot have amount ", amount);
    }

    void check_charge_amount(const EntryRecord& e, const std::string& where) {
        if (e.provider_cost_nanos < 0 || e.markup_nanos < 0) {
            fail(where, ": negative provider cost or mark-up");
            return;
        }
        const bool byok = has_flag(e.flags, "byok");
        const std::int64_t expected =
            byok ? e.markup_nanos : e.provider_cost_nanos + e.markup_nanos;
        if (-e.amount_nanos != expected) {
            fail(where, ": charged ", -e.amount_nanos, " but provider cost + mark-up is ", expected,
                 byok ? " (byok: mark-up only)" : "");
        }
    }

    void check_holds() {
        store_.scan_holds([&](const HoldRecord& h) {
            ++report_.holds;
            const std::string where = "hold " + std::to_string(h.id);
            auto found = hold_entry_.find(h.id);
            const EntryFacts* entry =
                found == hold_entry_.end() ? nullptr : &entries_[found->second];
            if (found != hold_entry_.end()) seen_holds_.emplace(h.id);
            if (entry && entry->account_id != h.account_id) {
                fail(where, ": its entry belongs to account ", entry->account_id, ", not ",
                     h.account_id);
            }
            switch (h.state) {
                case HoldState::open:
                    ++report_.open_holds;
                    accounts_[h.account_id].reserved_nanos += h.amount_nanos;
                    report_.reserved_nanos += h.amount_nanos;
                    if (entry) fail(where, ": open, yet it already has an entry");
                    break;
                case HoldState::settled:
                    if (!entry || entry->type != "charge") {
                        fail(where, ": settled without exactly one charge entry");
                    } else if (has_flag(entry->flags, "abandoned")) {
                        fail(where, ": settled, but its entry is flagged abandoned");
                    }
                    break;
                case HoldState::voided:
                    if (entry) fail(where, ": voided, yet it has an entry");
                    break;
                case HoldState::abandoned:
                    if (!entry || !has_flag(entry->flags, "abandoned")) {
                        fail(where, ": abandoned without one entry flagged abandoned");
                    }
                    break;
            }
        });
        for (const auto& [hold_id, entry_id] : hold_entry_) {
            if (!seen_holds_.count(hold_id)) {
                fail("entry ", entry_id, ": names hold ", hold_id, ", which does not exist");
            }
        }
    }

    void check_grants() {
        for (const auto& g : store_.load_all_grants()) {
            ++report_.grants;
            const std::string where = "grant " + std::to_string(g.id);
            grants_[g.id] = g;
            auto entry = entries_.find(g.entry_id);
            if (entry == entries_.end() || entry->second.account_id != g.account_id ||
                entry->second.amount_nanos != g.amount_nanos ||
                entry->second.type != to_string(g.kind)) {
                fail(where, ": does not match its credit entry ", g.entry_id);
            } else {
                entry->second.has_grant = true;
            }
            if (g.allocated_nanos > g.amount_nanos) {
                fail(where, ": gave ", g.allocated_nanos, " but held only ", g.amount_nanos);
            }
            accounts_[g.account_id].remaining_nanos += g.remaining_nanos();
        }
        for (const auto& [id, entry] : entries_) {
            if (entry.amount_nanos > 0 && is_credit_type(entry.type) && !entry.has_grant) {
                fail("entry ", id, ": a credit without its bucket");
            }
        }
    }

    void check_allocations() {
        std::map<std::int64_t, std::int64_t> expired_from;  // expiry entry -> grant
        store_.scan_allocations([&](const AllocationRecord& a) {
            const std::string where = "allocation (entry " + std::to_string(a.entry_id) +
                                      ", grant " + std::to_string(a.grant_id) + ")";
            auto entry = entries_.find(a.entry_id);
            auto grant = grants_.find(a.grant_id);
            if (entry == entries_.end() || grant == grants_.end()) {
                fail(where, ": names a missing entry or grant");
                return;
            }
            if (entry->second.amount_nanos >= 0) fail(where, ": allocated to a non-debit entry");
            if (entry->second.account_id != grant->second.account_id) {
                fail(where, ": entry and grant belong to different accounts");
            }
            entry->second.allocated_nanos += a.amount_nanos;
            if (entry->second.type == "expiry") {
                if (expired_from.count(a.entry_id)) fail(where, ": an expiry of two grants");
                expired_from[a.entry_id] = a.grant_id;
            }
        });
        for (const auto& [id, entry] : entries_) {
            if (entry.amount_nanos >= 0) continue;
            const std::int64_t debit = -entry.amount_nanos;
            if (entry.allocated_nanos > debit) {
                fail("entry ", id, ": covered ", entry.allocated_nanos, " for a debit of ", debit);
            }
            if (entry.type == "expiry" && entry.allocated_nanos != debit) {
                fail("entry ", id, ": an expiry must take exactly what its grant had left");
            }
            accounts_[entry.account_id].unpaid_nanos += debit - entry.allocated_nanos;
        }
        for (const auto& [entry_id, grant_id] : expired_from) {
            const auto& grant = grants_[grant_id];
            if (grant.remaining_nanos() != 0) {
                fail("grant ", grant_id, ": expired by entry ", entry_id, " but still has ",
                     grant.remaining_nanos());
            }
        }
    }

    void check_accounts() {
        for (const auto& account : store_.load_accounts()) {
            ++report_.accounts;
            const auto& facts = accounts_[account.id];
            const std::string where = "account " + std::to_string(account.id);
            report_.balances_nanos += facts.balance_nanos;
            if (facts.remaining_nanos - facts.unpaid_nanos != facts.balance_nanos) {
                fail(where, ": buckets hold ", facts.remaining_nanos, " and ", facts.unpaid_nanos,
                     " is owed, which does not make its balance ", facts.balance_nanos);
            }
            if (facts.unpaid_nanos > 0 && facts.remaining_nanos > 0) {
                fail(where, ": owes ", facts.unpaid_nanos, " while buckets still hold ",
                     facts.remaining_nanos, " (debts are paid first)");
            }
        }
        if (report_.money_in_nanos - report_.money_out_nanos != report_.balances_nanos) {
            fail("money in ", report_.money_in_nanos, " - money out ", report_.money_out_nanos,
                 " != sum of balances ", report_.balances_nanos);
        }
    }

    Store& store_;
    std::size_t max_listed_;
    VerifyReport report_;
    std::unordered_map<std::int64_t, EntryFacts> entries_;
    std::unordered_map<std::int64_t, std::int64_t> hold_entry_;  // hold -> its entry
    std::map<std::int64_t, AccountFacts> accounts_;
    std::unordered_map<std::int64_t, GrantRecord> grants_;
    std::set<std::int64_t> seen_holds_;
};

}  // namespace

VerifyReport verify_ledger(Store& store, std::size_t max_listed) {
    return Verifier(store, max_listed).run();
}

}  // namespace creditgate
