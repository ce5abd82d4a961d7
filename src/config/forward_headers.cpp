#include "creditgate/config/forward_headers.hpp"

#include <algorithm>
#include <array>

#include <boost/beast/core/string.hpp>

namespace creditgate {

namespace {

constexpr std::array<std::string_view, 21> kNeverForwarded = {
    "authorization",
    "proxy-authorization",
    "api-key",
    "x-api-key",
    "cookie",
    "host",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "accept-encoding",
    "expect",
    "openai-organization",
    "openai-project",
    "x-request-id",
    "forwarded",
    "anthropic-version",  // set from the provider's anthropic_version
};

}  // namespace

bool is_never_forwarded_header(std::string_view name) {
    return std::any_of(kNeverForwarded.begin(), kNeverForwarded.end(),
                       [&](std::string_view never) { return boost::beast::iequals(never, name); });
}

}  // namespace creditgate
