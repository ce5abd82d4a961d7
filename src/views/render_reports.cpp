#include "creditgate/views/render_reports.hpp"

#include <algorithm>

#include <array>
#include <vector>

#include "creditgate/pricing/decimal.hpp"
#include "creditgate/validate/time_text.hpp"
#include "creditgate/views/render.hpp"

namespace creditgate {

namespace {

constexpr std::int64_t kDayMs = 86'400'000;

// What was debited: the entries' amounts are signed, an invoice shows the charge.
// add_sums() keeps amount_nanos above INT64_MIN, so this cannot overflow.
std::int64_t total_of(const UsageSums& s) {
    return -s.amount_nanos;
}

void put_sums(nlohmann::json& out, const UsageSums& s) {
    out["requests"] = s.requests;
    out["voided"] = s.voided;
    out["prompt_tokens"] = s.prompt_tokens;
    out["cached_tokens"] = s.cached_tokens;
    out["completion_tokens"] = s.completion_tokens;
    out["cache_write_tokens"] = s.cache_write_tokens;
    out["reasoning_tokens"] = s.reasoning_tokens;
    out["images"] = s.images;
    out["provider_cost"] = format_nanos(s.provider_cost_nanos);
    out["markup"] = format_nanos(s.markup_nanos);
    out["total"] = format_nanos(total_of(s));
    out["amount"] = format_nanos(s.amount_nanos);
    out["provider_cost_nanos"] = s.provider_cost_nanos;
    out["markup_nanos"] = s.markup_nanos;
    out["total_nanos"] = total_of(s);
    out["amount_nanos"] = s.amount_nanos;
    out["flags"] = {{"estimated", s.estimated},
                    {"overrun", s.overrun},
                    {"abandoned", s.abandoned},
                    {"byok", s.byok}};
}

void put_period(nlohmann::json& out, const ReportPeriod& period) {
    out["from"] = format_time_ms(period.from_ms);
    out["to"] = format_time_ms(period.to_ms);
}

class Csv {
  public:
    void row(const std::vector<std::string>& fields) {
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (i) text_ += ',';
            text_ += csv_field(fields[i]);
        }
        text_ += "\r\n";
    }
    std::string take() { return std::move(text_); }

  private:
    std::string text_;
};

std::string num(std::int64_t value) {
    return std::to_string(value);
}

// The sum columns shared by both CSVs.
constexpr std::array<std::string_view, 20> kSumHeader = {"requests",
                                                         "voided",
                                                         "prompt_tokens",
                                                         "cached_tokens",
                                                         "completion_tokens",
                                                         "cache_write_tokens",
                                                         "reasoning_tokens",
                                                         "images",
                                                         "provider_cost",
                                                         "provider_cost_nanos",
                                                         "markup",
                                                         "markup_nanos",
                                                         "total",
                                                         "total_nanos",
                                                         "amount",
                                                         "amount_nanos",
                                                         "estimated",
                                                         "overrun",
                                                         "abandoned",
                                                         "byok"};

constexpr std::size_t sum_column(std::string_view name) {
    for (std::size_t i = 0; i < kSumHeader.size(); ++i) {
        if (kSumHeader[i] == name) return i;
    }
    return kSumHeader.size();
}
constexpr std::size_t kAmountColumn = sum_column("amount");
constexpr std::size_t kAmountNanosColumn = sum_column("amount_nanos");
static_assert(kAmountNanosColumn < kSumHeader.size());

std::vector<std::string> sum_fields(const UsageSums& s) {
    return {num(s.requests),
            num(s.voided),
            num(s.prompt_tokens),
            num(s.cached_tokens),
            num(s.completion_tokens),
            num(s.cache_write_tokens),
            num(s.reasoning_tokens),
            num(s.images),
            format_nanos(s.provider_cost_nanos),
            num(s.provider_cost_nanos),
            format_nanos(s.markup_nanos),
            num(s.markup_nanos),
            format_nanos(total_of(s)),
            num(total_of(s)),
            format_nanos(s.amount_nanos),
            num(s.amount_nanos),
            num(s.estimated),
            num(s.overrun),
            num(s.abandoned),
            num(s.byok)};
}

void append(std::vector<std::string>& row, const std::vector<std::string>& more) {
    row.insert(row.end(), more.begin(), more.end());
}

void append_blank(std::vector<std::string>& row, std::size_t count) {
    row.insert(row.end(), count, std::string());
}

// The key columns of a usage grouping, and a row's values for them.
std::vector<std::string> key_header(EntryGrouping grouping) {
    switch (grouping) {
        case EntryGrouping::model_endpoint:
            return {"model", "endpoint"};
        case EntryGrouping::model:
            return {"model"};
        case EntryGrouping::endpoint:
            return {"endpoint"};
        case EntryGrouping::account:
            return {"account_id", "account_name"};
        case EntryGrouping::day:
            return {"day"};
        case EntryGrouping::key:
            return {"key_id", "key_name"};
    }
    return {};
}

std::vector<std::string> key_values(EntryGrouping grouping, const EntryAggregate& a) {
    switch (grouping) {
        case EntryGrouping::model_endpoint:
            return {a.model, a.endpoint};
        case EntryGrouping::model:
            return {a.model};
        case EntryGrouping::endpoint:
            return {a.endpoint};
        case EntryGrouping::account:
            return {num(a.account_id), a.account_name};
        case EntryGrouping::day:
            return {format_day(a.day)};
        case EntryGrouping::key:
            return {a.key_id ? num(a.key_id) : std::string(), a.key_name};
    }
    return {};
}

}  // namespace

