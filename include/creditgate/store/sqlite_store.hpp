#pragma once
// The embedded SQLite store: one connection, WAL mode, prepared statements cached.
#include <memory>
#include <string>

#include "creditgate/store/store.hpp"

struct sqlite3;

namespace creditgate {

enum class Durability {
    process,  // survives kill -9: WAL, synchronous=NORMAL
    power,    // also survives power loss: WAL, synchronous=FULL
};

class WalCheckpointer;

class SqliteStore final : public Store {
  public:
    // Opens (creating the file and its directory if needed) and migrates the schema.
    // Throws StoreError, including when the file's schema is newer than this binary knows.
    SqliteStore(const std::string& path, Durability durability);
    ~SqliteStore() override;
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    void begin() override;
    void commit() override;
    void rollback() override;
    void savepoint() override;
    void release_savepoint() override;
    void rollback_to_savepoint() override;

    std::int64_t insert_account(const std::string& name, std::int64_t created_at_ms) override;
    std::vector<AccountRecord> load_accounts() override;

    std::int64_t insert_key(const KeyRecord& key) override;
    bool revoke_key(std::int64_t key_id, std::int64_t revoked_at_ms) override;
    std::vector<KeyRecord> load_active_keys() override;
    std::vector<KeyRecord> list_keys(std::int64_t account_id) override;

    std::int64_t insert_hold(const HoldRecord& hold) override;
    void close_hold(std::int64_t hold_id, HoldState state, std::int64_t closed_at_ms) override;
    std::vector<HoldRecord> load_open_holds() override;

    std::int64_t insert_entry(const EntryRecord& entry) override;
    std::optional<EntryRecord> find_entry(std::int64_t entry_id) override;
    std::vector<EntryRecord> list_entries(std::int64_t account_id, int limit,
                                          std::int64_t before_id) override;

    std::optional<IdempotencyRecord> find_idempotency(const std::string& scope,
                                                      const std::string& key) override;
    void insert_idempotency(const IdempotencyRecord& record) override;

    static constexpr int kSchemaVersion = 1;

  private:
    class Statement;
    Statement& prepare(const char* sql);
    void exec(const char* sql);
    void migrate();

    sqlite3* db_ = nullptr;
    struct Cache;
    std::unique_ptr<Cache> cache_;
    // Destroyed after the destructor has closed db_, as it must be (its hook is on db_).
    std::unique_ptr<WalCheckpointer> checkpointer_;
};

}  // namespace creditgate
