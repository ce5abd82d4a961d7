// GET /admin/accounts/{id}/statement and GET /admin/usage: read-only reports over a period
// [from, to), as JSON or, with `Accept: text/csv`, as CSV.
#include <boost/url/parse.hpp>
#include <chrono>
#include <set>

#include "admin_call.hpp"
#include "creditgate/views/accept_csv.hpp"
#include "creditgate/views/render_reports.hpp"
#include "creditgate/views/time_text.hpp"
#include "creditgate/http/routing.hpp"
#include "creditgate/ledger/reports.hpp"

namespace creditgate {

using namespace admin_detail;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
// A report walks its period in bounded chunks, but a whole year is the most one call reads.
constexpr std::int64_t kMaxPeriodDays = 366;

struct ReportQuery {
    ReportPeriod period;
    EntryGrouping group_by = EntryGrouping::model;
};

std::int64_t start_of_month_ms(std::int64_t epoch_ms) {
    using namespace std::chrono;
    const year_month_day date{floor<days>(sys_time<milliseconds>(milliseconds(epoch_ms)))};
    return duration_cast<milliseconds>(sys_days{date.year() / date.month() / 1}.time_since_epoch())
        .count();
}

std::optional<EntryGrouping> grouping_from(std::string_view text) {
    if (text == "model") return EntryGrouping::model;
    if (text == "endpoint") return EntryGrouping::endpoint;
    if (text == "account") return EntryGrouping::account;
    if (text == "day") return EntryGrouping::day;
    return std::nullopt;
}

// from/to: RFC 3339 or YYYY-MM-DD (midnight UTC). `to` defaults to now, `from` to the start of
// the UTC month holding the period's last millisecond (for to = now: the current month).
std::variant<ReportQuery, ApiError> parse_query(std::string_view target, bool with_group_by,
                                                std::int64_t now) {
    auto url = boost::urls::parse_origin_form(target);
    if (!url) return invalid("Malformed query string.");
    ReportQuery query;
    std::optional<std::int64_t> from, to;
    std::set<std::string> seen;
    // A '+' stays a '+' (a time zone offset), not a space as in HTML forms.
    for (auto param : url->params(boost::urls::encoding_opts{false, false, false})) {
        const std::string& key = param.key;
        if (key.empty() && param.value.empty()) continue;  // "?&from=..." or a trailing '&'
        if (key != "from" && key != "to" && !(with_group_by && key == "group_by")) {
            return invalid("Unknown query parameter '" + key + "'.", key);
        }
        if (!seen.insert(key).second) return invalid("'" + key + "' is given twice.", key);
        if (key == "group_by") {
            auto grouping = grouping_from(param.value);
            if (!grouping) {
                return invalid("'group_by' must be one of model, endpoint, account, day.",
                               "group_by");
            }
            query.group_by = *grouping;
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

}  // namespace

void AdminApi::get_statement(const std::shared_ptr<Call>& call, std::int64_t account_id) {
    auto parsed = parse_query(call->request.target(), false, now_ms());
    if (auto* error = std::get_if<ApiError>(&parsed)) return call->fail(*error);
    const auto query = std::get<ReportQuery>(parsed);
    const bool csv = wants_csv(call->request[http::field::accept]);
    build_statement(ledger_, account_id, query.period,
                    call->on_session<StatementOutcome>([call, csv](auto& outcome) {
                        if (outcome.result != ReportResult::ok)
                            return call->fail(api_error_from(outcome.result));
                        const auto& s = outcome.statement;
                        if (!csv) {
                            auto reply = json_reply(http::status::ok, statement_json(s).dump(),
                                                    call->record.request_id);
                            reply.set(http::field::vary, "Accept");
                            return call->reply(std::move(reply));
                        }
                        call->reply(csv_reply(statement_csv(s),
                                              "statement-" + std::to_string(s.account_id) + "-" +
                                                  file_date(s.period.from_ms) + "-" +
                                                  file_date(s.period.to_ms) + ".csv",
                                              call->record.request_id));
                    }));
}

void AdminApi::get_usage(const std::shared_ptr<Call>& call) {
    auto parsed = parse_query(call->request.target(), true, now_ms());
    if (auto* error = std::get_if<ApiError>(&parsed)) return call->fail(*error);
    const auto query = std::get<ReportQuery>(parsed);
    const bool csv = wants_csv(call->request[http::field::accept]);
    build_usage(ledger_, query.period, query.group_by,
                call->on_session<UsageOutcome>([call, csv](auto& outcome) {
                    if (outcome.result != ReportResult::ok)
                        return call->fail(api_error_from(outcome.result));
                    const auto& r = outcome.report;
                    if (!csv) {
                        auto reply = json_reply(http::status::ok, usage_json(r).dump(),
                                                call->record.request_id);
                        reply.set(http::field::vary, "Accept");
                        return call->reply(std::move(reply));
                    }
                    call->reply(csv_reply(usage_csv(r),
                                          std::string("usage-") + to_string(r.group_by) + "-" +
                                              file_date(r.period.from_ms) + "-" +
                                              file_date(r.period.to_ms) + ".csv",
                                          call->record.request_id));
                }));
}

}  // namespace creditgate
