// POST /oauth/token: grant_type=authorization_code with code, code_verifier, redirect_uri and
// client_id (a public client: PKCE instead of a secret). Replies and errors are RFC 6749 §5.1
// and §5.2 JSON, never cached.
#include <nlohmann/json.hpp>

#include "creditgate/http/routing.hpp"
#include "creditgate/web/oauth_codes.hpp"
#include "creditgate/web/pkce.hpp"
#include "oauth_endpoints.hpp"
#include "page_call.hpp"

namespace creditgate {

namespace {

Response oauth_json(http::status status, const nlohmann::json& body,
                    const std::string& request_id) {
    auto reply = json_reply(status, body.dump(), request_id);
    reply.set(http::field::cache_control, "no-store");
    reply.set(http::field::pragma, "no-cache");
    return reply;
}

void token_error(const WebPages::CallPtr& call, const char* error, std::string description,
                 http::status status = http::status::bad_request) {
    call->record.error_code = error;
    call->reply(oauth_json(status,
                           {{"error", error}, {"error_description", std::move(description)}},
                           call->record.request_id));
}

}  // namespace

void oauth_token(const WebContext& context, const WebPages::CallPtr& call) {
    auto form = FormFields::parse(call->request.body());
    if (!form) return token_error(call, "invalid_request", "The form body could not be read.");
    if (auto twice = form->first_duplicate()) {
        return token_error(call, "invalid_request", "'" + *twice + "' is given more than once.");
    }
    for (const char* field : {"grant_type", "code", "code_verifier", "redirect_uri", "client_id"}) {
        if (form->value_or_empty(field).empty()) {
            return token_error(call, "invalid_request", std::string("'") + field + "' is missing.");
        }
    }
    if (form->value_or_empty("grant_type") != "authorization_code") {
        return token_error(call, "unsupported_grant_type",
                           "Only grant_type=authorization_code is supported.");
    }
    if (!valid_code_verifier(form->value_or_empty("code_verifier"))) {
        return token_error(call, "invalid_request",
                           "'code_verifier' must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~.");
    }
    TokenRequest request{form->value_or_empty("code"), form->value_or_empty("code_verifier"),
                         form->value_or_empty("redirect_uri"), form->value_or_empty("client_id")};
    OAuthCodes(context.ledger, context.keys)
        .exchange(std::move(request), call->on_session<TokenOutcome>([call](TokenOutcome& outcome) {
            switch (outcome.result) {
                case TokenResult::ok: {
                    nlohmann::json body = {{"access_token", outcome.access_token},
                                           {"token_type", "bearer"},
                                           {"scope", outcome.scope}};
                    if (outcome.expires_in_s) body["expires_in"] = *outcome.expires_in_s;
                    return call->reply(oauth_json(http::status::ok, body, call->record.request_id));
                }
                case TokenResult::invalid_client:
                    return token_error(call, "invalid_client", outcome.description);
                case TokenResult::invalid_grant:
                    return token_error(call, "invalid_grant", outcome.description);
                case TokenResult::unavailable:
                    break;
            }
            token_error(call, "temporarily_unavailable", outcome.description,
                        http::status::service_unavailable);
        }));
}

}  // namespace creditgate
