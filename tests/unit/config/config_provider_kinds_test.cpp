// A provider's kind, how its key is sent, and what it adds to every request: extra headers
// and query parameters, validated with the JSON path of the offending field.
#include <gtest/gtest.h>

#include <string>

#include "config_test_support.hpp"
#include "creditgate/config/config.hpp"

namespace creditgate {
namespace {

using config_test::base_config;
using config_test::parse;
using nlohmann::json;

json& openai(json& d) {
    return d["providers"]["openai"];
}

void expect_error(const json& document, const std::string& path, const std::string& part) {
    try {
        parse(document);
        ADD_FAILURE() << "expected a ConfigError for " << document.dump();
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.json_path(), path) << e.what();
        EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
}

TEST(ConfigProviderKinds, OpenAiWithABearerTokenIsTheDefault) {
    const auto config = parse(base_config());
    const auto& provider = config.providers.at("openai");
    EXPECT_EQ(provider.kind, ProviderKind::openai);
    EXPECT_EQ(provider.auth, ProviderAuth::bearer);
    EXPECT_TRUE(provider.anthropic_version.empty());
    EXPECT_TRUE(provider.headers.empty());
    EXPECT_TRUE(provider.query.empty());
}

TEST(ConfigProviderKinds, AnthropicSendsXApiKeyAndADefaultVersion) {
    json d = base_config();
    d["providers"]["claude"] = {{"kind", "anthropic"},
                                {"base_url", "https://api.anthropic.com"},
                                {"api_key_env", "MOCK_UPSTREAM_KEY"}};
    auto provider = parse(d).providers.at("claude");
    EXPECT_EQ(provider.kind, ProviderKind::anthropic);
    EXPECT_EQ(provider.auth, ProviderAuth::x_api_key_header);
    EXPECT_EQ(provider.anthropic_version, "2023-06-01");
    EXPECT_EQ(provider.base_path, "");

    d["providers"]["claude"]["anthropic_version"] = "2024-01-01";
    EXPECT_EQ(parse(d).providers.at("claude").anthropic_version, "2024-01-01");
}

TEST(ConfigProviderKinds, AzureStyleApiKeyWithQueryAndHeaders) {
    json d = base_config();
    openai(d)["auth"] = "api-key";
    openai(d)["query"] = {{"api-version", "2024-10-21"}, {"x", "a b&c"}};
    openai(d)["headers"] = {{"X-Portkey-Provider", "azure"}};
    const auto provider = parse(d).providers.at("openai");
    EXPECT_EQ(provider.auth, ProviderAuth::api_key_header);
    EXPECT_EQ(provider.query, "api-version=2024-10-21&x=a%20b%26c");
    ASSERT_EQ(provider.headers.size(), 1u);
    EXPECT_EQ(provider.headers[0].first, "x-portkey-provider");
    EXPECT_EQ(provider.headers[0].second, "azure");
}

TEST(ConfigProviderKinds, BadValuesAreRefusedWithTheirPath) {
    const std::string p = "providers[\"openai\"]";
    json d = base_config();
    openai(d)["kind"] = "gemini";
    expect_error(d, p + ".kind", "\"anthropic\"");

    d = base_config();
    openai(d)["auth"] = "basic";
    expect_error(d, p + ".auth", "\"api-key\"");

    d = base_config();
    openai(d)["anthropic_version"] = "2023-06-01";
    expect_error(d, p + ".anthropic_version", "only for a provider of kind");

    d = base_config();
    openai(d)["base_url"] = "https://x.openai.azure.com/openai?api-version=1";
    expect_error(d, p + ".base_url", "\"query\"");
}

TEST(ConfigProviderKinds, ExtraHeadersCannotOverrideCredentialsOrFraming) {
    const std::string p = "providers[\"openai\"].headers";
    for (const char* name : {"authorization", "x-api-key", "api-key", "host", "connection",
                             "transfer-encoding", "content-length", "anthropic-version"}) {
        json d = base_config();
        openai(d)["headers"] = {{name, "v"}};
        expect_error(d, p + "[\"" + name + "\"]", "cannot be set here");
    }
    json d = base_config();
    openai(d)["headers"] = {{"x-ok", "line\r\nx-evil: 1"}};
    expect_error(d, p + "[\"x-ok\"]", "control characters");

    d = base_config();
    openai(d)["headers"] = {{"bad name", "v"}};
    expect_error(d, p + "[\"bad name\"]", "HTTP header name");

    d = base_config();
    openai(d)["headers"] = {{"x-n", 5}};
    expect_error(d, p + "[\"x-n\"]", "string");
}

TEST(ConfigProviderKinds, QueryValuesMustBeStringsWithoutControlCharacters) {
    const std::string p = "providers[\"openai\"].query";
    json d = base_config();
    openai(d)["query"] = {{"api-version", 2024}};
    expect_error(d, p + "[\"api-version\"]", "string");
    d = base_config();
    openai(d)["query"] = {{"v", "a\nb"}};
    expect_error(d, p + "[\"v\"]", "control characters");
    d = base_config();
    openai(d)["query"] = json::array();
    expect_error(d, p, "object");
}

}  // namespace
}  // namespace creditgate
