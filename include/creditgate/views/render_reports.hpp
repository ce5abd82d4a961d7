#pragma once
// Report replies of the admin API. JSON: amounts as exact decimal credits and integer nanos,
// like every other admin reply. CSV (RFC 4180, CRLF line ends): one header row, one row per
// line, a totals row, for spreadsheets and invoicing tools.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "creditgate/ledger/reports.hpp"

namespace creditgate {

nlohmann::json statement_json(const Statement& statement);
std::string statement_csv(const Statement& statement);
nlohmann::json usage_json(const UsageReport& report);
std::string usage_csv(const UsageReport& report);

// "model", "endpoint", "account", "day", "key" ("model_endpoint" for the statement's lines).
const char* to_string(EntryGrouping grouping);
// Days since 1970-01-01 as "YYYY-MM-DD".
std::string format_day(std::int64_t day);
// One CSV field: quoted (quotes doubled) when it holds a comma, a quote, CR or LF.
std::string csv_field(std::string_view text);

}  // namespace creditgate
