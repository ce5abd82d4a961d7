#include "creditgate/proxy/header_policy.hpp"

#include <algorithm>
#include <array>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/range/iterator_range.hpp>

#include "creditgate/config/forward_headers.hpp"

namespace creditgate {

namespace http = boost::beast::http;
using boost::beast::iequals;

namespace {

// The request headers of the OpenAI API that do not change who pays or what is billed.
// openai-organization and openai-project are left out on purpose: with the operator's key they
// would let a client pick which of the operator's organisations or projects is billed.
constexpr std::array<std::string_view, 4> kOpenAiShapeHeaders = {
    "accept",
    "content-type",
    "user-agent",
    "openai-beta",
};
// The official SDKs' telemetry (x-stainless-lang, -retry-count, -timeout, ...).
constexpr std::string_view kOpenAiShapePrefix = "x-stainless-";

constexpr std::array<std::string_view, 3> kResponseAllowed = {
    "content-type",
    "openai-processing-ms",
    "openai-version",
};

bool listed(std::span<const std::string_view> names, std::string_view name) {
    return std::any_of(names.begin(), names.end(),
                       [&](std::string_view listed_name) { return iequals(listed_name, name); });
}

// Headers the client named in its Connection header are hop-by-hop too (RFC 9110 7.6.1).
bool named_in_connection(const http::fields& from, std::string_view name) {
    for (const auto& value :
         boost::make_iterator_range(from.equal_range(http::field::connection))) {
        for (const auto token : http::token_list{value.value()}) {
            if (iequals(token, name)) return true;
        }
    }
    return false;
}

}  // namespace

bool is_openai_shape_header(std::string_view name) {
    return listed(kOpenAiShapeHeaders, name) ||
           (name.size() > kOpenAiShapePrefix.size() &&
            iequals(name.substr(0, kOpenAiShapePrefix.size()), kOpenAiShapePrefix));
}

void copy_request_headers(const http::fields& from, http::fields& to,
                          std::span<const std::string> forward_headers) {
    const bool has_connection = from.find(http::field::connection) != from.end();
    for (const auto& field : from) {
        const auto name = field.name_string();
        const bool allowed =
            is_openai_shape_header(name) ||
            std::any_of(forward_headers.begin(), forward_headers.end(),
                        [&](const std::string& extra) { return iequals(extra, name); });
        if (!allowed || is_never_forwarded_header(name)) continue;
        if (has_connection && named_in_connection(from, name)) continue;
        to.insert(name, field.value());
    }
    // We parse the reply for usage: it must not be compressed.
    to.set(http::field::accept_encoding, "identity");
}

void copy_response_headers(const http::fields& from, http::fields& to) {
    for (const auto& field : from) {
        const auto name = field.name_string();
        if (listed(kResponseAllowed, name)) {
            to.set(name, field.value());
        } else if (iequals(name, "retry-after")) {
            to.set(http::field::retry_after, field.value());
        } else if (iequals(name, "x-request-id") || iequals(name, "request-id")) {
            // OpenAI's and Anthropic's names for the provider's own id.
            to.set("x-upstream-request-id", field.value());
        }
    }
}

}  // namespace creditgate
