#pragma once
// Internal to web: the parameters of an authorization request (RFC 6749 §4.1.1 with PKCE), as
// GET /oauth/authorize gets them in its query and the consent form sends them back hidden, and
// how each kind of fault is answered (§4.1.2.1): an unknown client or a redirect URI not
// registered exactly gets an error page and NO redirect (it could be an open redirector);
// everything else goes back to the app's redirect URI with an error and the state.
#include <optional>
#include <string>
#include <variant>

#include "creditgate/http/api_error.hpp"
#include "creditgate/store/records.hpp"
#include "creditgate/web/form_fields.hpp"
#include "creditgate/web/oauth_scope.hpp"

namespace creditgate {

struct AuthorizeRequest {
    std::string client_id;
    std::string redirect_uri;
    std::string response_type;
    std::string code_challenge;
    std::string code_challenge_method;
    std::optional<std::string> state;  // returned byte for byte; absent stays absent
    std::string scope;
};

// The fields as given; an ApiError (for the error page) when client_id or redirect_uri is
// missing or given twice.
std::variant<AuthorizeRequest, ApiError> read_authorize_request(const FormFields& fields);

// A checked request: the client, and the proposed scope.
struct ValidAuthorization {
    AuthorizeRequest request;
    OAuthClientRecord client;
    OAuthScope proposed;
};
// Where to send the browser back with an error: redirect_uri?error=…&state=…
struct AuthorizeRedirect {
    std::string location;
};

// Checks the request against its client (nullopt: unknown). `fields` is consulted for
// repeated authorization parameters, which are invalid_request (§3.1).
std::variant<ValidAuthorization, AuthorizeRedirect, ApiError> check_authorize_request(
    const AuthorizeRequest& request, const FormFields& fields,
    const std::optional<OAuthClientRecord>& client);

// redirect_uri with these parameters added to its query (and the state, when one was sent).
std::string redirect_with(
    const AuthorizeRequest& request,
    std::initializer_list<std::pair<std::string_view, std::string_view>> params);

}  // namespace creditgate
