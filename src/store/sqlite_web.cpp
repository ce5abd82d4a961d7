// The consent flow's clients and authorization codes, and the user pages' sign-in links and
// browser sessions.
#include "creditgate/store/sqlite_store.hpp"
#include "sqlite_statement.hpp"

namespace creditgate {

namespace {

constexpr const char* kCodeColumns =
    "SELECT code_hash, client_id, redirect_uri, code_challenge, account_id, parent_key_id, "
    "scope_json, created_at_ms, expires_at_ms, used_at_ms, key_id, replayed_at_ms "
    "FROM oauth_codes ";

template <typename Row>
OAuthClientRecord read_client(Row& q) {
    return {q.text(0), q.text(1), q.text(2), q.text(3), q.int64(4)};
}

}  // namespace

void SqliteStore::insert_oauth_client(const OAuthClientRecord& client) {
    prepare(
        "INSERT INTO oauth_clients (client_id, name, redirect_uris_json, logo, created_at_ms) "
        "VALUES (?, ?, ?, ?, ?)")
        .bind(1, client.client_id)
        .bind(2, client.name)
        .bind(3, client.redirect_uris_json)
        .bind(4, client.logo)
        .bind(5, client.created_at_ms)
        .run();
}

std::optional<OAuthClientRecord> SqliteStore::find_oauth_client(const std::string& client_id) {
    auto& q = prepare(
        "SELECT client_id, name, redirect_uris_json, logo, created_at_ms FROM oauth_clients "
        "WHERE client_id = ?");
    q.bind(1, client_id);
    if (!q.step()) return std::nullopt;
    auto client = read_client(q);
    q.finish();  // one row: reset now, or the next bind of this cached statement fails
    return client;
}

std::vector<OAuthClientRecord> SqliteStore::list_oauth_clients() {
    auto& q = prepare(
        "SELECT client_id, name, redirect_uris_json, logo, created_at_ms FROM oauth_clients "
        "ORDER BY created_at_ms, client_id");
    std::vector<OAuthClientRecord> out;
    while (q.step()) out.push_back(read_client(q));
    return out;
}

void SqliteStore::insert_oauth_code(const OAuthCodeRecord& code) {
    prepare(
        "INSERT INTO oauth_codes (code_hash, client_id, redirect_uri, code_challenge, account_id, "
        "parent_key_id, scope_json, created_at_ms, expires_at_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(1, code.code_hash)
        .bind(2, code.client_id)
        .bind(3, code.redirect_uri)
        .bind(4, code.code_challenge)
        .bind(5, code.account_id)
        .bind(6, code.parent_key_id)
        .bind(7, code.scope_json)
        .bind(8, code.created_at_ms)
        .bind(9, code.expires_at_ms)
        .run();
}

std::optional<OAuthCodeRecord> SqliteStore::find_oauth_code(const std::string& code_hash) {
    static const std::string sql = std::string(kCodeColumns) + "WHERE code_hash = ?";
    auto& q = prepare(sql.c_str());
    q.bind(1, code_hash);
    if (!q.step()) return std::nullopt;
    OAuthCodeRecord code{q.text(0),
                         q.text(1),
                         q.text(2),
                         q.text(3),
                         q.int64(4),
                         q.optional_int64(5),
                         q.text(6),
                         q.int64(7),
                         q.int64(8),
                         q.optional_int64(9),
                         q.optional_int64(10),
                         q.optional_int64(11)};
    q.finish();
    return code;
}

bool SqliteStore::use_oauth_code(const std::string& code_hash, std::int64_t used_at_ms) {
    prepare("UPDATE oauth_codes SET used_at_ms = ? WHERE code_hash = ? AND used_at_ms IS NULL")
        .bind(1, used_at_ms)
        .bind(2, code_hash)
        .run();
    return sqlite3_changes(db_) == 1;
}

void SqliteStore::set_oauth_code_key(const std::string& code_hash, std::int64_t key_id) {
    prepare("UPDATE oauth_codes SET key_id = ? WHERE code_hash = ?")
        .bind(1, key_id)
        .bind(2, code_hash)
        .run();
}

void SqliteStore::mark_oauth_code_replayed(const std::string& code_hash,
                                           std::int64_t replayed_at_ms) {
    prepare(
        "UPDATE oauth_codes SET replayed_at_ms = ? WHERE code_hash = ? AND replayed_at_ms IS NULL")
        .bind(1, replayed_at_ms)
        .bind(2, code_hash)
        .run();
}

void SqliteStore::insert_sign_in_link(const SignInLinkRecord& link) {
    prepare(
        "INSERT INTO sign_in_links (token_hash, account_id, created_at_ms, expires_at_ms) "
        "VALUES (?, ?, ?, ?)")
        .bind(1, link.token_hash)
        .bind(2, link.account_id)
        .bind(3, link.created_at_ms)
        .bind(4, link.expires_at_ms)
        .run();
}

std::optional<SignInLinkRecord> SqliteStore::use_sign_in_link(const std::string& token_hash,
                                                              std::int64_t now_ms) {
    prepare(
        "UPDATE sign_in_links SET used_at_ms = ? "
        "WHERE token_hash = ? AND used_at_ms IS NULL AND expires_at_ms > ?")
        .bind(1, now_ms)
        .bind(2, token_hash)
        .bind(3, now_ms)
        .run();
    if (sqlite3_changes(db_) != 1) return std::nullopt;
    auto& q = prepare(
        "SELECT token_hash, account_id, created_at_ms, expires_at_ms, used_at_ms "
        "FROM sign_in_links WHERE token_hash = ?");
    q.bind(1, token_hash);
    if (!q.step()) return std::nullopt;
    SignInLinkRecord link{q.text(0), q.int64(1), q.int64(2), q.int64(3), q.optional_int64(4)};
    q.finish();
    return link;
}

void SqliteStore::insert_web_session(const WebSessionRecord& session) {
    prepare(
        "INSERT INTO web_sessions (id_hash, account_id, key_id, created_at_ms, expires_at_ms) "
        "VALUES (?, ?, ?, ?, ?)")
        .bind(1, session.id_hash)
        .bind(2, session.account_id)
        .bind(3, session.key_id)
        .bind(4, session.created_at_ms)
        .bind(5, session.expires_at_ms)
        .run();
}

std::optional<WebSessionRecord> SqliteStore::find_web_session(const std::string& id_hash) {
    auto& q = prepare(
        "SELECT id_hash, account_id, key_id, created_at_ms, expires_at_ms, ended_at_ms "
        "FROM web_sessions WHERE id_hash = ?");
    q.bind(1, id_hash);
    if (!q.step()) return std::nullopt;
    WebSessionRecord session{q.text(0),  q.int64(1), q.optional_int64(2),
                             q.int64(3), q.int64(4), q.optional_int64(5)};
    q.finish();
    return session;
}

bool SqliteStore::end_web_session(const std::string& id_hash, std::int64_t ended_at_ms) {
    prepare("UPDATE web_sessions SET ended_at_ms = ? WHERE id_hash = ? AND ended_at_ms IS NULL")
        .bind(1, ended_at_ms)
        .bind(2, id_hash)
        .run();
    return sqlite3_changes(db_) == 1;
}

}  // namespace creditgate
