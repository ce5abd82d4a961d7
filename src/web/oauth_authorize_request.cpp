#include "oauth_authorize_request.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <boost/url/url.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "creditgate/web/pkce.hpp"

namespace creditgate {

namespace {

ApiError page_error(std::string message) {
    return api_error(ErrorCode::invalid_request, std::move(message));
}

bool registered(const OAuthClientRecord& client, const std::string& redirect_uri) {
    const auto uris = nlohmann::json::parse(client.redirect_uris_json, nullptr, false);
    if (!uris.is_array()) return false;
    // Exactly: no prefix, no wildcard, no normalisation (RFC 9700 §4.1.3).
    return std::any_of(uris.begin(), uris.end(), [&](const nlohmann::json& uri) {
        return uri.is_string() && uri.get<std::string>() == redirect_uri;
    });
}

}  // namespace

std::variant<AuthorizeRequest, ApiError> read_authorize_request(const FormFields& fields) {
    for (const char* name : {"client_id", "redirect_uri"}) {
        if (fields.count(name) != 1 || fields.value_or_empty(name).empty()) {
            return page_error(std::string("This authorization request is broken: '") + name +
                              "' must be given once. Go back to the app and try again.");
        }
    }
    return AuthorizeRequest{fields.value_or_empty("client_id"),
                            fields.value_or_empty("redirect_uri"),
                            fields.value_or_empty("response_type"),
                            fields.value_or_empty("code_challenge"),
                            fields.value_or_empty("code_challenge_method"),
                            fields.get("state"),
                            fields.value_or_empty("scope")};
}

std::string redirect_with(
    const AuthorizeRequest& request,
    std::initializer_list<std::pair<std::string_view, std::string_view>> params) {
    boost::urls::url url(request.redirect_uri);  // registered, so it parses
    // Everything but unreserved characters escaped: a '+' left bare would read as a space.
    auto append = [&url](std::string_view key, std::string_view value) {
        using boost::urls::encode;
        using boost::urls::unreserved_chars;
        url.encoded_params().append(
            {boost::urls::pct_string_view(encode(key, unreserved_chars)),
             boost::urls::pct_string_view(encode(value, unreserved_chars))});
    };
    for (const auto& [key, value] : params) append(key, value);
    if (request.state) append("state", *request.state);
    return std::string(url.buffer());
}

std::variant<ValidAuthorization, AuthorizeRedirect, ApiError> check_authorize_request(
    const AuthorizeRequest& request, const FormFields& fields,
    const std::optional<OAuthClientRecord>& client) {
    if (!client) {
        return page_error(
            "No app is registered under this client_id. Go back to the app: "
            "its link to this page is wrong.");
    }
    if (!registered(*client, request.redirect_uri)) {
        return page_error("The redirect_uri is not one registered for " + client->name +
                          ", so this page will not send you back to it.");
    }
    auto back = [&](std::string_view error, std::string_view description) {
        return AuthorizeRedirect{
            redirect_with(request, {{"error", error}, {"error_description", description}})};
    };
    for (const char* name :
         {"response_type", "code_challenge", "code_challenge_method", "state", "scope"}) {
        if (fields.count(name) > 1) {
            return back("invalid_request", std::string("'") + name + "' is given more than once");
        }
    }
    if (request.response_type.empty()) return back("invalid_request", "response_type is missing");
    if (request.response_type != "code") {
        return back("unsupported_response_type", "only response_type=code is supported");
    }
    if (request.code_challenge_method != "S256") {
        return back("invalid_request", "code_challenge_method must be S256 (plain is refused)");
    }
    if (!valid_code_challenge(request.code_challenge)) {
        return back("invalid_request",
                    "code_challenge must be the 43-character base64url SHA-256 of the verifier");
    }
    auto proposed = parse_oauth_scope(request.scope);
    if (auto* error = std::get_if<OAuthScopeError>(&proposed)) {
        return back("invalid_scope", "'" + error->term + "': " + error->message);
    }
    return ValidAuthorization{request, *client, std::get<OAuthScope>(std::move(proposed))};
}

}  // namespace creditgate
