// GET /admin/accounts/{id}/statement and GET /admin/usage: read-only reports over a period
// [from, to), as JSON or, with `Accept: text/csv`, as CSV. The query and the usage reply are
// the ones a caller's own GET /v1/usage uses (views/report_query.hpp).
#include "admin_call.hpp"
#include "creditgate/http/routing.hpp"
#include "creditgate/ledger/reports.hpp"
#include "creditgate/views/accept_csv.hpp"
#include "creditgate/views/render_reports.hpp"
#include "creditgate/views/report_query.hpp"

namespace creditgate {

void AdminApi::get_statement(const std::shared_ptr<Call>& call, std::int64_t account_id) {
    auto parsed = parse_report_query(call->request.target(), {}, now_ms());
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
    const ReportQueryRules rules{{EntryGrouping::model, EntryGrouping::endpoint,
                                  EntryGrouping::account, EntryGrouping::day, EntryGrouping::key},
                                 true};
    auto parsed = parse_report_query(call->request.target(), rules, now_ms());
    if (auto* error = std::get_if<ApiError>(&parsed)) return call->fail(*error);
    serve_usage_report(ledger_, std::get<ReportQuery>(parsed),
                       wants_csv(call->request[http::field::accept]), call->record.request_id,
                       call->on_session<std::variant<Response, ApiError>>([call](auto& reply) {
                           if (auto* error = std::get_if<ApiError>(&reply))
                               return call->fail(*error);
                           call->reply(std::move(std::get<Response>(reply)));
                       }));
}

}  // namespace creditgate
