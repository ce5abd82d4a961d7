#include "creditgate/store/sqlite_store.hpp"

#include <filesystem>

#include "sqlite_statement.hpp"

#include "wal_checkpointer.hpp"

namespace creditgate {

SqliteStore::SqliteStore(const std::string& path, Durability durability, OpenMode mode)
    : mode_(mode), cache_(std::make_unique<Cache>()) {
    // SQLite counts every allocation under a global mutex unless told not to (we never read
    // sqlite3_memory_used()): ~13 % of the writer thread's CPU per hold+settle. Only possible
    // before SQLite initialises, i.e. before the first connection in the process opens; later
    // it fails harmlessly (SQLITE_MISUSE) and the counting stays on.
    static const bool memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
    (void)memstatus_off;
    if (mode == OpenMode::read_only) {
        open_read_only(path);
        return;
    }
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
        std::string message = error_text(db_, ("open " + path).c_str());
        sqlite3_close(db_);
        db_ = nullptr;
        throw StoreError(message);
    }
    try {
        // Another process (a backup, the sqlite3 shell) may hold a lock for a moment: wait for
        // it rather than fail. Our own writes come from one thread only.
        sqlite3_busy_timeout(db_, 5'000);
        exec("PRAGMA journal_mode=WAL");
        const char* synchronous = durability == Durability::power ? "FULL" : "NORMAL";
        exec((std::string("PRAGMA synchronous=") + synchronous).c_str());
        exec("PRAGMA foreign_keys=ON");
        migrate();
        // Checkpoints run on their own connection and thread instead of inside the writer's
        // commits (the WAL hook replaces SQLite's auto-checkpoint): see wal_checkpointer.hpp.
        checkpointer_ = std::make_unique<WalCheckpointer>(path, synchronous);
        checkpointer_->attach(db_);
    } catch (...) {
        cache_.reset();
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
}

SqliteStore::~SqliteStore() {
    cache_.reset();  // statements must be finalized before the connection closes
    if (db_) sqlite3_close(db_);
}

void SqliteStore::exec(const char* sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message ? message : "unknown error";
        sqlite3_free(message);
        throw StoreError(std::string("exec: ") + text);
    }
}

SqliteStore::Statement& SqliteStore::prepare(const char* sql) {
    auto& slot = cache_->statements[sql];
    if (!slot) slot = std::make_unique<Statement>(db_, sql);
    return *slot;
}

void SqliteStore::open_read_only(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) !=
        SQLITE_OK) {
        std::string message = error_text(db_, ("open " + path).c_str());
        sqlite3_close(db_);
        db_ = nullptr;
        throw StoreError(message);
    }
    sqlite3_busy_timeout(db_, 5'000);
    int version = 0;
    try {
        version = schema_version();
    } catch (...) {
        version = -1;
    }
    if (version != kSchemaVersion) {
        // The destructor does not run for a constructor that throws: close here.
        cache_.reset();
        sqlite3_close(db_);
        db_ = nullptr;
        throw StoreError(version < 0
                             ? "cannot read the schema version of " + path
                             : "database schema version " + std::to_string(version) +
                                   " is not this binary's (" + std::to_string(kSchemaVersion) +
                                   "): run the matching creditgate serve once to migrate it");
    }
}

int SqliteStore::schema_version() {
    auto& read = prepare(
        "SELECT CASE WHEN EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'schema_version') "
        "THEN 1 ELSE 0 END");
    read.step();
    const bool exists = read.int64(0) == 1;
    read.finish();
    if (!exists) return 0;
    auto& version = prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version");
    version.step();
    auto value = static_cast<int>(version.int64(0));
    version.finish();
    return value;
}

void SqliteStore::begin() {
    // A reader's transaction is deferred: it takes a snapshot and never the write lock.
    // Prepared once: the writer runs these for every batch and operation, and parsing them
    // each time through sqlite3_exec was measurable (bench/ledger.sh).
    prepare(mode_ == OpenMode::read_only ? "BEGIN" : "BEGIN IMMEDIATE").run();
}
void SqliteStore::commit() {
    prepare("COMMIT").run();
}
void SqliteStore::rollback() {
    exec("ROLLBACK");
}

