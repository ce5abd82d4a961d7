// API keys, the audit log of their changes, and users' encrypted provider keys.
#include "creditgate/store/sqlite_store.hpp"
#include "sqlite_statement.hpp"

namespace creditgate {

namespace {

constexpr const char* kKeyColumns =
    "SELECT id, account_id, name, hash, prefix, created_at_ms, revoked_at_ms, parent_id, "
    "scope_json FROM api_keys ";

template <typename Row>
std::vector<KeyRecord> read_keys(Row& q) {
    std::vector<KeyRecord> out;
    while (q.step()) {
        out.push_back({q.int64(0), q.int64(1), q.text(2), q.text(3), q.text(4), q.int64(5),
                       q.optional_int64(6), q.optional_int64(7), q.text(8)});
    }
    return out;
}

}  // namespace

std::int64_t SqliteStore::insert_key(const KeyRecord& key) {
    prepare(
        "INSERT INTO api_keys (account_id, name, hash, prefix, created_at_ms, parent_id, "
        "scope_json) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(1, key.account_id)
        .bind(2, key.name)
        .bind(3, key.hash)
        .bind(4, key.prefix)
        .bind(5, key.created_at_ms)
        .bind(6, key.parent_id)
        .bind(7, key.scope_json.empty() ? std::string("{}") : key.scope_json)
        .run();
    return sqlite3_last_insert_rowid(db_);
}

bool SqliteStore::revoke_key(std::int64_t key_id, std::int64_t revoked_at_ms) {
    prepare("UPDATE api_keys SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL")
        .bind(1, revoked_at_ms)
        .bind(2, key_id)
        .run();
    return sqlite3_changes(db_) == 1;
}

bool SqliteStore::update_key(std::int64_t key_id, const std::string& name,
                             const std::string& scope_json) {
    prepare("UPDATE api_keys SET name = ?, scope_json = ? WHERE id = ? AND revoked_at_ms IS NULL")
        .bind(1, name)
        .bind(2, scope_json)
        .bind(3, key_id)
        .run();
    return sqlite3_changes(db_) == 1;
}

std::vector<KeyRecord> SqliteStore::load_active_keys() {
    static const std::string sql = std::string(kKeyColumns) + "WHERE revoked_at_ms IS NULL";
    return read_keys(prepare(sql.c_str()));
}

std::vector<KeyRecord> SqliteStore::load_all_keys() {
    static const std::string sql = std::string(kKeyColumns) + "ORDER BY id";
    return read_keys(prepare(sql.c_str()));
}

std::vector<KeyRecord> SqliteStore::list_keys(std::int64_t account_id) {
    static const std::string sql = std::string(kKeyColumns) + "WHERE account_id = ? ORDER BY id";
    return read_keys(prepare(sql.c_str()).bind(1, account_id));
}

std::optional<KeyRecord> SqliteStore::find_key(std::int64_t key_id) {
    static const std::string sql = std::string(kKeyColumns) + "WHERE id = ?";
    auto keys = read_keys(prepare(sql.c_str()).bind(1, key_id));
    if (keys.empty()) return std::nullopt;
    return keys.front();
}

std::vector<KeySpendRecord> SqliteStore::load_key_spend(std::int64_t day_ms, std::int64_t week_ms,
                                                        std::int64_t month_ms) {
    auto& q = prepare(
        "SELECT key_id, SUM(CASE WHEN created_at_ms >= ? THEN -amount_nanos ELSE 0 END), "
        "SUM(CASE WHEN created_at_ms >= ? THEN -amount_nanos ELSE 0 END), "
        "SUM(CASE WHEN created_at_ms >= ? THEN -amount_nanos ELSE 0 END), SUM(-amount_nanos) "
        "FROM entries WHERE type = 'charge' AND key_id IS NOT NULL GROUP BY key_id");
    q.bind(1, day_ms).bind(2, week_ms).bind(3, month_ms);
    std::vector<KeySpendRecord> out;
    while (q.step()) out.push_back({q.int64(0), q.int64(1), q.int64(2), q.int64(3), q.int64(4)});
    return out;
}

std::int64_t SqliteStore::insert_audit(const AuditRecord& r) {
    prepare(
        "INSERT INTO audit_log (at_ms, actor, action, account_id, target, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, r.at_ms)
        .bind(2, r.actor)
        .bind(3, r.action)
        .bind(4, r.account_id)
        .bind(5, r.target)
        .bind(6, r.detail.empty() ? std::string("{}") : r.detail)
        .run();
    return sqlite3_last_insert_rowid(db_);
}

std::vector<AuditRecord> SqliteStore::list_audit(int limit, std::int64_t before_id,
                                                 std::optional<std::int64_t> account_id) {
    auto& q = prepare(
        "SELECT id, at_ms, actor, action, account_id, target, detail FROM audit_log "
        "WHERE (? = 0 OR id < ?) AND (? IS NULL OR account_id = ?) ORDER BY id DESC LIMIT ?");
    q.bind(1, before_id).bind(2, before_id).bind(3, account_id).bind(4, account_id);
    q.bind(5, static_cast<std::int64_t>(limit));
    std::vector<AuditRecord> out;
    while (q.step()) {
        out.push_back({q.int64(0), q.int64(1), q.text(2), q.text(3), q.optional_int64(4), q.text(5),
                       q.text(6)});
    }
    return out;
}

void SqliteStore::put_provider_key(const ProviderKeyRecord& r) {
    prepare(
        "INSERT OR REPLACE INTO provider_keys (account_id, provider, master_key_id, nonce, "
        "ciphertext, last4, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .bind(1, r.account_id)
        .bind(2, r.provider)
        .bind(3, r.master_key_id)
        .bind(4, r.nonce_b64)
        .bind(5, r.ciphertext_b64)
        .bind(6, r.last4)
        .bind(7, r.created_at_ms)
        .run();
}

bool SqliteStore::delete_provider_key(std::int64_t account_id, const std::string& provider) {
    prepare("DELETE FROM provider_keys WHERE account_id = ? AND provider = ?")
        .bind(1, account_id)
        .bind(2, provider)
        .run();
    return sqlite3_changes(db_) == 1;
}

std::vector<ProviderKeyRecord> SqliteStore::load_provider_keys() {
    auto& q = prepare(
        "SELECT account_id, provider, master_key_id, nonce, ciphertext, last4, created_at_ms "
        "FROM provider_keys ORDER BY account_id, provider");
    std::vector<ProviderKeyRecord> out;
    while (q.step()) {
        out.push_back(
            {q.int64(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.int64(6)});
    }
    return out;
}

}  // namespace creditgate
