#include "creditgate/web/web_pages.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "creditgate/http/routing.hpp"
#include "page_call.hpp"

namespace creditgate {

WebPages::WebPages(WebContext context) : context_(context), sessions_(context.ledger) {
    add_sign_in_routes(router_);
    add_account_routes(router_);
    add_oauth_routes(router_);
}

bool WebPages::owns(std::string_view path) {
    auto under = [path](std::string_view root) {
        return path == root || (path.starts_with(root) && path[root.size()] == '/');
    };
    return under("/oauth") || under("/account") || under("/sign-in") || path == "/sign-out";
}

void WebPages::handle(const SessionPtr& session, Request& request, AccessRecord& record,
                      const boost::asio::ip::address& client) {
    auto call =
        std::make_shared<Call>(Call{session, std::move(request), std::move(record), client});
    if (auto error = router_.dispatch(call->request.method(), call->record.path, call)) {
        // The app's endpoints answer in JSON (a 405 with Allow), the pages in HTML.
        if (call->record.path == "/oauth/token" || call->record.path == "/oauth/revoke") {
            call->record.error_code = code_name(error->code);
            return call->reply(error_response(*error, call->record.request_id, error->body()));
        }
        call->fail(*error);
    }
}

void WebPages::with_session(const CallPtr& call, std::function<void(const SignedIn&)> then) {
    sessions_.current(
        call->request,
        call->on_session<SessionOutcome>([call, then = std::move(then)](SessionOutcome& outcome) {
            if (!outcome.answered) {
                return call->fail(
                    api_error(ErrorCode::unavailable,
                              "The service is unavailable; nothing was changed. Retry "
                              "later."));
            }
            const bool is_get = call->request.method() == http::verb::get;
            if (!outcome.signed_in) {
                if (!is_get) {
                    return call->fail(api_error(ErrorCode::invalid_api_key,
                                                "You are signed out. Sign in again and retry."));
                }
                auto target = std::string(call->request.target());
                return call->redirect("/sign-in?next=" +
                                      boost::urls::encode(target, boost::urls::unreserved_chars));
            }
            if (!is_get) {
                auto form = FormFields::parse(call->request.body());
                if (!form || form->count("csrf") != 1 ||
                    !same_secret(form->value_or_empty("csrf"), outcome.signed_in->csrf_token)) {
                    return call->fail(
                        api_error(ErrorCode::permission_denied,
                                  "This form is out of date or did not come from this "
                                  "site (CSRF check failed). Reload the page and retry."));
                }
            }
            then(*outcome.signed_in);
        }));
}

std::string csrf_field(const std::string& csrf_token) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + html_escape(csrf_token) + "\">";
}

}  // namespace creditgate