namespace {
// Id 0 binds NULL: SQLite then picks the next rowid.
std::optional<std::int64_t> given_id(std::int64_t id) {
    return id != 0 ? std::optional<std::int64_t>(id) : std::nullopt;
}
}  // namespace

std::int64_t SqliteStore::insert_account(const std::string& name, std::int64_t created_at_ms,
                                         std::int64_t id) {
    prepare("INSERT INTO accounts (id, name, created_at_ms) VALUES (?, ?, ?)")
        .bind(1, given_id(id))
        .bind(2, name)
        .bind(3, created_at_ms)
        .run();
    return sqlite3_last_insert_rowid(db_);
}

std::vector<AccountRecord> SqliteStore::load_accounts() {
    auto& q = prepare(
        "SELECT a.id, a.name, a.created_at_ms, "
        "COALESCE((SELECT e.balance_after_nanos FROM entries e WHERE e.account_id = a.id "
        "ORDER BY e.id DESC LIMIT 1), 0) "
        "FROM accounts a ORDER BY a.id");
    std::vector<AccountRecord> out;
    while (q.step()) out.push_back({q.int64(0), q.text(1), q.int64(2), q.int64(3)});
    return out;
}

std::int64_t SqliteStore::insert_hold(const HoldRecord& hold) {
    prepare(
        "INSERT INTO holds (account_id, key_id, request_id, model, endpoint, amount_nanos, "
        "created_at_ms, quote_provider_nanos, quote_markup_nanos, deadline_ms, price_version, id, "
        "state, closed_at_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(12, given_id(hold.id))
        .bind(13, to_string(hold.state))
        .bind(14, hold.state == HoldState::open ? std::nullopt
                                                : std::optional<std::int64_t>(hold.closed_at_ms))
        .bind(1, hold.account_id)
        .bind(2, hold.key_id)
        .bind_borrowed(3, hold.request_id)
        .bind_borrowed(4, hold.model)
        .bind_borrowed(5, hold.endpoint)
        .bind(6, hold.amount_nanos)
        .bind(7, hold.created_at_ms)
        .bind(8, hold.quote_provider_nanos)
        .bind(9, hold.quote_markup_nanos)
        .bind(10, hold.deadline_ms)
        .bind_borrowed(11, hold.price_version)
        .run();
    return sqlite3_last_insert_rowid(db_);
}

void SqliteStore::close_hold(std::int64_t hold_id, HoldState state, std::int64_t closed_at_ms) {
    // The state guard makes closing twice impossible at the storage level too.
    prepare("UPDATE holds SET state = ?, closed_at_ms = ? WHERE id = ? AND state = 'open'")
        .bind(1, to_string(state))
        .bind(2, closed_at_ms)
        .bind(3, hold_id)
        .run();
    if (sqlite3_changes(db_) != 1) {
        throw StoreError("hold " + std::to_string(hold_id) + " is not open");
    }
}

std::vector<HoldRecord> SqliteStore::load_open_holds() {
    static const std::string sql = std::string(kHoldColumns) + "WHERE state = 'open' ORDER BY id";
    auto& q = prepare(sql.c_str());
    std::vector<HoldRecord> out;
    while (q.step()) out.push_back(read_hold(q));
    return out;
}

std::int64_t SqliteStore::insert_entry(const EntryRecord& e) {
    prepare(
        "INSERT INTO entries (account_id, type, hold_id, key_id, request_id, model, endpoint, "
        "prompt_tokens, cached_tokens, completion_tokens, provider_cost_nanos, markup_nanos, "
        "amount_nanos, balance_after_nanos, flags, reference, raw_usage, price_version, "
        "created_at_ms, actor, id, cache_write_tokens, reasoning_tokens, images) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(21, given_id(e.id))
        .bind(22, e.cache_write_tokens)
        .bind(23, e.reasoning_tokens)
        .bind(24, e.images)
        .bind(1, e.account_id)
        .bind_borrowed(2, e.type)
        .bind(3, e.hold_id)
        .bind(4, e.key_id)
        .bind_borrowed(5, e.request_id)
        .bind_borrowed(6, e.model)
        .bind_borrowed(7, e.endpoint)
        .bind(8, e.prompt_tokens)
        .bind(9, e.cached_tokens)
        .bind(10, e.completion_tokens)
        .bind(11, e.provider_cost_nanos)
        .bind(12, e.markup_nanos)
        .bind(13, e.amount_nanos)
        .bind(14, e.balance_after_nanos)
        .bind_borrowed(15, e.flags)
        .bind_borrowed(16, e.reference)
        .bind_borrowed(17, e.raw_usage)
        .bind_borrowed(18, e.price_version)
        .bind(19, e.created_at_ms)
        .bind_borrowed(20, e.actor)
        .run();
    return sqlite3_last_insert_rowid(db_);
}

std::optional<EntryRecord> SqliteStore::find_entry(std::int64_t entry_id) {
    static const std::string sql = std::string(kEntryColumns) + "WHERE id = ?";
    auto& q = prepare(sql.c_str()).bind(1, entry_id);
    std::optional<EntryRecord> out;
    while (q.step()) out = read_entry(q);
    return out;
}

std::vector<EntryRecord> SqliteStore::list_entries(std::int64_t account_id, int limit,
                                                   std::int64_t before_id) {
    static const std::string sql =
        std::string(kEntryColumns) + "WHERE account_id = ? AND id < ? ORDER BY id DESC LIMIT ?";
    auto& q = prepare(sql.c_str())
                  .bind(1, account_id)
                  .bind(2, before_id > 0 ? before_id : INT64_MAX)
                  .bind(3, static_cast<std::int64_t>(limit));
    std::vector<EntryRecord> out;
    while (q.step()) out.push_back(read_entry(q));
    return out;
}

std::vector<EntryRecord> SqliteStore::find_request_entries(std::int64_t account_id,
                                                           const std::string& request_id) {
    // entries_request finds the request; the account must match, or the entry is not theirs.
    static const std::string sql = std::string(kEntryColumns) +
                                   "WHERE request_id = ? AND request_id <> '' AND account_id = ? "
                                   "ORDER BY id";
    auto& q = prepare(sql.c_str()).bind(1, request_id).bind(2, account_id);
    std::vector<EntryRecord> out;
    while (q.step()) out.push_back(read_entry(q));
    return out;
}

std::optional<IdempotencyRecord> SqliteStore::find_idempotency(const std::string& scope,
                                                               const std::string& key) {
    auto& q = prepare(
                  "SELECT scope, key, request_hash, entry_id, created_at_ms FROM idempotency "
                  "WHERE scope = ? AND key = ?")
                  .bind(1, scope)
                  .bind(2, key);
    std::optional<IdempotencyRecord> out;
    while (q.step())
        out = IdempotencyRecord{q.text(0), q.text(1), q.text(2), q.int64(3), q.int64(4)};
    return out;
}

void SqliteStore::insert_idempotency(const IdempotencyRecord& r) {
    prepare(
        "INSERT INTO idempotency (scope, key, request_hash, entry_id, created_at_ms) VALUES (?, ?, "
        "?, ?, ?)")
        .bind(1, r.scope)
        .bind(2, r.key)
        .bind(3, r.request_hash)
        .bind(4, r.entry_id)
        .bind(5, r.created_at_ms)
        .run();
}

const char* to_string(HoldState state) {
    switch (state) {
        case HoldState::open:
            return "open";
        case HoldState::settled:
            return "settled";
        case HoldState::voided:
            return "voided";
        case HoldState::abandoned:
            return "abandoned";
    }
    return "open";
}

}  // namespace creditgate
