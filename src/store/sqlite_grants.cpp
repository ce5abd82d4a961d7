// Credit buckets (grants) and their allocations in the SQLite store.
#include "sqlite_statement.hpp"

namespace creditgate {

namespace {

constexpr const char* kGrantColumns =
    "SELECT g.id, g.account_id, g.entry_id, g.kind, g.amount_nanos, g.priority, g.expires_at_ms, "
    "g.reference, g.created_at_ms, "
    "COALESCE((SELECT SUM(a.amount_nanos) FROM allocations a WHERE a.grant_id = g.id), 0) "
    "FROM grants g ";

GrantKind grant_kind_from(const std::string& text) {
    if (text == "grant") return GrantKind::grant;
    if (text == "adjustment") return GrantKind::adjustment;
    if (text == "topup") return GrantKind::topup;
    throw StoreError("unknown grant kind '" + text + "'");
}

GrantRecord read_grant(const SqliteStore::Statement& q) {
    GrantRecord g;
    g.id = q.int64(0);
    g.account_id = q.int64(1);
    g.entry_id = q.int64(2);
    g.kind = grant_kind_from(q.text(3));
    g.amount_nanos = q.int64(4);
    g.priority = static_cast<int>(q.int64(5));
    g.expires_at_ms = q.optional_int64(6);
    g.reference = q.text(7);
    g.created_at_ms = q.int64(8);
    g.allocated_nanos = q.int64(9);
    return g;
}

}  // namespace

const char* to_string(GrantKind kind) {
    switch (kind) {
        case GrantKind::topup:
            return "topup";
        case GrantKind::grant:
            return "grant";
        case GrantKind::adjustment:
            return "adjustment";
    }
    return "topup";
}

std::int64_t SqliteStore::insert_grant(const GrantRecord& g) {
    prepare(
        "INSERT INTO grants (account_id, entry_id, kind, amount_nanos, priority, expires_at_ms, "
        "reference, created_at_ms, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .bind(9, g.id != 0 ? std::optional<std::int64_t>(g.id) : std::nullopt)
        .bind(1, g.account_id)
        .bind(2, g.entry_id)
        .bind(3, std::string(to_string(g.kind)))
        .bind(4, g.amount_nanos)
        .bind(5, static_cast<std::int64_t>(g.priority))
        .bind(6, g.expires_at_ms)
        .bind(7, g.reference)
        .bind(8, g.created_at_ms)
        .run();
    return sqlite3_last_insert_rowid(db_);
}

void SqliteStore::insert_allocation(const AllocationRecord& a) {
    prepare("INSERT INTO allocations (entry_id, grant_id, amount_nanos) VALUES (?, ?, ?)")
        .bind(1, a.entry_id)
        .bind(2, a.grant_id)
        .bind(3, a.amount_nanos)
        .run();
}

std::vector<GrantRecord> SqliteStore::load_open_grants() {
    static const std::string sql = std::string(kGrantColumns) +
                                   "WHERE g.amount_nanos > COALESCE((SELECT SUM(a.amount_nanos) "
                                   "FROM allocations a WHERE a.grant_id = g.id), 0) ORDER BY g.id";
    auto& q = prepare(sql.c_str());
    std::vector<GrantRecord> out;
    while (q.step()) out.push_back(read_grant(q));
    return out;
}

std::vector<GrantRecord> SqliteStore::load_all_grants() {
    static const std::string sql = std::string(kGrantColumns) + "ORDER BY g.id";
    auto& q = prepare(sql.c_str());
    std::vector<GrantRecord> out;
    while (q.step()) out.push_back(read_grant(q));
    return out;
}

std::optional<GrantRecord> SqliteStore::find_grant_by_entry(std::int64_t entry_id) {
    static const std::string sql = std::string(kGrantColumns) + "WHERE g.entry_id = ?";
    auto& q = prepare(sql.c_str()).bind(1, entry_id);
    std::optional<GrantRecord> out;
    while (q.step()) out = read_grant(q);
    return out;
}

std::vector<std::pair<std::int64_t, std::int64_t>> SqliteStore::load_debts(
    std::int64_t account_id) {
    auto& q = prepare(
                  "SELECT id, unpaid FROM (SELECT e.id, -e.amount_nanos - COALESCE((SELECT "
                  "SUM(a.amount_nanos) FROM allocations a WHERE a.entry_id = e.id), 0) AS unpaid "
                  "FROM entries e WHERE e.account_id = ? AND e.amount_nanos < 0) "
                  "WHERE unpaid > 0 ORDER BY id")
                  .bind(1, account_id);
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    while (q.step()) out.emplace_back(q.int64(0), q.int64(1));
    return out;
}

}  // namespace creditgate
