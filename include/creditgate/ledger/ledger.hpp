#pragma once
// Accounts, holds, settlements, top-ups, grants and adjustments: the only code that moves money.
//
// Two-phase transfers: hold(quote) reserves credits atomically with the balance check, then
// exactly one of settle(actual cost) or release() ends the hold; a hold past its deadline, or
// left open by a previous process, is ended by the on_abandoned rule. Credits are buckets that
// debits burn down (burn_down.hpp).
//
// Memory decides, the store remembers. Every decision is made in memory under one mutex, by
// the one owner of the numbers, on the caller's thread: no database round trip on admission.
// Each decision appends a record to the writer (store/writer.hpp) in the order it was made;
// the writer commits records in groups and never drops one. A caller that must not let a
// client see a result before it is durable waits for the outcome's durable_seq (the proxy
// does so before the first byte of a reply for a hold, and before the last for a charge).
// A restart rebuilds memory from the store: what was not durable never reached a client.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
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
#include "creditgate/ledger/key_limits.hpp"
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
    std::int64_t token_bound = 0;  // prompt + output tokens at most: the key's tokens per minute
    // Bring your own key: the user pays the provider, so the hold is the mark-up only
    // (amount == quote_markup_nanos); the provider's quote is not reserved, nor recorded.
    bool byok = false;
};

struct HoldOutcome {
    LedgerResult result = LedgerResult::unavailable;
    std::int64_t hold_id = 0;
    std::int64_t available_nanos = 0;       // after the hold when ok; before it otherwise
    WriteSeq durable_seq = 0;               // the hold is durable once the writer reached this
    std::optional<KeyRefusal> key_refusal;  // key_limited: which limit of which key
};

struct Charge {
    TokenCounts tokens;
    Cost cost;
    bool estimated = false;  // usage was missing: tokens are our own bound/count
    std::string flags;       // further words for the entry ("usage_mismatch", ...), comma-joined
    std::string raw_usage;
    std::string price_version;
    // Bring your own key: the provider cost is recorded for information, only the mark-up is
    // debited, and the entry is flagged "byok".
    bool byok = false;
};

struct ReleaseOutcome {
    LedgerResult result = LedgerResult::unavailable;
    WriteSeq durable_seq = 0;  // 0 when nothing was written (the hold had already ended)
};

struct SettleOutcome {
    LedgerResult result = LedgerResult::unavailable;
    EntryRecord entry;  // amount 0 and id 0 when nothing more was due (a late settle)
    std::int64_t available_nanos = 0;
    WriteSeq durable_seq = 0;
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
    // Explicit limits for what grows with traffic.
    static constexpr std::size_t kMaxOpenHoldsPerAccount = 10'000;
    // Abandoned holds remembered so that a settle arriving after its hold's deadline still
    // charges (as a "late" entry); past this many, the oldest are forgotten.
    static constexpr std::size_t kMaxRememberedAbandoned = 100'000;

    explicit Ledger(std::unique_ptr<Store> store, LedgerOptions options = {});
    ~Ledger();

    // Loads balances, ends holds left open by a previous process by the on_abandoned rule (no
    // request of that process can still deliver anything), starts the writer and the sweeper.
    // Returns the number of abandoned holds.
    std::size_t start();
    // Commits everything queued and stops the writer.
    void stop();

    // --- The request path: decided in memory at once, on the calling thread. Thread-safe.
    // unavailable when the store cannot commit (nothing is admitted that could not be kept).
    HoldOutcome hold(const HoldRequest& request);
    // Never refused for a hold this process placed: an ended hold's late charge is still taken.
    SettleOutcome settle(std::int64_t hold_id, const Charge& charge);
    ReleaseOutcome release(std::int64_t hold_id);
    bool durable(WriteSeq seq) const { return writer_.durable(seq); }
    // done(true) once `seq` is durable (at once if it is); false if the ledger stopped first.
    void when_durable(WriteSeq seq, Callback<bool> done) {
        writer_.when_durable(seq, std::move(done));
    }
    bool healthy() const { return writer_.healthy(); }

    // --- The same, answering once the result is durable (tests, tools).
    void hold(HoldRequest request, Callback<HoldOutcome> done);
    void settle(std::int64_t hold_id, Charge charge, Callback<SettleOutcome> done);
    void release(std::int64_t hold_id, Callback<LedgerResult> done);

    // --- Admin. Each answers once what it did is durable.
    void create_account(std::string name, Callback<std::optional<AccountBalance>> done);
    void get_account(std::int64_t account_id, Callback<std::optional<AccountBalance>> done);
    void list_entries(std::int64_t account_id, int limit, std::int64_t before_id,
                      Callback<EntriesOutcome> done);
    // The entries of one request of the account (oldest first; empty when it has none: unknown,
    // still in flight, or another account's).
    void find_request_entries(std::int64_t account_id, std::string request_id,
                              Callback<EntriesOutcome> done);
    void credit(CreditRequest request, Callback<CreditOutcome> done);
    // Ends holds past their deadline and expires grants past their expiry, as of the clock.
    // Reports how many of each were resolved (holds + grants).
    void sweep(Callback<std::size_t> done);

    // Runs a job on the writer thread (other modules that persist through the store, such as
    // API keys, and reports). It sees every decision made before it was submitted.
    void submit(WriterJob job) { writer_.submit(std::move(job)); }
    bool account_exists(std::int64_t account_id) const;

