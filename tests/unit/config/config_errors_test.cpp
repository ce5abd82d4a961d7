// Every invalid config is rejected with the JSON path of the offending field and a message
// saying what was expected. One row per rule; the row's name says which.
#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <string>

#include "config_test_support.hpp"
#include "creditgate/config/config.hpp"

namespace creditgate {
namespace {

using config_test::base_config;
using config_test::base_env;
using config_test::env_from;
using nlohmann::json;

using Env = std::map<std::string, std::string>;

struct ErrorCase {
    const char* name;
    std::function<void(json&)> edit_config;
    std::function<void(Env&)> edit_env;
    std::string json_path;
    std::string message_part;
};

// gtest prints the row's name instead of its bytes when a case fails.
void PrintTo(const ErrorCase& c, std::ostream* os) {
    *os << c.name;
}

ErrorCase row(const char* name, std::function<void(json&)> edit, std::string path,
              std::string message) {
    return ErrorCase{name, std::move(edit), [](Env&) {}, std::move(path), std::move(message)};
}

ErrorCase env_row(const char* name, std::function<void(Env&)> edit, std::string path,
                  std::string message) {
    return ErrorCase{name, [](json&) {}, std::move(edit), std::move(path), std::move(message)};
}

json& mini(json& d) {
    return d["models"]["gpt-4o-mini"];
}
json& openai(json& d) {
    return d["providers"]["openai"];
}

const std::vector<ErrorCase>& error_cases() {
    static const std::vector<ErrorCase> cases = {
        // Unknown fields, at every level.
        row(
            "MistypedTopLevelFieldIsRejectedWithASuggestion",
            [](json& d) { d["limts"] = json::object(); }, "limts",
            "unknown field \"limts\" (did you mean \"limits\"?)"),
        row(
            "ExposeCostIsHeadersOrUsage", [](json& d) { d["expose_cost"] = "body"; }, "expose_cost",
            "must be \"headers\" or \"usage\""),
        row(
            "MistypedFieldIsRejectedWithItsPath",
            [](json& d) {
                mini(d)["inptu"] = mini(d)["input"];
                mini(d).erase("input");
            },
            "models[\"gpt-4o-mini\"].inptu", "did you mean \"input\"?"),
        row(
            "MistypedProviderFieldIsRejectedWithItsPath",
            [](json& d) { openai(d)["api_key"] = "sk-inline"; }, "providers[\"openai\"].api_key",
            "unknown field"),
        row(
            "MistypedAdminFieldIsRejected", [](json& d) { d["admin"]["token"] = "x"; },
            "admin.token", "unknown field"),
        row(
            "MistypedLimitsFieldIsRejected", [](json& d) { d["limits"]["max_body_size"] = 1; },
            "limits.max_body_size", "allowed fields: max_body_bytes"),
        row(
            "MistypedMarkupFieldIsRejected", [](json& d) { d["markup"]["percnt"] = "10"; },
            "markup.percnt", "did you mean \"percent\"?"),
        row(
            "UnknownDatabaseFieldIsRejected", [](json& d) { d["database"]["postgres"] = "x"; },
            "database.postgres", "unknown field"),
        row(
            "TopLevelMustBeAnObject", [](json& d) { d = json::array(); }, "",
            "expected an object, got an array"),

        // listen
        row(
            "MissingListenIsRejected", [](json& d) { d.erase("listen"); }, "listen",
            "missing required field"),
        row(
            "ListenMustBeAString", [](json& d) { d["listen"] = 8080; }, "listen",
            "expected a string, got an integer"),
        row(
            "ListenWithoutPortIsRejected", [](json& d) { d["listen"] = "127.0.0.1"; }, "listen",
            "expected \"host:port\""),
        row(
            "ListenWithEmptyPortIsRejected", [](json& d) { d["listen"] = "127.0.0.1:"; }, "listen",
            "port must be a number from 0 to 65535"),
        row(
            "ListenPortAbove65535IsRejected", [](json& d) { d["listen"] = "127.0.0.1:65536"; },
            "listen", "port must be a number from 0 to 65535"),
        row(
            "ListenNonNumericPortIsRejected", [](json& d) { d["listen"] = "127.0.0.1:http"; },
            "listen", "port must be a number"),
        row(
            "ListenHostNameIsRejected", [](json& d) { d["listen"] = "example.com:8080"; }, "listen",
            "must be an IP address or localhost"),
        row(
            "ListenWithoutHostIsRejected", [](json& d) { d["listen"] = ":8080"; }, "listen",
            "expected \"host:port\""),
        row(
            "ListenIpv6WithoutBracketsIsRejected", [](json& d) { d["listen"] = "::1:8080"; },
            "listen", "needs brackets"),
        row(
            "ListenInvalidIpv6IsRejected", [](json& d) { d["listen"] = "[::g]:8080"; }, "listen",
            "is not an IPv6 address"),
        row(
            "ListenIpv4InBracketsIsRejected", [](json& d) { d["listen"] = "[127.0.0.1]:8080"; },
            "listen", "is not an IPv6 address"),

        // admin
        row(
            "MissingAdminIsRejected", [](json& d) { d.erase("admin"); }, "admin",
            "missing required field"),
        row(
            "AdminMustBeAnObject", [](json& d) { d["admin"] = "127.0.0.1:8081"; }, "admin",
            "expected an object, got a string"),
        row(
            "MissingAdminListenIsRejected", [](json& d) { d["admin"].erase("listen"); },
            "admin.listen", "missing required field"),
        row(
            "InvalidAdminListenIsRejected", [](json& d) { d["admin"]["listen"] = "localhost"; },
            "admin.listen", "expected \"host:port\""),
        row(
            "AdminListenOnTheSameAddressIsRejected",
            [](json& d) { d["admin"]["listen"] = "127.0.0.1:8080"; }, "admin.listen",
            "must not use the same address and port as listen"),
        row(
            "AdminListenOnAWildcardOfTheSamePortIsRejected",
            [](json& d) { d["admin"]["listen"] = "0.0.0.0:8080"; }, "admin.listen",
            "must not use the same address and port"),
        row(
            "MissingAdminTokenEnvIsRejected", [](json& d) { d["admin"].erase("token_env"); },
            "admin.token_env", "missing required field"),
        row(
            "AdminTokenEnvMustNameAVariable", [](json& d) { d["admin"]["token_env"] = "MY TOKEN"; },
            "admin.token_env", "expected the name of an environment variable"),
        env_row(
            "UnsetAdminTokenVariableIsRejected", [](Env& e) { e.erase("CREDITGATE_ADMIN_TOKEN"); },
            "admin.token_env", "the environment variable CREDITGATE_ADMIN_TOKEN is not set"),
        env_row(
            "EmptyAdminTokenVariableIsRejected", [](Env& e) { e["CREDITGATE_ADMIN_TOKEN"] = ""; },
            "admin.token_env", "CREDITGATE_ADMIN_TOKEN is not set"),
        env_row(
            "ShortAdminTokenIsRejected",
            [](Env& e) { e["CREDITGATE_ADMIN_TOKEN"] = "fifteen-chars!!"; }, "admin.token_env",
            "must be at least 16 characters"),
        env_row(
            "AdminTokenWithANewlineIsRejected",
            [](Env& e) { e["CREDITGATE_ADMIN_TOKEN"] = "0123456789abcdef\n"; }, "admin.token_env",
            "contains control characters"),

        // database, threads
        row(
            "DatabaseMustBeAnObject", [](json& d) { d["database"] = "var/x.db"; }, "database",
            "expected an object"),
        row(
            "EmptySqlitePathIsRejected", [](json& d) { d["database"]["sqlite"] = ""; },
            "database.sqlite", "must not be empty"),
        row(
            "SqlitePathMustBeAString", [](json& d) { d["database"]["sqlite"] = 1; },
            "database.sqlite", "expected a string"),
        row(
            "NegativeThreadsAreRejected", [](json& d) { d["threads"] = -1; }, "threads",
            "expected an integer from 0 to 256, got -1"),
        row(
            "TooManyThreadsAreRejected", [](json& d) { d["threads"] = 257; }, "threads",
            "expected an integer from 0 to 256, got 257"),
        row(
            "FractionalThreadsAreRejected", [](json& d) { d["threads"] = 2.5; }, "threads",
            "got a fractional number"),
        row(
            "ThreadsAsAStringAreRejected", [](json& d) { d["threads"] = "4"; }, "threads",
            "got a string"),

        // limits
        row(
            "ZeroBodyLimitIsRejected", [](json& d) { d["limits"]["max_body_bytes"] = 0; },
            "limits.max_body_bytes", "expected an integer from 1 to 1073741824, got 0"),
        row(
            "HugeBodyLimitIsRejected",
            [](json& d) { d["limits"]["max_body_bytes"] = 18446744073709551615ull; },
            "limits.max_body_bytes", "got 18446744073709551615"),
        row(
            "TimeoutAboveAnHourIsRejected",
            [](json& d) { d["limits"]["upstream_first_byte_ms"] = 3'600'001; },
            "limits.upstream_first_byte_ms", "expected an integer from 1 to 3600000"),
        row(
            "TimeoutAsAStringIsRejected", [](json& d) { d["limits"]["client_idle_ms"] = "60000"; },
            "limits.client_idle_ms", "got a string"),
        row(
            "NegativeShutdownGraceIsRejected",
            [](json& d) { d["limits"]["shutdown_grace_ms"] = -5; }, "limits.shutdown_grace_ms",
            "got -5"),
        row(
            "LimitsMustBeAnObject", [](json& d) { d["limits"] = json::array(); }, "limits",
            "expected an object, got an array"),

        // markup
        row(
            "MarkupPercentAsANumberIsRejected", [](json& d) { d["markup"]["percent"] = 10; },
            "markup.percent",
            "expected a decimal string like \"10\" (a JSON string, not a number)"),
        row(
            "NegativeMarkupIsRejected", [](json& d) { d["markup"]["percent"] = "-5"; },
            "markup.percent", "must not be negative"),
        row(
            "MarkupAbove1000PercentIsRejected", [](json& d) { d["markup"]["percent"] = "1000.5"; },
            "markup.percent", "must be at most \"1000\""),
        row(
            "MalformedFixedMarkupIsRejected", [](json& d) { d["markup"]["fixed"] = "0.01 "; },
            "markup.fixed", "expected a decimal string like"),

        // providers
        row(
            "MissingProvidersAreRejected", [](json& d) { d.erase("providers"); }, "providers",
            "missing required field"),
        row(
            "EmptyProvidersAreRejected", [](json& d) { d["providers"] = json::object(); },
            "providers", "at least one provider is required"),
        row(
            "ProviderEntryMustBeAnObject", [](json& d) { openai(d) = "https://api.openai.com"; },
            "providers[\"openai\"]", "expected an object, got a string"),
        row(
            "ProviderNameWithASpaceIsRejected",
            [](json& d) { d["providers"]["open ai"] = openai(d); }, "providers[\"open ai\"]",
            "a provider name must be 1 to 64 characters"),
        row(
            "MissingBaseUrlIsRejected", [](json& d) { openai(d).erase("base_url"); },
            "providers[\"openai\"].base_url", "missing required field"),
        row(
            "RelativeBaseUrlIsRejected",
            [](json& d) { openai(d)["base_url"] = "api.openai.com/v1"; },
            "providers[\"openai\"].base_url", "expected an http or https URL"),
        row(
            "FtpBaseUrlIsRejected", [](json& d) { openai(d)["base_url"] = "ftp://example.com/v1"; },
            "providers[\"openai\"].base_url", "scheme must be http or https, got \"ftp\""),
        row(
            "BaseUrlWithoutHostIsRejected", [](json& d) { openai(d)["base_url"] = "https:///v1"; },
            "providers[\"openai\"].base_url", "the host is missing"),
        row(
            "BaseUrlWithQueryIsRejected",
            [](json& d) { openai(d)["base_url"] = "https://api.openai.com/v1?x=1"; },
            "providers[\"openai\"].base_url", "must not contain a query"),
        row(
            "BaseUrlWithFragmentIsRejected",
            [](json& d) { openai(d)["base_url"] = "https://api.openai.com/v1#top"; },
            "providers[\"openai\"].base_url", "must not contain a fragment"),
        row(
            "BaseUrlWithUserInfoIsRejected",
            [](json& d) { openai(d)["base_url"] = "https://user:sk-secret@api.openai.com/v1"; },
            "providers[\"openai\"].base_url", "must not contain user info"),
        row(
            "BaseUrlWithPortZeroIsRejected",
            [](json& d) { openai(d)["base_url"] = "https://api.openai.com:0/v1"; },
            "providers[\"openai\"].base_url", "port must be a number from 1 to 65535"),
        row(
            "BaseUrlWithPortAbove65535IsRejected",
            [](json& d) { openai(d)["base_url"] = "https://api.openai.com:65536/v1"; },
            "providers[\"openai\"].base_url", "port must be a number from 1 to 65535"),
        row(
            "BaseUrlWithEmptyPortIsRejected",
            [](json& d) { openai(d)["base_url"] = "https://api.openai.com:/v1"; },
            "providers[\"openai\"].base_url", "port must be a number from 1 to 65535"),
        env_row(
            "MissingProviderKeyVariableNamesTheField", [](Env& e) { e.erase("OPENAI_API_KEY"); },
            "providers[\"openai\"].api_key_env",
            "the environment variable OPENAI_API_KEY is not set"),
        env_row(
            "EmptyProviderKeyVariableIsRejected", [](Env& e) { e["OPENAI_API_KEY"] = ""; },
            "providers[\"openai\"].api_key_env", "OPENAI_API_KEY is not set"),
        env_row(
            "ProviderKeyWithATrailingNewlineIsRejected",
            [](Env& e) { e["OPENAI_API_KEY"] = "sk-test\n"; }, "providers[\"openai\"].api_key_env",
            "contains control characters"),
        row(
            "ProviderKeyEnvMustNameAVariable", [](json& d) { openai(d)["api_key_env"] = "sk-abc"; },
            "providers[\"openai\"].api_key_env", "expected the name of an environment variable"),
        row(
            "UnreadableCaFileIsRejected",
            [](json& d) { openai(d)["ca_file"] = "/nonexistent/creditgate/ca.pem"; },
            "providers[\"openai\"].ca_file", "cannot read the CA file"),
        row(
            "DirectoryAsCaFileIsRejected", [](json& d) { openai(d)["ca_file"] = "/"; },
            "providers[\"openai\"].ca_file", "cannot read the CA file"),

        // models
        row(
            "MissingModelsAreRejected", [](json& d) { d.erase("models"); }, "models",
            "missing required field"),
        row(
            "EmptyModelsAreRejected", [](json& d) { d["models"] = json::object(); }, "models",
            "at least one model is required"),
        row(
            "ModelEntryMustBeAnObject", [](json& d) { mini(d) = json::array(); },
            "models[\"gpt-4o-mini\"]", "expected an object, got an array"),
        row(
            "EmptyModelNameIsRejected", [](json& d) { d["models"][""] = mini(d); }, "models[\"\"]",
            "a model name must be 1 to 256 characters"),
        row(
            "ModelNameLongerThan256IsRejected",
            [](json& d) { d["models"][std::string(257, 'm')] = mini(d); },
            "models[\"" + std::string(257, 'm') + "\"]",
            "a model name must be 1 to 256 characters"),
        row(
            "ModelWithUnknownProviderIsRejected", [](json& d) { mini(d)["provider"] = "azure"; },
            "models[\"gpt-4o-mini\"].provider", "unknown provider \"azure\""),
        row(
            "ModelWithoutProviderIsRejected", [](json& d) { mini(d).erase("provider"); },
            "models[\"gpt-4o-mini\"].provider", "missing required field"),
        row(
            "EmptyUpstreamModelIsRejected", [](json& d) { mini(d)["upstream_model"] = ""; },
            "models[\"gpt-4o-mini\"].upstream_model", "must not be empty"),
        row(
            "PriceWithACommaIsRejected", [](json& d) { mini(d)["input"] = "2,50"; },
            "models[\"gpt-4o-mini\"].input", "expected a decimal string like \"2.50\""),
        row(
            "PriceAsAJsonNumberIsRejected", [](json& d) { mini(d)["input"] = 0.15; },
            "models[\"gpt-4o-mini\"].input", "a JSON string, not a number"),
        row(
            "NegativePriceIsRejected", [](json& d) { mini(d)["output"] = "-0.60"; },
            "models[\"gpt-4o-mini\"].output", "must not be negative"),
        row(
            "PriceFinerThanANanoCreditIsRejected",
            [](json& d) { mini(d)["cached_input"] = "0.0000000001"; },
            "models[\"gpt-4o-mini\"].cached_input", "at most 9 decimal places"),
        row(
            "PriceWithAnExponentIsRejected", [](json& d) { mini(d)["input"] = "1e3"; },
            "models[\"gpt-4o-mini\"].input", "expected a decimal string"),
        row(
            "PriceTooLargeForInt64IsRejected", [](json& d) { mini(d)["input"] = "10000000000"; },
            "models[\"gpt-4o-mini\"].input", "expected a decimal string"),
        row(
            "MissingInputPriceIsRejected", [](json& d) { mini(d).erase("input"); },
            "models[\"gpt-4o-mini\"].input", "missing required field"),
        row(
            "MissingOutputPriceIsRejected", [](json& d) { mini(d).erase("output"); },
            "models[\"gpt-4o-mini\"].output", "missing required field"),
        row(
            "MissingMaxOutputTokensIsRejected", [](json& d) { mini(d).erase("max_output_tokens"); },
            "models[\"gpt-4o-mini\"].max_output_tokens", "missing required field"),
        row(
            "ZeroMaxOutputTokensIsRejected", [](json& d) { mini(d)["max_output_tokens"] = 0; },
            "models[\"gpt-4o-mini\"].max_output_tokens", "expected an integer from 1 to"),
        row(
            "FractionalMaxOutputTokensIsRejected",
            [](json& d) { mini(d)["max_output_tokens"] = 100.5; },
            "models[\"gpt-4o-mini\"].max_output_tokens", "got a fractional number"),
        row(
            "ModelNameWithAQuoteIsEscapedInThePath",
            [](json& d) {
                d["models"]["we\"ird"] = mini(d);
                d["models"]["we\"ird"]["output"] = "x";
            },
            "models[\"we\\\"ird\"].output", "expected a decimal string"),
    };
    return cases;
}

class ConfigRejects : public testing::TestWithParam<ErrorCase> {};

TEST_P(ConfigRejects, WithThePathOfTheOffendingField) {
    const ErrorCase& c = GetParam();
    json document = base_config();
    c.edit_config(document);
    Env env = base_env();
    c.edit_env(env);
    try {
        parse_config(document.dump(), env_from(env));
        FAIL() << "expected ConfigError at " << c.json_path;
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.json_path(), c.json_path) << e.what();
        EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos)
            << "message: " << e.what() << "\nexpected to contain: " << c.message_part;
        const std::string prefix = c.json_path.empty() ? "" : c.json_path + ": ";
        EXPECT_EQ(std::string(e.what()).rfind(prefix, 0), 0u) << e.what();
    }
}

