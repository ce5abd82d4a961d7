#pragma once
// Read-only reports over the ledger: an account's statement for a period (what an invoice
// shows) and usage across accounts grouped by model, endpoint, account or day.
//
// Reports run on the ledger's writer thread (the one connection), like list_entries, but never
// hold it for long: the period is walked in chunks of at most `chunk_rows` entries, one writer
// job each, so holds and settlements queued meanwhile run between two chunks. Entries are
// append-only, and every chunk reads only entries up to the newest id seen when the report
// started, so the chunks add up to one consistent snapshot. Callbacks run on the writer
// thread: they must not block (post to your own executor).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "creditgate/ledger/ledger.hpp"
#include "creditgate/store/aggregates.hpp"
#include "creditgate/store/records.hpp"

namespace creditgate {

enum class ReportResult {
    ok,
    account_not_found,
    too_many_entries,  // the period holds more than the limits allow: ask for a shorter one
    overflow,          // a sum does not fit in int64
    unavailable,       // the store failed
};

const char* to_string(ReportResult result);

struct ReportLimits {
    std::int64_t chunk_rows = 10'000;         // entries read per writer job (~10 ms)
    std::int64_t max_rows = 5'000'000;        // entries one report may read in all
    std::size_t max_listed_entries = 10'000;  // statement: top-ups, grants, ... listed one by one
};

// [from_ms, to_ms): from inclusive, to exclusive, by each entry's created_at_ms.
struct ReportPeriod {
    std::int64_t from_ms = 0;
    std::int64_t to_ms = 0;
};

struct StatementLine {
    std::string model;
    std::string endpoint;
    UsageSums sums;
};

// The balance change of a period, explained: closing - opening = charges.amount_nanos
// + credits_nanos + debits_nanos, where the charges are the sum of the lines and credits and
// debits the sums of the listed entries' amounts.
struct Statement {
    std::int64_t account_id = 0;
    std::string account_name;
    ReportPeriod period;
    std::int64_t as_of_entry_id = 0;  // the snapshot: no entry newer than this was read
    // balance_after of the last entry before `from` / before `to` (0 when there is none).
    std::int64_t opening_balance_nanos = 0;
    std::int64_t closing_balance_nanos = 0;
    std::vector<StatementLine> lines;  // charges per model and endpoint, sorted by both
    std::vector<EntryRecord> entries;  // every other entry: top-ups, grants, adjustments, expiries
    UsageSums charges;                 // the sum of the lines
    std::int64_t credits_nanos = 0;    // sum of the listed entries' positive amounts
    std::int64_t debits_nanos = 0;     // sum of their negative amounts (negative)
};

struct StatementOutcome {
    ReportResult result = ReportResult::unavailable;
    Statement statement;
};

// Usage over all accounts, or one: one row per group (the key fields of the grouping are set), the
// largest total first (by day: oldest first), and their sum.
struct UsageReport {
    std::optional<std::int64_t> account_id;  // empty: all accounts
    ReportPeriod period;
    EntryGrouping group_by = EntryGrouping::model;
    std::int64_t as_of_entry_id = 0;
    std::vector<EntryAggregate> rows;
    UsageSums totals;
};

struct UsageOutcome {
    ReportResult result = ReportResult::unavailable;
    UsageReport report;
};

// Adds `more` into `into`; false (and `into` unspecified) when a sum overflows.
bool add_sums(UsageSums& into, const UsageSums& more);

void build_statement(Ledger& ledger, std::int64_t account_id, ReportPeriod period,
                     Callback<StatementOutcome> done, ReportLimits limits = {});
// account_id: one account's usage (account_not_found when it does not exist), or all.
void build_usage(Ledger& ledger, ReportPeriod period, EntryGrouping group_by,
                 std::optional<std::int64_t> account_id, Callback<UsageOutcome> done,
                 ReportLimits limits = {});

}  // namespace creditgate
