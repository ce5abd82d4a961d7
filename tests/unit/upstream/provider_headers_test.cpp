// What every upstream request carries from its provider's config: the credentials in the header
// its `auth` names (never the caller's), anthropic-version, extra headers, and the query.
#include <gtest/gtest.h>

#include "creditgate/upstream/upstream_call.hpp"

namespace creditgate {
namespace {

ProviderConfig provider(ProviderAuth auth) {
    ProviderConfig p;
    p.name = std::string("p");
    p.scheme = std::string("https");
    p.host = std::string("api.example.com");
    p.port = 443;
    p.base_path = std::string("/v1");
    p.api_key = std::string("provider-key");
    p.auth = auth;
    return p;
}

UpstreamRequest with_client_credentials() {
    UpstreamRequest request;
    request.set(http::field::authorization, "Bearer cg-client");
    request.set("x-api-key", "cg-client");
    request.set("api-key", "cg-client");
    request.set("x-extra", "from-client");
    return request;
}

TEST(ProviderHeaders, TheKeyGoesInTheHeaderAuthNamesAndTheCallersNeverStays) {
    auto bearer = with_client_credentials();
    set_provider_headers(provider(ProviderAuth::bearer), bearer);
    EXPECT_EQ(bearer[http::field::authorization], "Bearer provider-key");
    EXPECT_EQ(bearer.count("x-api-key"), 0u);
    EXPECT_EQ(bearer.count("api-key"), 0u);

    auto azure = with_client_credentials();
    set_provider_headers(provider(ProviderAuth::api_key_header), azure);
    EXPECT_EQ(azure["api-key"], "provider-key");
    EXPECT_EQ(azure.count(http::field::authorization), 0u);
    EXPECT_EQ(azure.count("x-api-key"), 0u);

    auto anthropic = with_client_credentials();
    auto claude = provider(ProviderAuth::x_api_key_header);
    claude.anthropic_version = std::string("2023-06-01");
    set_provider_headers(claude, anthropic);
    EXPECT_EQ(anthropic["x-api-key"], "provider-key");
    EXPECT_EQ(anthropic["anthropic-version"], "2023-06-01");
    EXPECT_EQ(anthropic.count(http::field::authorization), 0u);
}

TEST(ProviderHeaders, ExtraHeadersReplaceForwardedOnesAndTheQueryIsAppended) {
    auto p = provider(ProviderAuth::bearer);
    p.headers = {{"x-extra", "from-config"}};
    auto request = with_client_credentials();
    set_provider_headers(p, request);
    EXPECT_EQ(request["x-extra"], "from-config");
    EXPECT_EQ(request.count("x-extra"), 1u);

    EXPECT_EQ(upstream_target(p, "/chat/completions"), "/v1/chat/completions");
    p.query = std::string("api-version=2024-10-21");
    EXPECT_EQ(upstream_target(p, "/chat/completions"),
              "/v1/chat/completions?api-version=2024-10-21");
}

}  // namespace
}  // namespace creditgate
