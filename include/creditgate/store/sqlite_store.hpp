#pragma once
// The embedded SQLite store: one connection, WAL mode, prepared statements cached.
#include <memory>
#include <string>

#include "creditgate/store/durability.hpp"
#include "creditgate/store/store.hpp"

struct sqlite3;

namespace creditgate {

enum class OpenMode {
    read_write,  // the server's one writer: creates the file and migrates the schema
    read_only,   // tools (verify) beside a running server: never writes, never blocks it
};

class WalCheckpointer;

class SqliteStore final : public Store {
  public:
    // Opens (creating the file and its directory if needed) and migrates the schema.
    // Throws StoreError, including when the file's schema is newer than this binary knows.
    // Read-only opens an existing file whose schema is exactly this binary's; begin() then
    // starts a read transaction (one consistent snapshot) instead of taking the write lock.
    SqliteStore(const std::string& path, Durability durability,
                OpenMode mode = OpenMode::read_write);
    ~SqliteStore() override;
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    void begin() override;
    void commit() override;
    void rollback() override;

    std::int64_t insert_account(const std::string& name, std::int64_t created_at_ms,
                                std::int64_t id = 0) override;
    std::vector<AccountRecord> load_accounts() override;

    std::int64_t insert_key(const KeyRecord& key) override;
    bool revoke_key(std::int64_t key_id, std::int64_t revoked_at_ms) override;
    bool update_key(std::int64_t key_id, const std::string& name,
                    const std::string& scope_json) override;
    std::vector<KeyRecord> load_active_keys() override;
    std::vector<KeyRecord> load_all_keys() override;
    std::vector<KeyRecord> list_keys(std::int64_t account_id) override;
    std::optional<KeyRecord> find_key(std::int64_t key_id) override;
    std::vector<KeySpendRecord> load_key_spend(std::int64_t day_ms, std::int64_t week_ms,
                                               std::int64_t month_ms) override;

    std::int64_t insert_audit(const AuditRecord& record) override;
    std::vector<AuditRecord> list_audit(int limit, std::int64_t before_id,
                                        std::optional<std::int64_t> account_id) override;

    void put_provider_key(const ProviderKeyRecord& record) override;
    bool delete_provider_key(std::int64_t account_id, const std::string& provider) override;
    std::vector<ProviderKeyRecord> load_provider_keys() override;

    void insert_oauth_client(const OAuthClientRecord& client) override;
    std::optional<OAuthClientRecord> find_oauth_client(const std::string& client_id) override;
    std::vector<OAuthClientRecord> list_oauth_clients() override;
    void insert_oauth_code(const OAuthCodeRecord& code) override;
    std::optional<OAuthCodeRecord> find_oauth_code(const std::string& code_hash) override;
    bool use_oauth_code(const std::string& code_hash, std::int64_t used_at_ms) override;
    void set_oauth_code_key(const std::string& code_hash, std::int64_t key_id) override;
    void mark_oauth_code_replayed(const std::string& code_hash,
                                  std::int64_t replayed_at_ms) override;
    void insert_sign_in_link(const SignInLinkRecord& link) override;
    std::optional<SignInLinkRecord> use_sign_in_link(const std::string& token_hash,
                                                     std::int64_t now_ms) override;
    void insert_web_session(const WebSessionRecord& session) override;
    std::optional<WebSessionRecord> find_web_session(const std::string& id_hash) override;
    bool end_web_session(const std::string& id_hash, std::int64_t ended_at_ms) override;

    std::int64_t insert_hold(const HoldRecord& hold) override;
    void close_hold(std::int64_t hold_id, HoldState state, std::int64_t closed_at_ms) override;
    std::vector<HoldRecord> load_open_holds() override;
    std::optional<HoldState> find_hold_state(std::int64_t hold_id) override;

    std::int64_t insert_grant(const GrantRecord& grant) override;
    void insert_allocation(const AllocationRecord& allocation) override;
    std::vector<GrantRecord> load_open_grants() override;
    std::optional<GrantRecord> find_grant_by_entry(std::int64_t entry_id) override;
    std::vector<std::pair<std::int64_t, std::int64_t>> load_debts(std::int64_t account_id) override;

    std::int64_t insert_entry(const EntryRecord& entry) override;
    std::optional<EntryRecord> find_entry(std::int64_t entry_id) override;
    std::vector<EntryRecord> list_entries(std::int64_t account_id, int limit,
                                          std::int64_t before_id) override;

    std::vector<EntryRecord> find_request_entries(std::int64_t account_id,
                                                  const std::string& request_id) override;
    std::optional<IdempotencyRecord> find_idempotency(const std::string& scope,
                                                      const std::string& key) override;
    void insert_idempotency(const IdempotencyRecord& record) override;

    void scan_entries(const std::function<void(const EntryRecord&)>& fn) override;
    void scan_holds(const std::function<void(const HoldRecord&)>& fn) override;
    std::vector<GrantRecord> load_all_grants() override;
    void scan_allocations(const std::function<void(const AllocationRecord&)>& fn) override;

    // Reports (sqlite_reports.cpp).
    std::optional<AccountRecord> find_account(std::int64_t account_id) override;
    std::int64_t max_entry_id() override;
    RowIds max_ids() override;
    std::optional<EntryRecord> last_entry_before(std::int64_t account_id, std::int64_t before_ms,
                                                 std::int64_t max_entry_id) override;
    std::optional<EntryPosition> nth_entry_position(const EntryWindow& window,
                                                    std::int64_t n) override;
    std::vector<EntryAggregate> aggregate_usage(const EntryWindow& window,
                                                EntryGrouping grouping) override;
    std::vector<EntryRecord> list_balance_entries(const EntryWindow& window) override;

    static constexpr int kSchemaVersion = 5;

    class Statement;  // internal to src/store

  private:
    Statement& prepare(const char* sql);
    void exec(const char* sql);
    void migrate();
    void open_read_only(const std::string& path);
    int schema_version();

    sqlite3* db_ = nullptr;
    OpenMode mode_ = OpenMode::read_write;
    struct Cache;
    std::unique_ptr<Cache> cache_;
    // Destroyed after the destructor has closed db_, as it must be (its hook is on db_).
    std::unique_ptr<WalCheckpointer> checkpointer_;
};

}  // namespace creditgate
