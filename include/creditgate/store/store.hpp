#pragma once
// Persistence behind the ledger. SQLite is the embedded default; a PostgreSQL store for several
// instances implements the same interface. Only the writer thread calls a Store.
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "creditgate/store/aggregates.hpp"
#include "creditgate/store/records.hpp"

namespace creditgate {

class StoreError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Store {
  public:
    virtual ~Store() = default;

    // Transactions: the writer runs each batch of operations as one; when one fails, the whole
    // batch is rolled back and run again (store/writer.hpp).
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;

    // Rows whose id is given (not 0) are stored under that id: the ledger allocates ids in
    // memory, where it decides. Id 0 lets the store choose. Each returns the id stored.
    virtual std::int64_t insert_account(const std::string& name, std::int64_t created_at_ms,
                                        std::int64_t id = 0) = 0;
    virtual std::vector<AccountRecord> load_accounts() = 0;

    virtual std::int64_t insert_key(const KeyRecord& key) = 0;
    virtual bool revoke_key(std::int64_t key_id, std::int64_t revoked_at_ms) = 0;
    // Changes a live key's name and scope; false when it is unknown or revoked.
    virtual bool update_key(std::int64_t key_id, const std::string& name,
                            const std::string& scope_json) = 0;
    virtual std::vector<KeyRecord> load_active_keys() = 0;
    // Every key, revoked ones too (a revoked sub-key's spend still counts for its parent).
    virtual std::vector<KeyRecord> load_all_keys() = 0;
    virtual std::vector<KeyRecord> list_keys(std::int64_t account_id) = 0;
    virtual std::optional<KeyRecord> find_key(std::int64_t key_id) = 0;
    // Each key's charges (their debits) since each of the three times, and in all, in one
    // scan; keys with none are left out.
    virtual std::vector<KeySpendRecord> load_key_spend(std::int64_t day_ms, std::int64_t week_ms,
                                                       std::int64_t month_ms) = 0;

    virtual std::int64_t insert_audit(const AuditRecord& record) = 0;
    // Newest first; ids < before_id when before_id > 0; one account's when account_id is set.
    virtual std::vector<AuditRecord> list_audit(int limit, std::int64_t before_id,
                                                std::optional<std::int64_t> account_id) = 0;

    // Replaces the account's key for that provider.
    virtual void put_provider_key(const ProviderKeyRecord& record) = 0;
    virtual bool delete_provider_key(std::int64_t account_id, const std::string& provider) = 0;
    virtual std::vector<ProviderKeyRecord> load_provider_keys() = 0;

    // The consent flow (OAuth 2.0 clients and codes) and the user's pages (sign-in links and
    // browser sessions): sqlite_web.cpp.
    virtual void insert_oauth_client(const OAuthClientRecord& client) = 0;
    virtual std::optional<OAuthClientRecord> find_oauth_client(const std::string& client_id) = 0;
    virtual std::vector<OAuthClientRecord> list_oauth_clients() = 0;
    virtual void insert_oauth_code(const OAuthCodeRecord& code) = 0;
    virtual std::optional<OAuthCodeRecord> find_oauth_code(const std::string& code_hash) = 0;
    // Marks an unused code used; false when it was used already (or is unknown).
    virtual bool use_oauth_code(const std::string& code_hash, std::int64_t used_at_ms) = 0;
    virtual void set_oauth_code_key(const std::string& code_hash, std::int64_t key_id) = 0;
    virtual void mark_oauth_code_replayed(const std::string& code_hash,
                                          std::int64_t replayed_at_ms) = 0;
    virtual void insert_sign_in_link(const SignInLinkRecord& link) = 0;
    // Marks an unused link that has not expired at now_ms used, and returns it; else nullopt.
    virtual std::optional<SignInLinkRecord> use_sign_in_link(const std::string& token_hash,
                                                             std::int64_t now_ms) = 0;
    virtual void insert_web_session(const WebSessionRecord& session) = 0;
    virtual std::optional<WebSessionRecord> find_web_session(const std::string& id_hash) = 0;
    // Ends a live session; false when there is none.
    virtual bool end_web_session(const std::string& id_hash, std::int64_t ended_at_ms) = 0;

