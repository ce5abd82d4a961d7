#include "creditgate/proxy/header_policy.hpp"

#include <algorithm>
#include <array>
#include <string_view>

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

}  // namespace

void copy_request_headers(const http::fields& from, http::fields& to) {
    for (const auto& field : from) {
        auto name = field.name_string();
        bool denied = std::any_of(kRequestDenied.begin(), kRequestDenied.end(),
                                  [&](std::string_view d) { return iequals(d, name); });
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
