#pragma once
// The query of a report (`from`, `to`, `group_by`, `account_id`) and its reply, JSON or CSV:
// one code path for the admin's reports and a caller's own (GET /v1/usage), which differ only
// in which parameters they accept and which account they may see.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "creditgate/http/api_error.hpp"
#include "creditgate/http/session.hpp"
#include "creditgate/ledger/reports.hpp"

namespace creditgate {

struct ReportQuery {
    ReportPeriod period;
    EntryGrouping group_by = EntryGrouping::model;
    std::optional<std::int64_t> account_id;
};

// What one endpoint accepts besides `from` and `to`: the groupings (none: no `group_by`), and
// whether `account_id` may narrow the report to one account.
struct ReportQueryRules {
    std::vector<EntryGrouping> groupings;
    bool account_id = false;
};

// from/to: RFC 3339 or YYYY-MM-DD (midnight UTC). `to` defaults to now, `from` to the start of
// the UTC month holding the period's last millisecond. An unknown, repeated or malformed
// parameter is a 400 naming it.
std::variant<ReportQuery, ApiError> parse_report_query(std::string_view target,
                                                       const ReportQueryRules& rules,
                                                       std::int64_t now);

// Builds the usage report of `query` and answers with its reply (JSON, or CSV when `csv`),
// or with the error; `done` runs on the ledger's writer thread.
void serve_usage_report(Ledger& ledger, const ReportQuery& query, bool csv, std::string request_id,
                        std::function<void(std::variant<Response, ApiError>)> done);

// A CSV attachment reply.
Response csv_reply(std::string body, const std::string& filename, const std::string& request_id);
// "YYYY-MM-DD" of a time, for file names.
std::string file_date(std::int64_t epoch_ms);

}  // namespace creditgate
