// GET /v1/requests/{request_id}, /v1/credits and /v1/usage: the caller's own account, seen
// with their own key. A key sees its account and nothing else: another account's request id is
// the same 404 as an unknown one. The bodies are the admin API's (views/).
#include <boost/asio/post.hpp>

#include "creditgate/errors/result_errors.hpp"
#include "creditgate/http/routing.hpp"
#include "creditgate/proxy/public_api.hpp"
#include "creditgate/views/accept_csv.hpp"
#include "creditgate/views/render.hpp"
#include "creditgate/views/report_query.hpp"

namespace creditgate {

namespace {

constexpr std::size_t kMaxRequestIdLength = 128;

std::string_view last_segment(std::string_view path) {
    return path.substr(path.rfind('/') + 1);
}

}  // namespace

void PublicApi::answer(const SessionPtr& session, AccessRecord& record, Response&& reply) {
    record.status = reply.result_int();
    log_access(record);
    session->reply(std::move(reply));
}

void PublicApi::get_request_charge(const SessionPtr& session, const Request& request,
                                   AccessRecord& record) {
    auto key = authenticate(session, request, record);
    if (!key) return;
    const std::string request_id(last_segment(record.path));
    const auto not_found =
        api_error(ErrorCode::not_found, "No charge of this account has the request id '" +
                                            request_id.substr(0, kMaxRequestIdLength) + "'.");
    if (request_id.size() > kMaxRequestIdLength) return fail(session, record, not_found);
    context_.ledger.find_request_entries(
        key->account_id, request_id, [session, record, not_found](EntriesOutcome outcome) mutable {
            net::post(session->executor(), [session, record = std::move(record), not_found,
                                            outcome = std::move(outcome)]() mutable {
                if (outcome.result != LedgerResult::ok) {
                    return fail(session, record, api_error_from(outcome.result));
                }
                if (outcome.entries.empty()) return fail(session, record, not_found);
                answer(session, record,
                       json_reply(http::status::ok, request_charge_json(outcome.entries).dump(),
                                  record.request_id));
            });
        });
}

void PublicApi::get_credits(const SessionPtr& session, const Request& request,
                            AccessRecord& record) {
    auto key = authenticate(session, request, record);
    if (!key) return;
    // Answered in memory at once, on this thread: balances live there.
    context_.ledger.get_account(key->account_id, [&](std::optional<AccountBalance> account) {
        if (!account) return fail(session, record, api_error_from(LedgerResult::account_not_found));
        answer(session, record,
               json_reply(http::status::ok, account_json(*account).dump(), record.request_id));
    });
}

void PublicApi::get_usage(const SessionPtr& session, const Request& request, AccessRecord& record) {
    auto key = authenticate(session, request, record);
    if (!key) return;
    const ReportQueryRules rules{
        {EntryGrouping::model, EntryGrouping::endpoint, EntryGrouping::day, EntryGrouping::key},
        false};
    auto parsed = parse_report_query(request.target(), rules, now_ms());
    if (auto* error = std::get_if<ApiError>(&parsed)) return fail(session, record, *error);
    auto query = std::get<ReportQuery>(parsed);
    query.account_id = key->account_id;
    serve_usage_report(
        context_.ledger, query, wants_csv(request[http::field::accept]), record.request_id,
        [session, record](std::variant<Response, ApiError> reply) mutable {
            net::post(session->executor(),
                      [session, record = std::move(record), reply = std::move(reply)]() mutable {
                          if (auto* error = std::get_if<ApiError>(&reply)) {
                              return fail(session, record, *error);
                          }
                          answer(session, record, std::move(std::get<Response>(reply)));
                      });
        });
}

}  // namespace creditgate