    // Writes the hold in its state: open, or already closed (at closed_at_ms) when the record
    // that closes it, with its entry, is in the same transaction (one row write instead of an
    // insert and an update).
    virtual std::int64_t insert_hold(const HoldRecord& hold) = 0;
    // Throws StoreError if the hold is not open: closing twice is impossible in storage too.
    virtual void close_hold(std::int64_t hold_id, HoldState state, std::int64_t closed_at_ms) = 0;
    virtual std::vector<HoldRecord> load_open_holds() = 0;
    virtual std::optional<HoldState> find_hold_state(std::int64_t hold_id) = 0;

    virtual std::int64_t insert_grant(const GrantRecord& grant) = 0;
    virtual void insert_allocation(const AllocationRecord& allocation) = 0;
    // Buckets with something left (remaining > 0), with allocated_nanos filled in.
    virtual std::vector<GrantRecord> load_open_grants() = 0;
    virtual std::optional<GrantRecord> find_grant_by_entry(std::int64_t entry_id) = 0;
    // Debit entries of an account not fully covered by allocations (what overruns left owing),
    // oldest first: entry_id and the unpaid rest.
    virtual std::vector<std::pair<std::int64_t, std::int64_t>> load_debts(
        std::int64_t account_id) = 0;

    virtual std::int64_t insert_entry(const EntryRecord& entry) = 0;
    virtual std::optional<EntryRecord> find_entry(std::int64_t entry_id) = 0;
    // Newest first; entries with id < before_id when before_id > 0.
    virtual std::vector<EntryRecord> list_entries(std::int64_t account_id, int limit,
                                                  std::int64_t before_id) = 0;

    // The account's entries carrying this request id (its charge or void, and a late charge),
    // oldest first; none for another account's request.
    virtual std::vector<EntryRecord> find_request_entries(std::int64_t account_id,
                                                          const std::string& request_id) = 0;

    virtual std::optional<IdempotencyRecord> find_idempotency(const std::string& scope,
                                                              const std::string& key) = 0;
    virtual void insert_idempotency(const IdempotencyRecord& record) = 0;

    // Full scans for `ledger verify`, in id order (entries: by account, then id).
    virtual void scan_entries(const std::function<void(const EntryRecord&)>& fn) = 0;
    virtual void scan_holds(const std::function<void(const HoldRecord&)>& fn) = 0;
    virtual std::vector<GrantRecord> load_all_grants() = 0;
    virtual void scan_allocations(const std::function<void(const AllocationRecord&)>& fn) = 0;

    // Reports (read-only; see aggregates.hpp for windows). Each call reads at most what its
    // window holds, so a caller bounds the work by bounding the window.
    virtual std::optional<AccountRecord> find_account(std::int64_t account_id) = 0;
    virtual std::int64_t max_entry_id() = 0;  // 0 when there is none
    // The highest id of each kind of row (0 when none): where in-memory allocation resumes.
    virtual RowIds max_ids() = 0;
    // The account's last entry in time order created before `before_ms`, id <= max_entry_id.
    virtual std::optional<EntryRecord> last_entry_before(std::int64_t account_id,
                                                         std::int64_t before_ms,
                                                         std::int64_t max_entry_id) = 0;
    // Where the n-th (from 1) entry of the window is, or nothing when it holds fewer.
    virtual std::optional<EntryPosition> nth_entry_position(const EntryWindow& window,
                                                            std::int64_t n) = 0;
    // The window's charges and voids, summed per group.
    virtual std::vector<EntryAggregate> aggregate_usage(const EntryWindow& window,
                                                        EntryGrouping grouping) = 0;
    // The window's other entries (top-ups, grants, adjustments, expiries), in time order.
    virtual std::vector<EntryRecord> list_balance_entries(const EntryWindow& window) = 0;
};

const char* to_string(HoldState state);
const char* to_string(GrantKind kind);

}  // namespace creditgate
