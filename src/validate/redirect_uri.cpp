#include "creditgate/validate/redirect_uri.hpp"

#include <boost/url/parse.hpp>

namespace creditgate {

std::optional<std::string> redirect_uri_problem(std::string_view uri) {
    if (uri.size() > kMaxRedirectUriChars) {
        return "at most " + std::to_string(kMaxRedirectUriChars) + " characters";
    }
    auto url = boost::urls::parse_absolute_uri(uri);
    if (!url) return "not an absolute URI without a fragment";
    if (url->has_userinfo()) return "must not hold user info";
    if (url->encoded_host().empty()) return "must name a host";
    const auto scheme = url->scheme_id();
    if (scheme == boost::urls::scheme::https) return std::nullopt;
    if (scheme == boost::urls::scheme::http) {
        const auto host = url->encoded_host();  // an IPv6 literal with its brackets
        if (host == "localhost" || host == "127.0.0.1" || host == "[::1]") return std::nullopt;
        return "http is allowed only to localhost, 127.0.0.1 or [::1]; use https";
    }
    return "must be https (or http to localhost)";
}

}  // namespace creditgate
