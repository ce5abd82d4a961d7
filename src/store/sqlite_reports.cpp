// Report queries: windows of entries in (created_at_ms, id) order, walked through the
// entries_account_time and entries_time indexes (both end in the rowid, so a row-value range
// on (created_at_ms, id) is an index range), and their sums grouped in SQL.
#include <array>
#include <climits>

#include "sqlite_statement.hpp"

namespace creditgate {

namespace {

// ?1 account (only in the per-account form), ?2 ?3 after, ?4 ?5 until, ?6 max_entry_id.
std::string window_where(bool by_account) {
    return std::string("WHERE ") + (by_account ? "account_id = ?1 AND " : "") +
           "(created_at_ms, id) > (?2, ?3) AND (created_at_ms, id) <= (?4, ?5) AND id <= ?6 ";
}

void bind_window(SqliteStore::Statement& q, const EntryWindow& w) {
    if (w.account_id) q.bind(1, *w.account_id);
    q.bind(2, w.after.created_at_ms)
        .bind(3, w.after.id)
        .bind(4, w.until.created_at_ms)
        .bind(5, w.until.id)
        .bind(6, w.max_entry_id);
}

// A flag is one word of the comma-separated list.
std::string flag_count(const char* flag) {
    return std::string("SUM(type = 'charge' AND instr(',' || flags || ',', ',") + flag + ",') > 0)";
}

// The key columns of each grouping (model, endpoint, account id, account name, day, key id, key
// name), then the sums in the order aggregate_usage() reads them.
std::string aggregate_sql(EntryGrouping grouping, bool by_account) {
    const char* key = "";
    const char* group = "";
    switch (grouping) {
        case EntryGrouping::model_endpoint:
            key = "model, endpoint, 0, '', 0, 0, ''";
            group = "model, endpoint";
            break;
        case EntryGrouping::model:
            key = "model, '', 0, '', 0, 0, ''";
            group = "model";
            break;
        case EntryGrouping::endpoint:
            key = "'', endpoint, 0, '', 0, 0, ''";
            group = "endpoint";
            break;
        case EntryGrouping::account:
            key =
                "'', '', account_id, (SELECT name FROM accounts a WHERE a.id = account_id), 0, 0, "
                "''";
            group = "account_id";
            break;
        case EntryGrouping::day:
            key = "'', '', 0, '', created_at_ms / 86400000, 0, ''";
            group = "created_at_ms / 86400000";
            break;
        case EntryGrouping::key:
            key =
                "'', '', 0, '', 0, COALESCE(key_id, 0), "
                "COALESCE((SELECT name FROM api_keys k WHERE k.id = key_id), '')";
            group = "key_id";
            break;
    }
    return std::string("SELECT ") + key +
           ", SUM(type = 'charge'), SUM(type = 'void'), SUM(prompt_tokens), SUM(cached_tokens), "
           "SUM(completion_tokens), SUM(provider_cost_nanos), SUM(markup_nanos), "
           "SUM(amount_nanos), SUM(cache_write_tokens), SUM(reasoning_tokens), SUM(images), " +
           flag_count("estimated") + ", " + flag_count("overrun") + ", " + flag_count("abandoned") +
           ", " + flag_count("byok") + " FROM entries " + window_where(by_account) +
           "AND type IN ('charge', 'void') GROUP BY " + group;
}

constexpr std::size_t kGroupings = 6;

const std::string& cached_aggregate_sql(EntryGrouping grouping, bool by_account) {
    // Built once: the statement cache is keyed by the text's address.
    static const auto all = [] {
        std::array<std::array<std::string, 2>, kGroupings> sql;
        for (std::size_t g = 0; g < kGroupings; ++g) {
            for (int a = 0; a < 2; ++a) {
                sql[g][a] = aggregate_sql(static_cast<EntryGrouping>(g), a == 1);
            }
        }
        return sql;
    }();
    return all[static_cast<std::size_t>(grouping)][by_account ? 1 : 0];
}

}  // namespace

std::optional<AccountRecord> SqliteStore::find_account(std::int64_t account_id) {
    auto& q = prepare(
                  "SELECT a.id, a.name, a.created_at_ms, "
                  "COALESCE((SELECT e.balance_after_nanos FROM entries e WHERE e.account_id = "
                  "a.id ORDER BY e.id DESC LIMIT 1), 0) FROM accounts a WHERE a.id = ?")
                  .bind(1, account_id);
    std::optional<AccountRecord> out;
    while (q.step()) out = AccountRecord{q.int64(0), q.text(1), q.int64(2), q.int64(3)};
    return out;
}

std::int64_t SqliteStore::max_entry_id() {
    auto& q = prepare("SELECT COALESCE(MAX(id), 0) FROM entries");
    std::int64_t out = 0;
    while (q.step()) out = q.int64(0);
    return out;
}

RowIds SqliteStore::max_ids() {
    auto& q = prepare(
        "SELECT (SELECT COALESCE(MAX(id), 0) FROM accounts), (SELECT COALESCE(MAX(id), 0) FROM "
        "holds), (SELECT COALESCE(MAX(id), 0) FROM entries), (SELECT COALESCE(MAX(id), 0) FROM "
        "grants)");
    RowIds out;
    while (q.step()) out = RowIds{q.int64(0), q.int64(1), q.int64(2), q.int64(3)};
    return out;
}

std::optional<EntryRecord> SqliteStore::last_entry_before(std::int64_t account_id,
                                                          std::int64_t before_ms,
                                                          std::int64_t max_entry_id) {
    static const std::string sql = std::string(kEntryColumns) +
                                   "WHERE account_id = ? AND created_at_ms < ? AND id <= ? "
                                   "ORDER BY created_at_ms DESC, id DESC LIMIT 1";
    auto& q = prepare(sql.c_str()).bind(1, account_id).bind(2, before_ms).bind(3, max_entry_id);
    std::optional<EntryRecord> out;
    while (q.step()) out = read_entry(q);
    return out;
}

std::optional<EntryPosition> SqliteStore::nth_entry_position(const EntryWindow& window,
                                                             std::int64_t n) {
    static const std::array<std::string, 2> sql = [] {
        std::array<std::string, 2> out;
        for (int a = 0; a < 2; ++a) {
            out[a] = "SELECT created_at_ms, id FROM entries " + window_where(a == 1) +
                     "ORDER BY created_at_ms, id LIMIT 1 OFFSET ?7";
        }
        return out;
    }();
    if (n < 1) return std::nullopt;
    auto& q = prepare(sql[window.account_id ? 1 : 0].c_str());
    bind_window(q, window);
    q.bind(7, n - 1);
    std::optional<EntryPosition> out;
    while (q.step()) out = EntryPosition{q.int64(0), q.int64(1)};
    return out;
}

std::vector<EntryAggregate> SqliteStore::aggregate_usage(const EntryWindow& window,
                                                         EntryGrouping grouping) {
    auto& q = prepare(cached_aggregate_sql(grouping, window.account_id.has_value()).c_str());
    bind_window(q, window);
    std::vector<EntryAggregate> out;
    while (q.step()) {
        EntryAggregate a;
        a.model = q.text(0);
        a.endpoint = q.text(1);
        a.account_id = q.int64(2);
        a.account_name = q.text(3);
        a.day = q.int64(4);
        a.key_id = q.int64(5);
        a.key_name = q.text(6);
        auto& s = a.sums;
        s.requests = q.int64(7);
        s.voided = q.int64(8);
        s.prompt_tokens = q.int64(9);
        s.cached_tokens = q.int64(10);
        s.completion_tokens = q.int64(11);
        s.provider_cost_nanos = q.int64(12);
        s.markup_nanos = q.int64(13);
        s.amount_nanos = q.int64(14);
        s.cache_write_tokens = q.int64(15);
        s.reasoning_tokens = q.int64(16);
        s.images = q.int64(17);
        s.estimated = q.int64(18);
        s.overrun = q.int64(19);
        s.abandoned = q.int64(20);
        s.byok = q.int64(21);
        out.push_back(std::move(a));
    }
    return out;
}

std::vector<EntryRecord> SqliteStore::list_balance_entries(const EntryWindow& window) {
    static const std::array<std::string, 2> sql = [] {
        std::array<std::string, 2> out;
        for (int a = 0; a < 2; ++a) {
            out[a] = std::string(kEntryColumns) + window_where(a == 1) +
                     "AND type NOT IN ('charge', 'void') ORDER BY created_at_ms, id";
        }
        return out;
    }();
    auto& q = prepare(sql[window.account_id ? 1 : 0].c_str());
    bind_window(q, window);
    std::vector<EntryRecord> out;
    while (q.step()) out.push_back(read_entry(q));
    return out;
}

}  // namespace creditgate
