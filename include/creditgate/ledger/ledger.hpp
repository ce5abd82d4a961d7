#pragma once
// Accounts, holds, settlements, top-ups, grants and adjustments: the only code that moves money.
//
// Two-phase transfers: hold(quote) reserves credits atomically with the balance check, then
// exactly one of settle(actual cost) or release() ends the hold; a hold past its deadline, or
// left open by a previous process, is ended by the on_abandoned rule. Credits are buckets that
// debits burn down (burn_down.hpp). All state changes run on the store's writer thread, in
// order, so checks and moves cannot interleave, and balances are answered from memory kept
// under that ordering. Callbacks run on the writer thread: they must not block (post to your
// own executor).
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "creditgate/ledger/abandon_rule.hpp"
#include "creditgate/ledger/burn_down.hpp"
#include "creditgate/ledger/results.hpp"
#include "creditgate/pricing/cost.hpp"
#include "creditgate/store/records.hpp"
#include "creditgate/store/writer.hpp"

namespace creditgate {

template <typename T>
using Callback = std::function<void(T)>;

struct LedgerOptions {
    std::int64_t hold_timeout_ms = 15 * 60 * 1000;
    AbandonRule on_abandoned = AbandonRule::void_hold;
    // How often deadlines and grant expiries are swept when nothing else happens; 0 = only on
    // operations and explicit sweep() (tests drive time themselves).
    std::int64_t sweep_interval_ms = 1000;
    std::function<std::int64_t()> clock;  // epoch ms; the system clock when empty
};

struct AccountBalance {
    std::int64_t id = 0;
    std::string name;
    std::int64_t created_at_ms = 0;
    std::int64_t balance_nanos = 0;   // posted
    std::int64_t reserved_nanos = 0;  // sum of open holds
    std::int64_t owed_nanos = 0;      // debits no bucket covered yet (overruns); paid first
    std::vector<GrantRecord> grants;  // buckets with something left, in burn-down order
    std::int64_t available_nanos() const { return balance_nanos - reserved_nanos; }
};

struct HoldRequest {
    std::int64_t account_id = 0;
    std::int64_t key_id = 0;
    std::string request_id;
    std::string model;
    std::string endpoint;
    std::int64_t amount_nanos = 0;  // the quote's total
    std::int64_t quote_provider_nanos = 0;
    std::int64_t quote_markup_nanos = 0;
    std::string price_version;
};

struct HoldOutcome {
    LedgerResult result = LedgerResult::unavailable;
    std::int64_t hold_id = 0;
    std::int64_t available_nanos = 0;  // after the hold when ok; before it otherwise
};

struct Charge {
    TokenCounts tokens;
    Cost cost;
    bool estimated = false;  // usage was missing: tokens are our own bound/count
    std::string raw_usage;
    std::string price_version;
};

struct SettleOutcome {
    LedgerResult result = LedgerResult::unavailable;
    EntryRecord entry;
    std::int64_t available_nanos = 0;
};

// A credit made by an admin: a paid top-up, a grant, or a signed adjustment. Idempotent by
// (kind, account, idempotency_key); the request hash detects a reused key with another body.
struct CreditRequest {
    GrantKind kind = GrantKind::topup;
    std::int64_t account_id = 0;
    std::int64_t amount_nanos = 0;  // adjustments may be negative
    std::string reference;          // top-up/grant reference, or the adjustment's reason
    std::optional<std::int64_t> expires_at_ms;  // grants only
    int priority = 0;                           // grants only
    std::string actor;                          // admin token name
    std::string idempotency_key;
    std::string request_hash;
};

struct CreditOutcome {
    LedgerResult result = LedgerResult::unavailable;
    EntryRecord entry;
    std::optional<GrantRecord> grant;  // the bucket it created (credits only), as created
    bool replayed = false;  // the idempotency key was seen before: nothing moved this time
};

struct EntriesOutcome {
    LedgerResult result = LedgerResult::unavailable;
    std::vector<EntryRecord> entries;
};

class Ledger {
  public:
    static constexpr std::size_t kMaxOpenHoldsPerAccount = 10'000;

    explicit Ledger(std::unique_ptr<Store> store, LedgerOptions options = {});
    ~Ledger();

