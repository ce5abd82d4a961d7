#include "creditgate/proxy/header_policy.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include <boost/range/iterator_range.hpp>

namespace creditgate {

namespace http = boost::beast::http;

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

constexpr std::array<std::string_view, 19> kRequestDenied = {
    "authorization", "proxy-authorization", "api-key",        "x-api-key",        "cookie",
    "host",          "connection",          "keep-alive",     "proxy-connection", "te",
    "trailer",       "transfer-encoding",   "upgrade",        "content-length",   "accept-encoding",
    "expect",        "openai-organization", "openai-project", "x-request-id",
};

constexpr std::array<std::string_view, 3> kResponseAllowed = {
    "content-type",
    "openai-processing-ms",
    "openai-version",
};

// Headers the client named in its Connection header are hop-by-hop too (RFC 9110 7.6.1).
bool named_in_connection(const http::fields& from, std::string_view name) {
    for (const auto& value :
         boost::make_iterator_range(from.equal_range(http::field::connection))) {
        std::string_view tokens = value.value();
        while (!tokens.empty()) {
            auto comma = tokens.find(',');
            auto token = tokens.substr(0, comma);
            while (token.starts_with(' ') || token.starts_with('\t')) token.remove_prefix(1);
            while (token.ends_with(' ') || token.ends_with('\t')) token.remove_suffix(1);
            if (iequals(token, name)) return true;
            if (comma == std::string_view::npos) break;
            tokens.remove_prefix(comma + 1);
        }
    }
    return false;
}

}  // namespace

void copy_request_headers(const http::fields& from, http::fields& to) {
    const bool has_connection = from.find(http::field::connection) != from.end();
    for (const auto& field : from) {
        auto name = field.name_string();
        bool denied = std::any_of(kRequestDenied.begin(), kRequestDenied.end(),
                                  [&](std::string_view d) { return iequals(d, name); }) ||
                      (has_connection && named_in_connection(from, name));
        if (!denied) to.insert(name, field.value());
    }
    // We parse the reply for usage: it must not be compressed.
    to.set(http::field::accept_encoding, "identity");
}

void copy_response_headers(const http::fields& from, http::fields& to) {
    for (const auto& field : from) {
        auto name = field.name_string();
        if (std::any_of(kResponseAllowed.begin(), kResponseAllowed.end(),
                        [&](std::string_view a) { return iequals(a, name); })) {
            to.set(name, field.value());
        } else if (iequals(name, "retry-after")) {
            to.set(http::field::retry_after, field.value());
        } else if (iequals(name, "x-request-id")) {
            to.set("x-upstream-request-id", field.value());
        }
    }
}

}  // namespace creditgate
