// Full-table scans for `ledger verify`. They run inside one read transaction (begin() on a
// read-only store), so they see one consistent snapshot while the server keeps writing.
#include "sqlite_statement.hpp"

namespace creditgate {

HoldState hold_state_from(const std::string& text) {
    if (text == "open") return HoldState::open;
    if (text == "settled") return HoldState::settled;
    if (text == "voided") return HoldState::voided;
    if (text == "abandoned") return HoldState::abandoned;
    throw StoreError("unknown hold state '" + text + "'");
}

std::optional<HoldState> SqliteStore::find_hold_state(std::int64_t hold_id) {
    auto& q = prepare("SELECT state FROM holds WHERE id = ?").bind(1, hold_id);
    std::optional<HoldState> out;
    while (q.step()) out = hold_state_from(q.text(0));
    return out;
}

void SqliteStore::scan_entries(const std::function<void(const EntryRecord&)>& fn) {
    static const std::string sql = std::string(kEntryColumns) + "ORDER BY account_id, id";
    auto& q = prepare(sql.c_str());
    while (q.step()) fn(read_entry(q));
}

void SqliteStore::scan_holds(const std::function<void(const HoldRecord&)>& fn) {
    static const std::string sql = std::string(kHoldColumns) + "ORDER BY id";
    auto& q = prepare(sql.c_str());
    while (q.step()) fn(read_hold(q));
}

void SqliteStore::scan_allocations(const std::function<void(const AllocationRecord&)>& fn) {
    auto& q = prepare("SELECT entry_id, grant_id, amount_nanos FROM allocations ORDER BY entry_id");
    while (q.step()) fn(AllocationRecord{q.int64(0), q.int64(1), q.int64(2)});
}

}  // namespace creditgate
