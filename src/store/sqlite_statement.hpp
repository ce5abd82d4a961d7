#pragma once
// Internal to the SQLite store: a cached prepared statement and its error text. Shared by the
// store's translation units (connection and schema, ledger rows, scans).
#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "creditgate/store/sqlite_store.hpp"

namespace creditgate {

inline std::string error_text(sqlite3* db, const char* what) {
    return std::string(what) + ": " + sqlite3_errmsg(db);
}

// A prepared statement, reset after every use. Bind indexes start at 1 as in SQLite.
class SqliteStore::Statement {
  public:
    Statement(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) !=
            SQLITE_OK) {
            throw StoreError(error_text(db, "prepare"));
        }
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::int64_t value) {
        check(sqlite3_bind_int64(stmt_, index, value), "bind");
        return *this;
    }
    Statement& bind(int index, const std::string& value) {
        check(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                                SQLITE_TRANSIENT),
              "bind");
        return *this;
    }
    // Without SQLite's copy (a malloc and a free per text on every insert): only in a chain
    // that ends in run(), so the text outlives the step, and every binding is cleared after.
    Statement& bind_borrowed(int index, const std::string& value) {
        check(sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()),
                                SQLITE_STATIC),
              "bind");
        return *this;
    }
    // A literal that outlives the statement's use (a state name): bound without a copy.
    Statement& bind(int index, const char* value) {
        check(sqlite3_bind_text(stmt_, index, value, -1, SQLITE_STATIC), "bind");
        return *this;
    }
    Statement& bind(int index, const std::optional<std::int64_t>& value) {
        if (value) return bind(index, *value);
        check(sqlite3_bind_null(stmt_, index), "bind");
        return *this;
    }

    // Steps once; true while a row is available. Resets itself when done or on error.
    bool step() {
        int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
        if (rc != SQLITE_DONE) throw StoreError(error_text(db_, "step"));
        return false;
    }
    void run() {
        while (step()) {
        }
    }
    std::int64_t int64(int column) const { return sqlite3_column_int64(stmt_, column); }
    std::optional<std::int64_t> optional_int64(int column) const {
        if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
        return int64(column);
    }
    std::string text(int column) const {
        auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)))
                 : std::string();
    }
    void finish() {
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
    }

  private:
    void check(int rc, const char* what) {
        if (rc != SQLITE_OK) throw StoreError(error_text(db_, what));
    }
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

struct SqliteStore::Cache {
    std::unordered_map<const char*, std::unique_ptr<Statement>> statements;
};

// Row readers: the column lists and their decoding live together so they cannot drift apart.
inline constexpr const char* kEntryColumns =
    "SELECT id, account_id, type, hold_id, key_id, request_id, model, endpoint, prompt_tokens, "
    "cached_tokens, completion_tokens, provider_cost_nanos, markup_nanos, amount_nanos, "
    "balance_after_nanos, flags, reference, raw_usage, price_version, created_at_ms, actor, "
    "cache_write_tokens, reasoning_tokens, images "
    "FROM entries ";

inline EntryRecord read_entry(const SqliteStore::Statement& q) {
    EntryRecord e;
    e.id = q.int64(0);
    e.account_id = q.int64(1);
    e.type = q.text(2);
    e.hold_id = q.optional_int64(3);
    e.key_id = q.optional_int64(4);
    e.request_id = q.text(5);
    e.model = q.text(6);
    e.endpoint = q.text(7);
    e.prompt_tokens = q.int64(8);
    e.cached_tokens = q.int64(9);
    e.completion_tokens = q.int64(10);
    e.provider_cost_nanos = q.int64(11);
    e.markup_nanos = q.int64(12);
    e.amount_nanos = q.int64(13);
    e.balance_after_nanos = q.int64(14);
    e.flags = q.text(15);
    e.reference = q.text(16);
    e.raw_usage = q.text(17);
    e.price_version = q.text(18);
    e.created_at_ms = q.int64(19);
    e.actor = q.text(20);
    e.cache_write_tokens = q.int64(21);
    e.reasoning_tokens = q.int64(22);
    e.images = q.int64(23);
    return e;
}

inline constexpr const char* kHoldColumns =
    "SELECT id, account_id, key_id, request_id, model, endpoint, amount_nanos, created_at_ms, "
    "quote_provider_nanos, quote_markup_nanos, deadline_ms, price_version, state FROM holds ";

HoldState hold_state_from(const std::string& text);

inline HoldRecord read_hold(const SqliteStore::Statement& q) {
    HoldRecord h;
    h.id = q.int64(0);
    h.account_id = q.int64(1);
    h.key_id = q.int64(2);
    h.request_id = q.text(3);
    h.model = q.text(4);
    h.endpoint = q.text(5);
    h.amount_nanos = q.int64(6);
    h.created_at_ms = q.int64(7);
    h.quote_provider_nanos = q.int64(8);
    h.quote_markup_nanos = q.int64(9);
    h.deadline_ms = q.int64(10);
    h.price_version = q.text(11);
    h.state = hold_state_from(q.text(12));
    return h;
}

}  // namespace creditgate