INSTANTIATE_TEST_SUITE_P(Config, ConfigRejects, testing::ValuesIn(error_cases()),
                         [](const testing::TestParamInfo<ErrorCase>& param_info) {
                             return std::string(param_info.param.name);
                         });

ConfigError parse_error_of(const std::string& text, Env env = base_env()) {
    try {
        parse_config(text, env_from(std::move(env)));
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "expected ConfigError for: " << text;
    return ConfigError("<none>", "<none>");
}

TEST(ConfigRejectsText, MalformedJsonReportsTheBytePositionWithAnEmptyPath) {
    const ConfigError error = parse_error_of("{\n  \"listen\": \"127.0.0.1:8080\",,\n}");
    EXPECT_EQ(error.json_path(), "");
    const std::string message = error.what();
    // Byte 32 (1-based) is the second comma.
    EXPECT_NE(message.find("invalid JSON at byte 32"), std::string::npos) << message;
    EXPECT_NE(message.find("line 2"), std::string::npos) << message;
}

TEST(ConfigRejectsText, EmptyTextIsMalformedJson) {
    const ConfigError error = parse_error_of("");
    EXPECT_EQ(error.json_path(), "");
    EXPECT_NE(std::string(error.what()).find("invalid JSON"), std::string::npos);
}

TEST(ConfigRejectsText, UnterminatedCommentIsMalformedJson) {
    const ConfigError error = parse_error_of(base_config().dump() + " /* not closed");
    EXPECT_EQ(error.json_path(), "");
    EXPECT_NE(std::string(error.what()).find("invalid JSON"), std::string::npos);
}

TEST(ConfigRejectsText, DuplicateModelIsRejectedRatherThanLastOneWinning) {
    std::string text = base_config().dump();
    const std::string entry =
        R"("gpt-4o-mini":{"provider":"openai","input":"9","output":"9","max_output_tokens":1},)";
    text.insert(text.find("\"models\":{") + 10, entry);
    const ConfigError error = parse_error_of(text);
    EXPECT_EQ(error.json_path(), "models[\"gpt-4o-mini\"]");
    EXPECT_NE(std::string(error.what()).find("duplicate field"), std::string::npos);
}

TEST(ConfigRejectsText, DuplicateNestedFieldIsRejectedWithItsPath) {
    const std::string text =
        R"({"listen":"127.0.0.1:8080","markup":{"percent":"10","percent":"1"}})";
    const ConfigError error = parse_error_of(text);
    EXPECT_EQ(error.json_path(), "markup.percent");
}

TEST(ConfigRejectsText, ErrorsNeverEchoSecrets) {
    Env env = base_env();
    env["CREDITGATE_ADMIN_TOKEN"] = "short-secret";
    EXPECT_EQ(std::string(parse_error_of(base_config().dump(), env).what()).find("short-secret"),
              std::string::npos);

    json document = base_config();
    document["providers"]["openai"]["base_url"] = "https://user:sk-secret@api.openai.com/v1";
    EXPECT_EQ(std::string(parse_error_of(document.dump()).what()).find("sk-secret"),
              std::string::npos);
    document["providers"]["openai"]["base_url"] = "https://user:sk-secret@api openai.com/v1";
    EXPECT_EQ(std::string(parse_error_of(document.dump()).what()).find("sk-secret"),
              std::string::npos);
}

}  // namespace
}  // namespace creditgate
