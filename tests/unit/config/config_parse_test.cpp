// What a valid config turns into: exact prices, defaults, listen addresses, provider URLs,
// and the price-table version.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <ostream>
#include <thread>

#include "config_test_support.hpp"
#include "creditgate/config/config.hpp"

namespace creditgate {
namespace {

using config_test::base_config;
using config_test::base_env;
using config_test::env_from;
using config_test::parse;
using nlohmann::json;

TEST(ConfigParse, FullConfigParsesWithExactPrices) {
    const Config config = parse(base_config());

    EXPECT_EQ(config.listen.host, "127.0.0.1");
    EXPECT_EQ(config.listen.port, 8080);
    EXPECT_EQ(config.admin_listen.host, "127.0.0.1");
    EXPECT_EQ(config.admin_listen.port, 8081);
    ASSERT_EQ(config.admin_tokens.size(), 1u);
    EXPECT_EQ(config.admin_tokens[0].name, "admin");
    EXPECT_EQ(config.admin_tokens[0].token, config_test::kAdminToken);
    EXPECT_EQ(config.sqlite_path, "var/test.db");
    EXPECT_EQ(config.threads, 4);

    EXPECT_EQ(config.limits.max_body_bytes, 1048576u);
    EXPECT_EQ(config.limits.upstream_connect_ms, 1000);
    EXPECT_EQ(config.limits.upstream_first_byte_ms, 2000);
    EXPECT_EQ(config.limits.upstream_idle_ms, 3000);
    EXPECT_EQ(config.limits.client_idle_ms, 4000);
    EXPECT_EQ(config.limits.max_upstream_body_bytes, 2097152u);
    EXPECT_EQ(config.limits.shutdown_grace_ms, 5000);

    EXPECT_EQ(config.markup.percent_nanos, 10'000'000'000);
    EXPECT_EQ(config.markup.fixed_nanos, 1'000'000);

    ASSERT_EQ(config.providers.size(), 2u);
    const ProviderConfig& openai = config.providers.at("openai");
    EXPECT_EQ(openai.name, "openai");
    EXPECT_EQ(openai.scheme, "https");
    EXPECT_EQ(openai.host, "api.openai.com");
    EXPECT_EQ(openai.port, 443);
    EXPECT_EQ(openai.base_path, "/v1");
    EXPECT_EQ(openai.api_key, config_test::kOpenAiKey);
    EXPECT_EQ(openai.ca_file, "");

    ASSERT_EQ(config.models.size(), 2u);
    const ModelConfig& mini = config.models.at("gpt-4o-mini");
    EXPECT_EQ(mini.name, "gpt-4o-mini");
    EXPECT_EQ(mini.provider, "openai");
    EXPECT_EQ(mini.upstream_model, "gpt-4o-mini-2024-07-18");
    EXPECT_EQ(mini.price.input_nanos_per_mtok, 150'000'000);
    EXPECT_EQ(mini.price.cached_input_nanos_per_mtok, 75'000'000);
    EXPECT_EQ(mini.price.output_nanos_per_mtok, 600'000'000);
    EXPECT_EQ(mini.max_output_tokens, 16384);

    const ModelConfig& llama = config.models.at("local-llama");
    EXPECT_EQ(llama.price.input_nanos_per_mtok, 0);
    EXPECT_EQ(llama.price.output_nanos_per_mtok, 1);

    EXPECT_EQ(config.price_version.size(), 12u);
    EXPECT_EQ(config.price_version.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(ConfigParse, CommentsAreAccepted) {
    const std::string text = R"(// creditgate test config
    {
      /* public endpoint */ "listen": "127.0.0.1:8080", // trailing comment
      "admin": { "listen": "127.0.0.1:8081", "token_env": "CREDITGATE_ADMIN_TOKEN" },
      "providers": { "openai": { "base_url": "https://api.openai.com/v1" } },
      "models": {
        // per million tokens
        "m": { "provider": "openai", "input": "1", "output": "2", "max_output_tokens": 10 }
      }
    })";
    const Config config = parse_config(text, env_from(base_env()));
    EXPECT_EQ(config.models.at("m").price.output_nanos_per_mtok, 2'000'000'000);
}

TEST(ConfigParse, OptionalSectionsTakeTheirDefaults) {
    json document = base_config();
    for (const char* section : {"database", "threads", "limits", "markup"}) document.erase(section);
    document["providers"]["openai"].erase("api_key_env");
    document["models"]["gpt-4o-mini"].erase("upstream_model");
    document["models"]["gpt-4o-mini"].erase("cached_input");

    const Config config = parse(document);
    const Limits defaults;
    EXPECT_EQ(config.sqlite_path, "var/creditgate.db");
    const unsigned cores = std::thread::hardware_concurrency();
    EXPECT_EQ(config.threads, static_cast<int>(cores == 0 ? 1 : std::min(cores, 256u)));
    EXPECT_EQ(config.limits.max_body_bytes, defaults.max_body_bytes);
    EXPECT_EQ(config.limits.upstream_connect_ms, defaults.upstream_connect_ms);
    EXPECT_EQ(config.limits.upstream_first_byte_ms, defaults.upstream_first_byte_ms);
    EXPECT_EQ(config.limits.upstream_idle_ms, defaults.upstream_idle_ms);
    EXPECT_EQ(config.limits.client_idle_ms, defaults.client_idle_ms);
    EXPECT_EQ(config.limits.max_upstream_body_bytes, defaults.max_upstream_body_bytes);
    EXPECT_EQ(config.limits.shutdown_grace_ms, defaults.shutdown_grace_ms);
    EXPECT_EQ(config.markup.percent_nanos, 0);
    EXPECT_EQ(config.markup.fixed_nanos, 0);
    EXPECT_EQ(config.expose_cost, CostExposure::headers);
    EXPECT_EQ(config.providers.at("openai").api_key, "");

    const ModelConfig& mini = config.models.at("gpt-4o-mini");
    EXPECT_EQ(mini.upstream_model, "gpt-4o-mini");
    EXPECT_EQ(mini.price.cached_input_nanos_per_mtok, mini.price.input_nanos_per_mtok);
}

TEST(ConfigParse, ExposeCostUsageAddsTheCostToUsageObjects) {
    json document = base_config();
    document["expose_cost"] = "usage";
    EXPECT_EQ(parse(document).expose_cost, CostExposure::usage);
    document["expose_cost"] = "headers";
    EXPECT_EQ(parse(document).expose_cost, CostExposure::headers);
}

TEST(ConfigParse, ByokNamesTheMasterKeyFileAndModelsMayBeByokOnly) {
    json document = base_config();
    EXPECT_EQ(parse(document).byok_master_key_file, "");
    EXPECT_FALSE(parse(document).models.at("gpt-4o-mini").byok_only);
    document["byok"] = {{"master_key_file", "/etc/creditgate/byok-master.key"}};
    document["models"]["gpt-4o-mini"]["byok_only"] = true;
    const auto config = parse(document);
    EXPECT_EQ(config.byok_master_key_file, "/etc/creditgate/byok-master.key");
    EXPECT_TRUE(config.models.at("gpt-4o-mini").byok_only);
}

TEST(ConfigParse, PublicUrlIsAnHttpOriginWithoutPath) {
    json document = base_config();
    EXPECT_EQ(parse(document).public_url, "");
    document["public_url"] = "https://api.example.com/";
    EXPECT_EQ(parse(document).public_url, "https://api.example.com");
    document["public_url"] = "http://127.0.0.1:8080";
    EXPECT_EQ(parse(document).public_url, "http://127.0.0.1:8080");
    for (const char* bad : {"api.example.com", "ftp://api.example.com", "https://a.example/v1",
                            "https://a.example?x=1", "https://user@a.example", ""}) {
        document["public_url"] = bad;
        try {
            parse(document);
            ADD_FAILURE() << bad << ": accepted";
        } catch (const ConfigError& e) {
            EXPECT_EQ(e.json_path(), "public_url") << bad;
        }
    }
}

TEST(ConfigParse, ByokMistakesNameTheirField) {
    struct Case {
        const char* why;
        std::function<void(json&)> edit;
        const char* path;
    };
    const Case cases[] = {
        {"no file", [](json& d) { d["byok"] = json::object(); }, "byok.master_key_file"},
        {"empty file",
         [](json& d) {
             d["byok"] = {{"master_key_file", ""}};
         },
         "byok.master_key_file"},
        {"a typo",
         [](json& d) {
             d["byok"] = {{"master_key", "k"}};
         },
         "byok.master_key"},
        {"byok_only a string", [](json& d) { d["models"]["gpt-4o-mini"]["byok_only"] = "yes"; },
         "models[\"gpt-4o-mini\"].byok_only"},
    };
    for (const auto& c : cases) {
        json document = base_config();
        c.edit(document);
        try {
            parse(document);
            ADD_FAILURE() << c.why << ": accepted";
        } catch (const ConfigError& e) {
            EXPECT_EQ(e.json_path(), c.path) << c.why << ": " << e.what();
        }
    }
}

TEST(ConfigParse, EmptyOptionalObjectsTakeTheirDefaults) {
    json document = base_config();
    document["database"] = json::object();
    document["limits"] = json::object();
    document["markup"] = json::object();
    const Config config = parse(document);
    EXPECT_EQ(config.sqlite_path, "var/creditgate.db");
    EXPECT_EQ(config.limits.max_body_bytes, Limits{}.max_body_bytes);
    EXPECT_EQ(config.markup.percent_nanos, 0);
}

TEST(ConfigParse, ZeroThreadsMeansOnePerCoreAndAtLeastOne) {
    json document = base_config();
    document["threads"] = 0;
    const Config config = parse(document);
    EXPECT_GE(config.threads, 1);
    EXPECT_LE(config.threads, 256);
}

TEST(ConfigParse, FractionalMarkupPercentIsExact) {
    json document = base_config();
    document["markup"]["percent"] = "12.5";
    EXPECT_EQ(parse(document).markup.percent_nanos, 12'500'000'000);
}

struct ListenCase {
    const char* name;
    const char* text;
    const char* host;
    std::uint16_t port;
};

void PrintTo(const ListenCase& c, std::ostream* os) {
    *os << c.name;
}

class ConfigListenAddress : public testing::TestWithParam<ListenCase> {};

TEST_P(ConfigListenAddress, IsSplitIntoHostAndPort) {
    json document = base_config();
    document["listen"] = GetParam().text;
    const Config config = parse(document);
    EXPECT_EQ(config.listen.host, GetParam().host);
    EXPECT_EQ(config.listen.port, GetParam().port);
}

INSTANTIATE_TEST_SUITE_P(
    Config, ConfigListenAddress,
    testing::Values(ListenCase{"Ipv4Loopback", "127.0.0.1:8080", "127.0.0.1", 8080},
                    ListenCase{"Ipv6InBracketsIsStoredWithoutThem", "[::1]:9000", "::1", 9000},
                    ListenCase{"LocalhostWithPortZeroForTests", "localhost:0", "localhost", 0},
                    ListenCase{"WildcardWithHighestPort", "0.0.0.0:65535", "0.0.0.0", 65535},
                    ListenCase{"Ipv6Wildcard", "[::]:8443", "::", 8443}),
    [](const testing::TestParamInfo<ListenCase>& param_info) {
        return std::string(param_info.param.name);
    });

struct BaseUrlCase {
    const char* name;
    const char* url;
    const char* scheme;
    const char* host;
    std::uint16_t port;
    const char* base_path;
};

void PrintTo(const BaseUrlCase& c, std::ostream* os) {
    *os << c.name;
}

class ConfigProviderBaseUrl : public testing::TestWithParam<BaseUrlCase> {};

TEST_P(ConfigProviderBaseUrl, IsSplitIntoSchemeHostPortAndPath) {
    json document = base_config();
    document["providers"]["openai"]["base_url"] = GetParam().url;
    const ProviderConfig provider = parse(document).providers.at("openai");
    EXPECT_EQ(provider.scheme, GetParam().scheme);
    EXPECT_EQ(provider.host, GetParam().host);
    EXPECT_EQ(provider.port, GetParam().port);
    EXPECT_EQ(provider.base_path, GetParam().base_path);
}

INSTANTIATE_TEST_SUITE_P(
    Config, ConfigProviderBaseUrl,
    testing::Values(BaseUrlCase{"HttpsDefaultsToPort443", "https://api.openai.com/v1", "https",
                                "api.openai.com", 443, "/v1"},
                    BaseUrlCase{"HttpDefaultsToPort80", "http://upstream.internal/v1", "http",
                                "upstream.internal", 80, "/v1"},
                    BaseUrlCase{"ExplicitPortAndTrailingSlash", "http://127.0.0.1:18090/v1/",
                                "http", "127.0.0.1", 18090, "/v1"},
                    BaseUrlCase{"NoPathGivesEmptyBasePath", "https://api.example.com", "https",
                                "api.example.com", 443, ""},
                    BaseUrlCase{"RootPathGivesEmptyBasePath", "https://api.example.com/", "https",
                                "api.example.com", 443, ""},
                    BaseUrlCase{"HostIsLowercased", "HTTPS://API.Example.COM/v1", "https",
                                "api.example.com", 443, "/v1"},
                    BaseUrlCase{"Ipv6HostIsStoredWithoutBrackets", "http://[::1]:8000/openai/v1",
                                "http", "::1", 8000, "/openai/v1"}),
    [](const testing::TestParamInfo<BaseUrlCase>& param_info) {
        return std::string(param_info.param.name);
    });

TEST(ConfigParse, ReadableCaFileIsAccepted) {
    const std::string path = testing::TempDir() + "config_parse_test_ca.pem";
    {
        std::FILE* file = std::fopen(path.c_str(), "w");
        ASSERT_NE(file, nullptr);
        std::fputs("-----BEGIN CERTIFICATE-----\n", file);
        std::fclose(file);
    }
    json document = base_config();
    document["providers"]["openai"]["ca_file"] = path;
    EXPECT_EQ(parse(document).providers.at("openai").ca_file, path);
    std::remove(path.c_str());
}

TEST(ConfigPriceVersion, SamePricesGiveTheSameVersion) {
    EXPECT_EQ(parse(base_config()).price_version, parse(base_config()).price_version);
}

TEST(ConfigPriceVersion, EquivalentDecimalSpellingsGiveTheSameVersion) {
    json document = base_config();
    document["models"]["gpt-4o-mini"]["input"] = "0.150000";
    document["markup"]["percent"] = "10.0";
    EXPECT_EQ(parse(document).price_version, parse(base_config()).price_version);
}

TEST(ConfigPriceVersion, SettingsOtherThanPricesDoNotChangeIt) {
    json document = base_config();
    document["listen"] = "127.0.0.1:9999";
    document["limits"]["max_body_bytes"] = 12345;
    document["threads"] = 2;
    EXPECT_EQ(parse(document).price_version, parse(base_config()).price_version);
}

struct PriceChange {
    const char* name;
    void (*apply)(json&);
};

void PrintTo(const PriceChange& c, std::ostream* os) {
    *os << c.name;
}

class ConfigPriceVersionChanges : public testing::TestWithParam<PriceChange> {};

TEST_P(ConfigPriceVersionChanges, WhenAPriceChanges) {
    json document = base_config();
    GetParam().apply(document);
    EXPECT_NE(parse(document).price_version, parse(base_config()).price_version);
}

INSTANTIATE_TEST_SUITE_P(
    Config, ConfigPriceVersionChanges,
    testing::Values(
        PriceChange{"InputPrice", [](json& d) { d["models"]["gpt-4o-mini"]["input"] = "0.16"; }},
        PriceChange{"CachedInputPrice",
                    [](json& d) { d["models"]["gpt-4o-mini"]["cached_input"] = "0.08"; }},
        PriceChange{"OutputPrice",
                    [](json& d) { d["models"]["gpt-4o-mini"]["output"] = "0.600000001"; }},
        PriceChange{"MarkupPercent", [](json& d) { d["markup"]["percent"] = "11"; }},
        PriceChange{"MarkupFixed", [](json& d) { d["markup"]["fixed"] = "0"; }},
        PriceChange{"ModelAdded",
                    [](json& d) {
                        d["models"]["new-model"] = {{"provider", "openai"},
                                                    {"input", "1"},
                                                    {"output", "1"},
                                                    {"max_output_tokens", 1}};
                    }},
        PriceChange{"ModelRemoved", [](json& d) { d["models"].erase("local-llama"); }},
        PriceChange{"ModelRenamed",
                    [](json& d) {
                        d["models"]["renamed"] = d["models"]["local-llama"];
                        d["models"].erase("local-llama");
                    }}),
    [](const testing::TestParamInfo<PriceChange>& param_info) {
        return std::string(param_info.param.name);
    });

}  // namespace
}  // namespace creditgate