    // --- Keys' limits (key_limits.hpp), kept with the balances they are decided with. The
    // key registry tells the ledger of keys made, changed and revoked after start().
    void add_key(std::int64_t key_id, std::optional<std::int64_t> parent_id,
                 const KeyLimitSpec& spec);
    void set_key_limits(std::int64_t key_id, const KeyLimitSpec& spec);
    // The key and every key below it; returns those that were live until now.
    std::vector<std::int64_t> revoke_key_tree(std::int64_t key_id);
    std::optional<KeyUsage> key_usage(std::int64_t key_id);
    // Recomputes what memory keeps incrementally (reserved = Σ open holds, open-hold counts,
    // balance = Σ buckets − owed) and stops the process if they disagree. O(holds + buckets):
    // for tests and the sweeper's idle moments, not the request path.
    void check_invariants() const;

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
    // One money movement as memory made it: what the store must write for it.
    struct Movement {
        EntryRecord entry;
        std::vector<AllocationRecord> allocations;
        std::optional<GrantRecord> bucket;  // a credit's new bucket
    };
    // A hold's insert record, shared with the record that closes the hold. When both land in
    // the same batch (a short request), the insert writes the row already closed and the
    // closing record skips its update: one row write instead of two, nothing through the
    // open-holds index, and still a row says closed only in the transaction that writes its
    // closing entry. Batches are retried, so the choice is made again on every attempt, from
    // what stays fixed across attempts (the closing record's sequence and the batch's range).
    struct HoldInsert {
        explicit HoldInsert(HoldRecord hold) : row(std::move(hold)) {}
        HoldRecord row;  // the writer's own copy: its state is what this attempt writes
        // How the closing record ends the hold: set under mutex_ before closed_by is published.
        HoldState closed_state = HoldState::open;
        std::int64_t closed_at_ms = 0;
        std::atomic<WriteSeq> closed_by{0};  // the closing record's sequence, once appended
        bool inserted_closed = false;        // writer thread: this attempt wrote the row closed
    };
    struct OpenHold {
        HoldRecord record;
        std::shared_ptr<HoldInsert> insert;  // null for a hold loaded from the store
        std::int64_t token_bound = 0;        // what it reserved of its key's tokens per minute
    };
    struct AbandonedHold {
        HoldRecord hold;
        std::int64_t charged_nanos = 0;  // what the on_abandoned rule took
    };
    // A credit decided but not yet durable, so a replay with its key is answered from memory.
    struct PendingCredit {
        std::string request_hash;
        CreditOutcome outcome;
        WriteSeq seq = 0;
    };

    void reload(Store& store);
    AccountBalance balance_of(std::int64_t id, const AccountState& state) const;
    // The clock, never going backwards (entries' times rise with their ids even if the system
    // clock steps back, so time-ordered reports add up). Under mutex_.
    std::int64_t now();
    WriteSeq append(std::function<void(Store&)> write, std::function<void(bool)> after = {});

    // The one code path that moves money: in memory, under mutex_, returning what to store.
    // `entry` carries everything but id, amount and balance_after.
    Movement move_debit(AccountState& account, EntryRecord entry, const Debit& debit);
    Movement move_credit(AccountState& account, EntryRecord entry, GrantRecord bucket);
    static void write_movement(Store& store, const Movement& movement);

    EntryRecord hold_entry(const HoldRecord& hold, const char* type, std::int64_t at) const;
    // may_still_settle: the request may still be running (a deadline passed in this process),
    // so a late settle is remembered; a previous process's holds are not.
    WriteSeq close_abandoned(const HoldRecord& hold, bool may_still_settle);
    SettleOutcome settle_late(const AbandonedHold& abandoned, const Charge& charge);
    void forget_hold(std::unordered_map<std::int64_t, OpenHold>::iterator it,
                     AccountState& account);
    // The hold's insert, on the writer thread: open, or closed when its closing record is in
    // the same batch.
    void write_hold(Store& store, HoldInsert& insert) const;
    // Under mutex_, around appending the record that closes a hold: how, then its sequence.
    static void announce_close(HoldInsert* insert, HoldState state, std::int64_t at);
    static void publish_close(HoldInsert* insert, WriteSeq seq);
    // In the closing record, on the writer thread: the update, unless the insert wrote it closed.
    static void close_hold_row(Store& store, const HoldInsert* insert, std::int64_t hold_id,
                               HoldState state, std::int64_t at);
    // Resolves what is due; returns how many and the last record's sequence (0 when none).
    std::pair<std::size_t, WriteSeq> sweep_due();
    void run_sweeper();
    void decide_credit(const CreditRequest& request, std::optional<IdempotencyRecord> seen,
                       std::optional<EntryRecord> seen_entry, std::optional<GrantRecord> seen_grant,
                       Callback<CreditOutcome> done);

    LedgerOptions options_;
    Writer writer_;

    mutable std::mutex mutex_;  // guards all state below
    std::int64_t last_now_ms_ = 0;
    RowIds last_ids_;  // the highest id of each kind handed out
    std::unordered_map<std::int64_t, AccountState> accounts_;
    KeyLimits key_limits_;
    std::unordered_map<std::int64_t, OpenHold> open_holds_;
    std::set<std::pair<std::int64_t, std::int64_t>> hold_deadlines_;  // (deadline, hold id)
    std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t>> grant_expiries_;
    // (expires at, account id, grant id)
    std::unordered_map<std::int64_t, AbandonedHold> abandoned_;
    std::deque<std::int64_t> abandoned_order_;  // oldest first, to bound abandoned_

    // Writer thread only: credits decided and not yet durable, by (scope, idempotency key).
    std::map<std::pair<std::string, std::string>, PendingCredit> pending_credits_;

    std::mutex sweeper_mutex_;
    std::condition_variable sweeper_wake_;
    bool sweeper_stopping_ = false;
    std::thread sweeper_;
};

std::int64_t now_ms();

}  // namespace creditgate
