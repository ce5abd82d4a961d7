// GET /oauth/authorize: the consent page (signed out, with the sign-in form on it);
// POST /oauth/authorize: the user's decision. Approve narrows what the app proposed (never
// widens it, nor the signing-in key), stores a code and sends the browser back to the app with
// it; Deny sends it back with access_denied. Both keep the app's state byte for byte.
#include "creditgate/web/oauth_codes.hpp"
#include "oauth_authorize_request.hpp"
#include "oauth_consent_html.hpp"
#include "oauth_endpoints.hpp"
#include "page_call.hpp"

namespace creditgate {

namespace {

constexpr std::string_view kTitle = "Connect an app";

// Reads and checks the request's parameters (the query, or the consent form's hidden fields),
// finds its client, and runs `then` with a valid request; answers the error page or the error
// redirect otherwise.
void with_authorization(const WebContext& context, const WebPages::CallPtr& call,
                        std::optional<FormFields> fields, bool consent_form,
                        std::function<void(const ValidAuthorization&, const FormFields&)> then) {
    if (!fields) {
        return call->fail(api_error(ErrorCode::invalid_request, "The request could not be read."));
    }
    auto request = read_authorize_request(*fields);
    if (auto* error = std::get_if<ApiError>(&request)) return call->fail(*error);
    // The form answers a request whose page was shown for response_type=code only.
    if (consent_form) std::get<AuthorizeRequest>(request).response_type = "code";
    auto client_id = std::get<AuthorizeRequest>(request).client_id;
    OAuthCodes(context.ledger, context.keys)
        .find_client(std::move(client_id),
                     call->on_session<std::optional<OAuthClientRecord>>(
                         [call, fields = std::move(*fields),
                          request = std::get<AuthorizeRequest>(std::move(request)),
                          then = std::move(then)](std::optional<OAuthClientRecord>& client) {
                             auto checked = check_authorize_request(request, fields, client);
                             if (auto* error = std::get_if<ApiError>(&checked)) {
                                 return call->fail(*error);
                             }
                             if (auto* back = std::get_if<AuthorizeRedirect>(&checked)) {
                                 return call->reply(redirect_to(
                                     back->location, call->record.request_id, http::status::found));
                             }
                             then(std::get<ValidAuthorization>(checked), fields);
                         }));
}

void refuse_widening(const WebPages::CallPtr& call, const std::string& field,
                     const std::string& message) {
    auto error = api_error(ErrorCode::scope_too_wide,
                           "'" + field + "': " + message + ". Nothing was issued.", field);
    error.status = http::status::bad_request;  // a form to correct, not a right the user lacks
    call->fail(error);
}

// Issues the code for the approved scope and sends the browser back to the app with it.
void approve(const WebContext& context, const WebPages::CallPtr& call,
             const ValidAuthorization& authorization, const SignedIn& signed_in,
             const OAuthScope& approved, const KeyScope& minter) {
    const auto key_scope = key_scope_for(approved, minter, authorization.client.name, now_ms());
    if (auto field = first_widened_field(key_scope, minter)) {
        return refuse_widening(call, *field, "wider than the key you signed in with");
    }
    CodeGrant grant{authorization.request.client_id,
                    authorization.request.redirect_uri,
                    authorization.request.code_challenge,
                    signed_in.account_id,
                    signed_in.key_id,
                    approved};
    OAuthCodes(context.ledger, context.keys)
        .issue(std::move(grant),
               call->on_session<std::optional<std::string>>(
                   [call, request = authorization.request](std::optional<std::string>& code) {
                       if (!code) {
                           return call->fail(api_error(ErrorCode::unavailable,
                                                       "The service is unavailable; nothing was "
                                                       "issued. Retry later."));
                       }
                       call->reply(redirect_to(redirect_with(request, {{"code", *code}}),
                                               call->record.request_id, http::status::found));
                   }));
}

}  // namespace

void oauth_consent_page(const WebContext& context, const WebPages::CallPtr& call,
                        const std::optional<SignedIn>& signed_in) {
    with_authorization(
        context, call, FormFields::from_target(call->request.target()), false,
        [call, signed_in](const ValidAuthorization& authorization, const FormFields&) {
            auto html = consent_summary_html(authorization);
            if (!signed_in) {
                html += consent_sign_in_html(std::string(call->request.target()));
                return call->page(http::status::ok, kTitle, std::move(html));
            }
            html += consent_form_html(authorization, signed_in->csrf_token);
            call->page(http::status::ok, kTitle, std::move(html),
                       HtmlOptions{signed_in->csrf_token, {}});
        });
}

void oauth_decision(const WebContext& context, const WebPages::CallPtr& call,
                    const SignedIn& signed_in) {
    with_authorization(
        context, call, FormFields::parse(call->request.body()), true,
        [&context, call, signed_in](const ValidAuthorization& authorization,
                                    const FormFields& form) {
            const auto decision = form.value_or_empty("decision");
            if (decision == "deny") {
                return call->reply(redirect_to(
                    redirect_with(authorization.request,
                                  {{"error", "access_denied"},
                                   {"error_description", "the user denied the request"}}),
                    call->record.request_id, http::status::found));
            }
            if (decision != "approve") {
                return call->fail(
                    api_error(ErrorCode::invalid_request, "Choose Approve or Deny.", "decision"));
            }
            auto approved = narrow_oauth_scope(
                authorization.proposed, ConsentChoice{form.all("model"), form.all("endpoint"),
                                                      form.value_or_empty("budget_month"),
                                                      form.value_or_empty("expires_in_days")});
            if (auto* error = std::get_if<NarrowingError>(&approved)) {
                return refuse_widening(call, error->field, error->message);
            }
            call->record.account_id = signed_in.account_id;
            if (!signed_in.key_id) {
                // Signed in by link: a root-level key of the account.
                return approve(context, call, authorization, signed_in,
                               std::get<OAuthScope>(approved), KeyScope{});
            }
            call->record.key_id = *signed_in.key_id;
            context.keys.get(
                *signed_in.key_id,
                call->on_session<KeyChange>([&context, call, authorization, signed_in,
                                             approved = std::get<OAuthScope>(approved)](
                                                KeyChange& minter) {
                    if (minter.result != AuthResult::ok || minter.key.record.revoked_at_ms) {
                        return call->fail(api_error(ErrorCode::invalid_api_key,
                                                    "The key you signed in with is revoked. "
                                                    "Sign in again."));
                    }
                    approve(context, call, authorization, signed_in, approved, minter.key.scope);
                }));
        });
}

}  // namespace creditgate
