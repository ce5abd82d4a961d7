#include "creditgate/views/report_query.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <chrono>
#include <set>

#include "creditgate/errors/result_errors.hpp"
#include "creditgate/http/routing.hpp"
#include "creditgate/validate/time_text.hpp"
#include "creditgate/views/render_reports.hpp"

namespace creditgate {

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
// A report walks its period in bounded chunks, but a whole year is the most one call reads.
constexpr std::int64_t kMaxPeriodDays = 366;

ApiError invalid(std::string message, std::string param) {
    return api_error(ErrorCode::invalid_request, std::move(message), std::move(param));
}

std::int64_t start_of_month_ms(std::int64_t epoch_ms) {
    using namespace std::chrono;
    const year_month_day date{floor<days>(sys_time<milliseconds>(milliseconds(epoch_ms)))};
    return duration_cast<milliseconds>(sys_days{date.year() / date.month() / 1}.time_since_epoch())
        .count();
}

std::optional<EntryGrouping> grouping_from(std::string_view text,
                                           const std::vector<EntryGrouping>& allowed) {
    for (auto grouping : allowed) {
        if (text == to_string(grouping)) return grouping;
    }
    return std::nullopt;
}

std::string groupings_text(const std::vector<EntryGrouping>& allowed) {
    std::string out;
    for (auto grouping : allowed) {
        if (!out.empty()) out += ", ";
        out += to_string(grouping);
    }
    return out;
}

std::optional<std::int64_t> positive_id(std::string_view text) {
    if (text.empty() || text.size() > 18 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    const auto value = std::stoll(std::string(text));
    return value > 0 ? std::optional<std::int64_t>(value) : std::nullopt;
}

}  // namespace

std::variant<ReportQuery, ApiError> parse_report_query(std::string_view target,
                                                       const ReportQueryRules& rules,
                                                       std::int64_t now) {
    auto url = boost::urls::parse_origin_form(target);
    if (!url) return invalid("Malformed query string.", "");
    ReportQuery query;
    std::optional<std::int64_t> from, to;
    std::set<std::string> seen;
    // A '+' stays a '+' (a time zone offset), not a space as in HTML forms.
    for (auto param : url->params(boost::urls::encoding_opts{false, false, false})) {
        const std::string& key = param.key;
        if (key.empty() && param.value.empty()) continue;  // "?&from=..." or a trailing '&'
        const bool known = key == "from" || key == "to" ||
                           (!rules.groupings.empty() && key == "group_by") ||
                           (rules.account_id && key == "account_id");
        if (!known) return invalid("Unknown query parameter '" + key + "'.", key);
        if (!seen.insert(key).second) return invalid("'" + key + "' is given twice.", key);
        if (key == "group_by") {
            auto grouping = grouping_from(param.value, rules.groupings);
            if (!grouping) {
                return invalid("'group_by' must be one of " + groupings_text(rules.groupings) + ".",
                               "group_by");
            }
            query.group_by = *grouping;
            continue;
        }
        if (key == "account_id") {
            query.account_id = positive_id(param.value);
            if (!query.account_id) return invalid("'account_id' must be an account id.", key);
            continue;
        }
        auto time = parse_time_ms(param.value);
        if (!time) {
            return invalid("'" + key +
                               "' must be an RFC 3339 time like \"2026-11-01T00:00:00Z\" or a "
                               "date like \"2026-11-01\" (midnight UTC).",
                           key);
        }
        (key == "from" ? from : to) = *time;
    }
    query.period.to_ms = to.value_or(now);
    query.period.from_ms = from.value_or(start_of_month_ms(query.period.to_ms - 1));
    // A defaulted `from` is always before `to` and less than a month away: only a `from` the
    // caller gave can be wrong here.
    if (query.period.from_ms >= query.period.to_ms) {
        return invalid("'from' must be before 'to' (from is inclusive, to exclusive).", "from");
    }
    if (query.period.to_ms - query.period.from_ms > kMaxPeriodDays * kDayMs) {
        return invalid("The period may be at most 366 days; ask for shorter periods.", "from");
    }
    return query;
}

void serve_usage_report(Ledger& ledger, const ReportQuery& query, bool csv, std::string request_id,
                        std::function<void(std::variant<Response, ApiError>)> done) {
    build_usage(
        ledger, query.period, query.group_by, query.account_id,
        [csv, request_id = std::move(request_id), done = std::move(done)](UsageOutcome outcome) {
            if (outcome.result != ReportResult::ok) {
                return done(api_error_from(outcome.result));
            }
            const auto& r = outcome.report;
            if (!csv) {
                auto reply = json_reply(http::status::ok, usage_json(r).dump(), request_id);
                reply.set(http::field::vary, "Accept");
                return done(std::move(reply));
            }
            const std::string scope =
                r.account_id ? "-account-" + std::to_string(*r.account_id) : "";
            done(csv_reply(usage_csv(r),
                           "usage" + scope + "-" + to_string(r.group_by) + "-" +
                               file_date(r.period.from_ms) + "-" + file_date(r.period.to_ms) +
                               ".csv",
                           request_id));
        });
}

Response csv_reply(std::string body, const std::string& filename, const std::string& request_id) {
    Response reply{http::status::ok, 11};
    reply.set(http::field::content_type, "text/csv; charset=utf-8");
    reply.set(http::field::content_disposition, "attachment; filename=\"" + filename + "\"");
    reply.set(http::field::vary, "Accept");
    reply.set("x-request-id", request_id);
    reply.body() = std::move(body);
    return reply;
}

std::string file_date(std::int64_t epoch_ms) {
    return format_time_ms(epoch_ms).substr(0, 10);
}

}  // namespace creditgate
