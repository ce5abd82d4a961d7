// GET/POST /sign-in (with a root key of the account, or a key that may manage keys), GET/POST
// /sign-in/link (a one-time link an admin created), POST /sign-out. Failed attempts count against
// the client address (SignInThrottle).
#include <openssl/crypto.h>

#include "creditgate/auth/api_key.hpp"
#include "creditgate/errors/key_admission.hpp"
#include "page_call.hpp"

namespace creditgate {

namespace {

std::string sign_in_form(const std::string& next, const std::string& error) {
    std::string html;
    if (!error.empty()) html += "<p id=\"error\" class=\"error\">" + html_escape(error) + "</p>";
    html +=
        "<section><form method=\"post\" action=\"/sign-in\">"
        "<label for=\"key\">Account key</label>"
        "<input id=\"key\" name=\"key\" type=\"password\" autocomplete=\"off\" required "
        "placeholder=\"cg-…\">"
        "<input type=\"hidden\" name=\"next\" value=\"" +
        html_escape(next) +
        "\"><p><button type=\"submit\" id=\"sign-in\">Sign in</button></p></form>"
        "<p class=\"muted\">Use a key of your account that may manage keys, or a sign-in link "
        "from your administrator. The key stays on this server; apps never see it.</p></section>";
    return html;
}

std::string link_form(const std::string& token, const std::string& next) {
    return "<section><p>Continue to sign in with this one-time link.</p>"
           "<form method=\"post\" action=\"/sign-in/link\">"
           "<input type=\"hidden\" name=\"token\" value=\"" +
           html_escape(token) + "\"><input type=\"hidden\" name=\"next\" value=\"" +
           html_escape(next) +
           "\"><button type=\"submit\" id=\"continue\">Continue</button></form></section>";
}

ApiError too_many_attempts(int retry_after_s) {
    auto error =
        api_error(ErrorCode::rate_limited, "Too many failed sign-ins from this address. Retry in " +
                                               std::to_string(retry_after_s) + " s.");
    error.retry_after_s = retry_after_s;
    return error;
}

// The posted form of a sign-in attempt; nullopt once the call is answered (too many failures
// from this address, or a form that cannot be read).
std::optional<FormFields> attempt_form(SignInThrottle& throttle, const WebPages::CallPtr& call) {
    if (auto wait_s = throttle.retry_after_s(call->client, now_ms())) {
        call->fail(too_many_attempts(wait_s));
        return std::nullopt;
    }
    return call->form();
}

void fail_unavailable(const WebPages::CallPtr& call) {
    call->fail(api_error(ErrorCode::unavailable, "The service is unavailable. Retry later."));
}

// A session has started: its cookie, and on to `next`.
void answer_signed_in(const WebPages::CallPtr& call, const std::string& next,
                      const std::string& cookie_token) {
    auto reply = redirect_to(next, call->record.request_id);
    reply.set(http::field::set_cookie,
              session_set_cookie(cookie_token, cookie_needs_secure(call->client)));
    call->reply(std::move(reply));
}

}  // namespace

void WebPages::add_sign_in_routes(PageRouter& router) {
    using http::verb;
    router
        .add(verb::get, "/sign-in",
             [](const RouteIds&, const CallPtr& call) {
                 auto query = FormFields::from_target(call->request.target());
                 auto next = local_next(query ? query->value_or_empty("next") : "");
                 call->page(http::status::ok, "Sign in", sign_in_form(next, {}));
             })
        .add(verb::post, "/sign-in",
             [this](const RouteIds&, const CallPtr& call) {
                 auto form = attempt_form(context_.sign_in_throttle, call);
                 if (!form) return;
                 const auto next = local_next(form->value_or_empty("next"));
                 auto refuse = [&](const std::string& message) {
                     context_.sign_in_throttle.record_failure(call->client, now_ms());
                     call->record.error_code = code_name(ErrorCode::invalid_api_key);
                     call->page(http::status::unauthorized, "Sign in", sign_in_form(next, message));
                 };
                 auto presented = form->value_or_empty("key");
                 // The body held the key: wipe it now rather than when the call ends.
                 OPENSSL_cleanse(call->request.body().data(), call->request.body().size());
                 auto key = context_.keys.find(presented);
                 OPENSSL_cleanse(presented.data(), presented.size());
                 if (!key) return refuse("This key is unknown or revoked.");
                 if (auto error = check_key_access(*key, call->client, now_ms())) {
                     return refuse(error->message);
                 }
                 // The account's own (root) key, or a sub-key trusted to manage keys.
                 if (key->key->record.parent_id) {
                     if (auto error = check_may_manage_keys(*key)) return refuse(error->message);
                 }
                 call->record.account_id = key->account_id;
                 call->record.key_id = key->key_id;
                 sessions_.start(key->account_id, key->key_id,
                                 call->on_session<SessionOutcome>([call, next](auto& outcome) {
                                     if (!outcome.signed_in) return fail_unavailable(call);
                                     answer_signed_in(call, next, outcome.cookie_token);
                                 }));
             })
        .add(verb::get, "/sign-in/link",
             [](const RouteIds&, const CallPtr& call) {
                 auto query = FormFields::from_target(call->request.target());
                 if (!query || query->value_or_empty("token").empty()) {
                     return call->fail(
                         api_error(ErrorCode::invalid_request, "This sign-in link is incomplete."));
                 }
                 // A page, not a sign-in: link previews and scanners that GET the link must
                 // not use it up.
                 call->page(http::status::ok, "Sign in",
                            link_form(query->value_or_empty("token"),
                                      local_next(query->value_or_empty("next"))));
             })
        .add(
            verb::post, "/sign-in/link",
            [this](const RouteIds&, const CallPtr& call) {
                auto form = attempt_form(context_.sign_in_throttle, call);
                if (!form) return;
                const auto next = local_next(form->value_or_empty("next"));
                auto token = form->value_or_empty("token");
                if (token.size() > 128) token.clear();
                sessions_.start_from_link(
                    token, call->on_session<SessionOutcome>([this, call, next](auto& outcome) {
                        if (!outcome.answered) return fail_unavailable(call);
                        if (!outcome.signed_in) {
                            context_.sign_in_throttle.record_failure(call->client, now_ms());
                            call->record.error_code = code_name(ErrorCode::invalid_api_key);
                            return call->page(
                                http::status::unauthorized, "Sign in",
                                sign_in_form(next,
                                             "This sign-in link is unknown, used already or "
                                             "expired. Ask for a new one, or sign in with a key."));
                        }
                        call->record.account_id = outcome.signed_in->account_id;
                        answer_signed_in(call, next, outcome.cookie_token);
                    }));
            })
        .add(verb::post, "/sign-out", [this](const RouteIds&, const CallPtr& call) {
            with_session(call, [this, call](const SignedIn& signed_in) {
                sessions_.end(signed_in.id_hash, call->on_session<bool>([call](bool&) {
                    auto reply = redirect_to("/sign-in", call->record.request_id);
                    reply.set(http::field::set_cookie,
                              session_clear_cookie(cookie_needs_secure(call->client)));
                    call->reply(std::move(reply));
                }));
            });
        });
}

}  // namespace creditgate