    // Loads balances, ends holds left open by a previous process by the on_abandoned rule (no
    // request of that process can still deliver anything), starts the writer and the sweeper.
    // Returns the number of abandoned holds.
    std::size_t start();
    // Commits everything queued and stops the writer.
    void stop();

    void create_account(std::string name, Callback<std::optional<AccountBalance>> done);
    void get_account(std::int64_t account_id, Callback<std::optional<AccountBalance>> done);
    void list_entries(std::int64_t account_id, int limit, std::int64_t before_id,
                      Callback<EntriesOutcome> done);

    void hold(HoldRequest request, Callback<HoldOutcome> done);
    void settle(std::int64_t hold_id, Charge charge, Callback<SettleOutcome> done);
    void release(std::int64_t hold_id, Callback<LedgerResult> done);
    void credit(CreditRequest request, Callback<CreditOutcome> done);
    // Ends holds past their deadline and expires grants past their expiry, as of the clock.
    // Reports how many of each were resolved (holds + grants).
    void sweep(Callback<std::size_t> done);

    // Runs a job on the writer thread (used by other modules that persist through the store,
    // such as API keys). The job sees the ledger's ordering.
    void submit(WriterJob job) { writer_.submit(std::move(job)); }
    bool account_exists_on_writer(std::int64_t account_id) const {
        return accounts_.count(account_id) != 0;
    }

  private:
    struct AccountState {
        std::string name;
        std::int64_t created_at_ms = 0;
        std::int64_t balance_nanos = 0;
        std::int64_t reserved_nanos = 0;
        std::size_t open_holds = 0;
        std::vector<GrantRecord> buckets;  // remaining > 0, in burn-down order
        std::deque<Debt> debts;            // oldest first
    };
    struct Debit {
        std::int64_t amount_nanos = 0;           // positive: what leaves the balance
        std::optional<std::int64_t> only_grant;  // expiry: that bucket, not burn-down order
    };

    void reload(Store& store);
    void log_pending();
    AccountBalance balance_of(std::int64_t id, const AccountState& state) const;
    // The clock, never going backwards (entries' times rise with their ids even if the system
    // clock steps back, so time-ordered reports add up). Writer thread only.
    std::int64_t now();
    // Money moves in two steps so memory changes only after all SQL of an operation succeeded:
    // persist_* writes the entry and its allocations (throws StoreError, memory untouched),
    // apply_* then updates memory. `entry` carries everything but id, amount, balance_after.
    struct CreditPlan {
        GrantRecord bucket;                    // as created
        std::vector<AllocationRecord> repaid;  // the debts it paid
    };
    BurnPlan persist_debit(Store& store, const AccountState& account, EntryRecord& entry,
                           const Debit& debit);
    void apply_debit(AccountState& account, const EntryRecord& entry, const BurnPlan& plan);
    CreditPlan persist_credit(Store& store, const AccountState& account, EntryRecord& entry,
                              GrantRecord bucket);
    void apply_credit(AccountState& account, const EntryRecord& entry, const CreditPlan& plan);
    void close_abandoned(Store& store, const HoldRecord& hold);
    std::size_t sweep_due(Store& store);
    void forget_hold(std::unordered_map<std::int64_t, HoldRecord>::iterator it,
                     AccountState& account);
    void run_sweeper();

    LedgerOptions options_;
    std::int64_t last_now_ms_ = 0;
    Writer writer_;
    // Owned by the writer thread after start().
    std::unordered_map<std::int64_t, AccountState> accounts_;
    std::unordered_map<std::int64_t, HoldRecord> open_holds_;
    std::set<std::pair<std::int64_t, std::int64_t>> hold_deadlines_;  // (deadline, hold id)
    std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t>> grant_expiries_;
    // (expires at, account id, grant id)
    // Log lines about work in the current batch, written once it has committed (a batch that
    // is rolled back and run again must not announce its work twice).
    std::vector<std::string> pending_log_lines_;

    std::mutex sweeper_mutex_;
    std::condition_variable sweeper_wake_;
    bool sweeper_stopping_ = false;
    std::thread sweeper_;
};

std::int64_t now_ms();

}  // namespace creditgate
