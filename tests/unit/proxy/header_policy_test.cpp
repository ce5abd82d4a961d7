#include "creditgate/proxy/header_policy.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace creditgate {
namespace {

namespace http = boost::beast::http;

http::fields forwarded(const http::fields& from, const std::vector<std::string>& extras = {}) {
    http::fields to;
    copy_request_headers(from, to, extras);
    return to;
}

TEST(HeaderPolicy, OpenAiShapeHeadersAreForwarded) {
    http::fields from;
    from.set("Accept", "application/json");
    from.set("User-Agent", "OpenAI/Python 1.50.0");
    from.set("OpenAI-Beta", "assistants=v2");
    from.set("X-Stainless-Retry-Count", "0");
    from.set("x-stainless-lang", "python");
    const auto to = forwarded(from);
    EXPECT_EQ(to["accept"], "application/json");
    EXPECT_EQ(to["user-agent"], "OpenAI/Python 1.50.0");
    EXPECT_EQ(to["openai-beta"], "assistants=v2");
    EXPECT_EQ(to["x-stainless-retry-count"], "0");
    EXPECT_EQ(to["x-stainless-lang"], "python");
}

TEST(HeaderPolicy, UnknownHeadersAreNotForwarded) {
    http::fields from;
    from.set("x-goog-api-key", "AIza-secret");
    from.set("x-custom-trace", "abc");
    from.set("x-stainless-", "a prefix alone is not a header of the shape");
    const auto to = forwarded(from);
    EXPECT_EQ(to.find("x-goog-api-key"), to.end());
    EXPECT_EQ(to.find("x-custom-trace"), to.end());
    EXPECT_EQ(to.find("x-stainless-"), to.end());
}

TEST(HeaderPolicy, CredentialsAndOrganisationNeverCross) {
    http::fields from;
    from.set(http::field::authorization, "Bearer cg-secret");
    from.set("api-key", "azure-secret");
    from.set("x-api-key", "anthropic-secret");
    from.set(http::field::cookie, "session=1");
    from.set("openai-organization", "org-someone-else");
    from.set("openai-project", "proj-someone-else");
    // Even when an operator lists them: they carry the caller's credential or pick who pays.
    const auto to = forwarded(from, {"authorization", "cookie", "openai-organization"});
    for (const char* name : {"authorization", "api-key", "x-api-key", "cookie",
                             "openai-organization", "openai-project"}) {
        EXPECT_EQ(to.find(name), to.end()) << name;
    }
}

TEST(HeaderPolicy, ConfiguredExtraHeadersAreForwardedCaseInsensitively) {
    http::fields from;
    from.set("X-Portkey-Trace", "t-1");
    from.set("x-other", "no");
    const auto to = forwarded(from, {"x-portkey-trace"});
    EXPECT_EQ(to["x-portkey-trace"], "t-1");
    EXPECT_EQ(to.find("x-other"), to.end());
}

TEST(HeaderPolicy, AcceptEncodingIsAlwaysIdentity) {
    http::fields from;
    from.set(http::field::accept_encoding, "gzip, br");
    EXPECT_EQ(forwarded(from)[http::field::accept_encoding], "identity");
    EXPECT_EQ(forwarded(http::fields{})[http::field::accept_encoding], "identity");
}

TEST(HeaderPolicy, HeadersNamedInConnectionAreHopByHop) {
    http::fields from;
    from.set(http::field::connection, "keep-alive, X-Stainless-Lang ,x-extra");
    from.set("x-stainless-lang", "python");
    from.set("x-stainless-os", "Linux");
    from.set("x-extra", "1");
    const auto to = forwarded(from, {"x-extra"});
    EXPECT_EQ(to.find("x-stainless-lang"), to.end());
    EXPECT_EQ(to.find("x-extra"), to.end());
    EXPECT_EQ(to["x-stainless-os"], "Linux");
    EXPECT_EQ(to.find(http::field::connection), to.end());
}

TEST(HeaderPolicy, RepeatedAllowedHeadersKeepEveryValue) {
    http::fields from;
    from.insert("openai-beta", "a=1");
    from.insert("openai-beta", "b=2");
    const auto to = forwarded(from);
    EXPECT_EQ(
        std::distance(to.equal_range("openai-beta").first, to.equal_range("openai-beta").second),
        2);
}

TEST(HeaderPolicy, RepliesKeepOnlyTheShortAllowList) {
    http::fields from;
    from.set(http::field::content_type, "text/event-stream");
    from.set("openai-organization", "org-operator");
    from.set("x-ratelimit-remaining-tokens", "100");
    from.set(http::field::set_cookie, "a=b");
    from.set("x-request-id", "req_1");
    http::fields to;
    copy_response_headers(from, to);
    EXPECT_EQ(to[http::field::content_type], "text/event-stream");
    EXPECT_EQ(to["x-upstream-request-id"], "req_1");
    EXPECT_EQ(to.find("openai-organization"), to.end());
    EXPECT_EQ(to.find("x-ratelimit-remaining-tokens"), to.end());
    EXPECT_EQ(to.find(http::field::set_cookie), to.end());
}

}  // namespace
}  // namespace creditgate