const char* to_string(EntryGrouping grouping) {
    switch (grouping) {
        case EntryGrouping::model_endpoint:
            return "model_endpoint";
        case EntryGrouping::model:
            return "model";
        case EntryGrouping::endpoint:
            return "endpoint";
        case EntryGrouping::account:
            return "account";
        case EntryGrouping::day:
            return "day";
        case EntryGrouping::key:
            return "key";
    }
    return "model";
}

std::string format_day(std::int64_t day) {
    return format_time_ms(day * kDayMs).substr(0, 10);
}

namespace {

// A signed decimal such as "-1.5": the only text allowed to start with '-' unchanged.
bool is_decimal(std::string_view text) {
    if (text.starts_with('-')) text.remove_prefix(1);
    if (text.empty() || text.front() == '.' || text.back() == '.') return false;
    return std::count(text.begin(), text.end(), '.') <= 1 &&
           std::all_of(text.begin(), text.end(),
                       [](char c) { return c == '.' || (c >= '0' && c <= '9'); });
}

}  // namespace

std::string csv_field(std::string_view raw) {
    // Text an admin or a client wrote (a reference, a model name) must not become a spreadsheet
    // formula when the statement is opened: a leading = + - @ or control character gets a '.
    std::string guarded;
    if (!raw.empty() && std::string_view("=+-@\t\r").find(raw.front()) != std::string_view::npos &&
        !is_decimal(raw)) {
        guarded = "'" + std::string(raw);
        raw = guarded;
    }
    const std::string_view text = raw;
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

nlohmann::json statement_json(const Statement& s) {
    nlohmann::json lines = nlohmann::json::array();
    for (const auto& line : s.lines) {
        nlohmann::json row = {{"model", line.model}, {"endpoint", line.endpoint}};
        put_sums(row, line.sums);
        lines.push_back(std::move(row));
    }
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& entry : s.entries) entries.push_back(entry_json(entry));
    nlohmann::json totals = nlohmann::json::object();
    put_sums(totals, s.charges);
    const std::int64_t change = s.closing_balance_nanos - s.opening_balance_nanos;
    totals["credits"] = format_nanos(s.credits_nanos);
    totals["debits"] = format_nanos(s.debits_nanos);
    totals["change"] = format_nanos(change);
    totals["credits_nanos"] = s.credits_nanos;
    totals["debits_nanos"] = s.debits_nanos;
    totals["change_nanos"] = change;
    nlohmann::json out = {{"object", "account_statement"},
                          {"account_id", s.account_id},
                          {"account_name", s.account_name},
                          {"opening_balance", format_nanos(s.opening_balance_nanos)},
                          {"closing_balance", format_nanos(s.closing_balance_nanos)},
                          {"opening_balance_nanos", s.opening_balance_nanos},
                          {"closing_balance_nanos", s.closing_balance_nanos},
                          {"lines", std::move(lines)},
                          {"entries", std::move(entries)},
                          {"totals", std::move(totals)},
                          {"as_of_entry_id", s.as_of_entry_id}};
    put_period(out, s.period);
    return out;
}

