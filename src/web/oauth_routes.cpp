// The consent flow's routes: the page (GET/POST /oauth/authorize) and the app's endpoints
// (POST /oauth/token, POST /oauth/revoke), each handled in its own oauth_*.cpp.
#include "oauth_endpoints.hpp"
#include "page_call.hpp"

namespace creditgate {

void WebPages::add_oauth_routes(PageRouter& router) {
    using http::verb;
    router
        .add(verb::get, "/oauth/authorize",
             [this](const RouteIds&, const CallPtr& call) {
                 // Signed out is no redirect here: the page shows what the app asks for, with
                 // the sign-in form on it.
                 sessions_.current(
                     call->request,
                     call->on_session<SessionOutcome>([this, call](SessionOutcome& outcome) {
                         if (!outcome.answered) {
                             return call->fail(api_error(
                                 ErrorCode::unavailable,
                                 "The service is unavailable; nothing was changed. Retry later."));
                         }
                         oauth_consent_page(context_, call, outcome.signed_in);
                     }));
             })
        .add(verb::post, "/oauth/authorize",
             [this](const RouteIds&, const CallPtr& call) {
                 with_session(call, [this, call](const SignedIn& signed_in) {
                     oauth_decision(context_, call, signed_in);
                 });
             })
        .add(verb::post, "/oauth/token",
             [this](const RouteIds&, const CallPtr& call) { oauth_token(context_, call); })
        .add(verb::post, "/oauth/revoke",
             [this](const RouteIds&, const CallPtr& call) { oauth_revoke(context_, call); });
}

}  // namespace creditgate
