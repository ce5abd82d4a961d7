#pragma once
// Accounts, holds, settlements and top-ups: the only code that moves money.
//
// Two-phase transfers: hold(quote) reserves credits atomically with the balance check, then
// exactly one of settle(actual cost) or release() ends the hold. All state changes run on the
// store's writer thread, in order, so checks and moves cannot interleave. Callbacks run on the
// writer thread: they must not block (post to your own executor).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "creditgate/ledger/results.hpp"
#include "creditgate/pricing/cost.hpp"
#include "creditgate/store/records.hpp"
#include "creditgate/store/writer.hpp"

namespace creditgate {

template <typename T>
using Callback = std::function<void(T)>;

struct AccountBalance {
    std::int64_t id = 0;
    std::string name;
    std::int64_t created_at_ms = 0;
    std::int64_t balance_nanos = 0;   // posted
    std::int64_t reserved_nanos = 0;  // sum of open holds
    std::int64_t available_nanos() const { return balance_nanos - reserved_nanos; }
};

struct HoldRequest {
    std::int64_t account_id = 0;
    std::int64_t key_id = 0;
    std::string request_id;
    std::string model;
    std::string endpoint;
    std::int64_t amount_nanos = 0;
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

struct TopUpRequest {
    std::int64_t account_id = 0;
    std::int64_t amount_nanos = 0;
    std::string reference;
    std::string idempotency_key;
    std::string request_hash;  // digest of the request body, to detect a reused key
};

struct TopUpOutcome {
    LedgerResult result = LedgerResult::unavailable;
    EntryRecord entry;
    bool replayed = false;  // the idempotency key was seen before: nothing moved this time
    AccountBalance balance;
};

struct EntriesOutcome {
    LedgerResult result = LedgerResult::unavailable;
    std::vector<EntryRecord> entries;
};

class Ledger {
  public:
    static constexpr std::size_t kMaxOpenHoldsPerAccount = 10'000;

    explicit Ledger(std::unique_ptr<Store> store);
    ~Ledger();

    // Loads balances, resolves holds left open by a previous process (voided, state
    // 'abandoned': that process can no longer deliver anything for them), starts the writer.
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
    void top_up(TopUpRequest request, Callback<TopUpOutcome> done);

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
    };

    void reload(Store& store);
    AccountBalance balance_of(std::int64_t id, const AccountState& state) const;

    Writer writer_;
    // Owned by the writer thread after start().
    std::unordered_map<std::int64_t, AccountState> accounts_;
    std::unordered_map<std::int64_t, HoldRecord> open_holds_;
};

std::int64_t now_ms();

}  // namespace creditgate