// Columns: what the row is, its key, the entry fields, the sums, and the balances (totals
// row only). Σ amount_nanos over the other rows = the totals row's amount_nanos
// = closing_balance_nanos - opening_balance_nanos.
std::string statement_csv(const Statement& s) {
    constexpr std::size_t kEntryFields = 5;  // entry_id, created_at, type, reference, actor
    constexpr std::size_t kBalances = 4;
    Csv csv;
    std::vector<std::string> header = {"row",        "model", "endpoint",  "entry_id",
                                       "created_at", "type",  "reference", "actor"};
    header.insert(header.end(), kSumHeader.begin(), kSumHeader.end());
    append(header, {"opening_balance", "opening_balance_nanos", "closing_balance",
                    "closing_balance_nanos"});
    csv.row(header);
    for (const auto& line : s.lines) {
        std::vector<std::string> row = {"charges", line.model, line.endpoint};
        append_blank(row, kEntryFields);
        append(row, sum_fields(line.sums));
        append_blank(row, kBalances);
        csv.row(row);
    }
    for (const auto& e : s.entries) {
        std::vector<std::string> row = {
            "entry", e.model,     e.endpoint, num(e.id), format_time_ms(e.created_at_ms),
            e.type,  e.reference, e.actor};
        std::vector<std::string> sums(kSumHeader.size());  // only the amount
        sums[kAmountColumn] = format_nanos(e.amount_nanos);
        sums[kAmountNanosColumn] = num(e.amount_nanos);
        append(row, sums);
        append_blank(row, kBalances);
        csv.row(row);
    }
    // The totals row: the charges' sums, but the amount is the whole balance change.
    const std::int64_t change = s.closing_balance_nanos - s.opening_balance_nanos;
    std::vector<std::string> row = {"total", "", ""};
    append_blank(row, kEntryFields);
    auto sums = sum_fields(s.charges);
    sums[kAmountColumn] = format_nanos(change);
    sums[kAmountNanosColumn] = num(change);
    append(row, sums);
    append(row, {format_nanos(s.opening_balance_nanos), num(s.opening_balance_nanos),
                 format_nanos(s.closing_balance_nanos), num(s.closing_balance_nanos)});
    csv.row(row);
    return csv.take();
}

nlohmann::json usage_json(const UsageReport& r) {
    nlohmann::json data = nlohmann::json::array();
    for (const auto& a : r.rows) {
        nlohmann::json row = nlohmann::json::object();
        switch (r.group_by) {
            case EntryGrouping::model_endpoint:
                row["model"] = a.model;
                row["endpoint"] = a.endpoint;
                break;
            case EntryGrouping::model:
                row["model"] = a.model;
                break;
            case EntryGrouping::endpoint:
                row["endpoint"] = a.endpoint;
                break;
            case EntryGrouping::account:
                row["account_id"] = a.account_id;
                row["account_name"] = a.account_name;
                break;
            case EntryGrouping::day:
                row["day"] = format_day(a.day);
                break;
            case EntryGrouping::key:
                row["key_id"] = a.key_id ? nlohmann::json(a.key_id) : nlohmann::json();
                row["key_name"] = a.key_name;
                break;
        }
        put_sums(row, a.sums);
        data.push_back(std::move(row));
    }
    nlohmann::json totals = nlohmann::json::object();
    put_sums(totals, r.totals);
    nlohmann::json out = {
        {"object", "usage_report"},
        {"account_id", r.account_id ? nlohmann::json(*r.account_id) : nlohmann::json()},
        {"group_by", to_string(r.group_by)},
        {"data", std::move(data)},
        {"totals", std::move(totals)},
        {"as_of_entry_id", r.as_of_entry_id}};
    put_period(out, r.period);
    return out;
}

std::string usage_csv(const UsageReport& r) {
    Csv csv;
    auto keys = key_header(r.group_by);
    std::vector<std::string> header = {"row"};
    header.insert(header.end(), keys.begin(), keys.end());
    header.insert(header.end(), kSumHeader.begin(), kSumHeader.end());
    csv.row(header);
    for (const auto& a : r.rows) {
        std::vector<std::string> row = {"group"};
        append(row, key_values(r.group_by, a));
        append(row, sum_fields(a.sums));
        csv.row(row);
    }
    std::vector<std::string> row = {"total"};
    append_blank(row, keys.size());
    append(row, sum_fields(r.totals));
    csv.row(row);
    return csv.take();
}

}  // namespace creditgate
