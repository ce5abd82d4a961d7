// GET /account: the signed-in account's money, spend, requests, keys and provider keys. Read in
// a chain of steps (balance in memory, then keys, this month's report, the requests page and
// the provider keys on the writer thread), then rendered in one go.
#include <charconv>

#include "account_view.hpp"
#include "creditgate/errors/provider_key_errors.hpp"
#include "creditgate/errors/result_errors.hpp"
#include "creditgate/ledger/key_periods.hpp"
#include "creditgate/ledger/reports.hpp"
#include "page_call.hpp"

namespace creditgate {

namespace {

constexpr int kEntriesReadPerStep = 500;
constexpr int kMaxEntriesRead = 5'000;  // a page of requests reads at most this many entries

// The newest requests (charges and voids) with id < before_id: top-ups and grants between them
// are skipped, up to kMaxEntriesRead entries.
void load_requests(Ledger& ledger, std::int64_t account_id, std::int64_t before_id,
                   Callback<RequestsPage> done) {
    auto page = std::make_shared<RequestsPage>();
    ledger.submit({[page, account_id, before_id](Store& store) {
                       *page = RequestsPage{};
                       auto cursor = before_id;
                       for (int read = 0; read < kMaxEntriesRead; read += kEntriesReadPerStep) {
                           auto entries =
                               store.list_entries(account_id, kEntriesReadPerStep, cursor);
                           for (auto& entry : entries) {
                               if (entry.request_id.empty()) continue;
                               if (static_cast<int>(page->requests.size()) == kRequestsPerPage) {
                                   page->has_older = true;
                                   return;
                               }
                               page->requests.push_back(std::move(entry));
                           }
                           if (static_cast<int>(entries.size()) < kEntriesReadPerStep) return;
                           cursor = entries.back().id;
                       }
                       page->has_older = true;  // more entries than one page reads
                   },
                   [page, done = std::move(done)](bool committed) {
                       page->answered = committed;
                       done(std::move(*page));
                   }});
}

std::int64_t before_of(const Request& request) {
    auto query = FormFields::from_target(request.target());
    auto text = query ? query->value_or_empty("before") : std::string();
    std::int64_t id = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    return error == std::errc() && end == text.data() + text.size() && id > 0 ? id : 0;
}

ApiError unavailable() {
    return api_error(ErrorCode::unavailable, "The service is unavailable. Retry later.");
}

std::string account_body(const AccountView& view) {
    std::string html;
    html += "<section><h2>Credits</h2>" + render_figures(view.account) + "</section>";
    html += "<section><h2>Grants</h2>" + render_grants(view.account, now_ms()) + "</section>";
    html += "<section><h2>Spend this month by model</h2>" + render_spend_chart(view.spend) +
            "</section>";
    html += "<section><h2>Requests</h2>" + render_requests(view.requests) + "</section>";
    html +=
        "<section><h2>Keys</h2><p><a id=\"new-pass\" href=\"/account/passes/new\">New AI "
        "Pass</a> <span class=\"muted\">— a limited key to paste into a tool</span></p>" +
        render_keys(view.keys, view.signed_in) + "</section>";
    html += "<section><h2>Your provider keys</h2>" + render_provider_keys(view) + "</section>";
    return html;
}

}  // namespace

void WebPages::account_page(const CallPtr& call) {
    with_session(call, [this, call](const SignedIn& signed_in) {
        auto view = std::make_shared<AccountView>();
        view->signed_in = signed_in;
        call->record.account_id = signed_in.account_id;
        const auto config = context_.configs.current();
        for (const auto& [name, provider] : config->providers) view->providers.push_back(name);
        view->provider_keys_enabled = context_.provider_keys.configured();

        auto render = [call, view] {
            call->page(http::status::ok, "Your account", account_body(*view),
                       {view->signed_in.csrf_token, {}});
        };
        auto provider_keys = [this, call, view, render] {
            if (!view->provider_keys_enabled) return render();
            context_.provider_keys.list(
                view->signed_in.account_id,
                call->on_session<ProviderKeyList>([call, view, render](ProviderKeyList& list) {
                    if (list.result != ProviderKeyResult::ok) {
                        return call->fail(api_error_from(list.result));
                    }
                    view->provider_keys = std::move(list.keys);
                    render();
                }));
        };
        auto requests = [this, call, view, provider_keys] {
            load_requests(
                context_.ledger, view->signed_in.account_id, before_of(call->request),
                call->on_session<RequestsPage>([call, view, provider_keys](RequestsPage& page) {
                    if (!page.answered) return call->fail(unavailable());
                    view->requests = std::move(page);
                    provider_keys();
                }));
        };
        auto spend = [this, call, view, requests] {
            const auto now = now_ms();
            build_usage(context_.ledger, {period_start(BudgetPeriod::month, now), now + 1},
                        EntryGrouping::model, view->signed_in.account_id,
                        call->on_session<UsageOutcome>([call, view, requests](UsageOutcome& usage) {
                            if (usage.result != ReportResult::ok) {
                                return call->fail(api_error_from(usage.result));
                            }
                            view->spend = std::move(usage.report.rows);
                            requests();
                        }));
        };
        // The balance lives in memory: this answers at once, on this thread.
        context_.ledger.get_account(signed_in.account_id,
                                    [view](std::optional<AccountBalance> account) {
                                        if (account) view->account = std::move(*account);
                                    });
        context_.keys.list(signed_in.account_id,
                           call->on_session<KeyList>([call, view, spend](KeyList& list) {
                               if (list.result != AuthResult::ok) {
                                   return call->fail(api_error_from(list.result));
                               }
                               view->keys = keys_in_reach(std::move(list.keys), view->signed_in);
                               spend();
                           }));
    });
}

}  // namespace creditgate
