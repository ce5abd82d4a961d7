// The shipped example configs parse, and load_config reports unreadable files by name.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "config_test_support.hpp"
#include "creditgate/config/config.hpp"

namespace creditgate {
namespace {

using config_test::base_env;
using config_test::env_from;

// CMake does not pass the source directory; this file sits in tests/unit/config/.
std::string source_file(const char* relative) {
    return (std::filesystem::path(CREDITGATE_SOURCE_DIR) / relative).lexically_normal().string();
}

TEST(ConfigFiles, DemoConfigParsesAndPointsAtTheMockUpstream) {
    const Config config = load_config(source_file("config/demo.json"), env_from(base_env()));
    EXPECT_EQ(config.listen.host, "127.0.0.1");
    EXPECT_EQ(config.listen.port, 8080);
    EXPECT_EQ(config.admin_listen.port, 8081);
    EXPECT_EQ(config.sqlite_path, "var/demo.db");
    EXPECT_EQ(config.markup.percent_nanos, 10'000'000'000);
    EXPECT_EQ(config.markup.fixed_nanos, 0);

    const ProviderConfig& mock = config.providers.at("mock");
    EXPECT_EQ(mock.scheme, "http");
    EXPECT_EQ(mock.host, "127.0.0.1");
    EXPECT_EQ(mock.port, 18090);
    EXPECT_EQ(mock.base_path, "/v1");
    EXPECT_EQ(mock.api_key, "mock-key");

    for (const char* name : {"mock-fixed", "mock-cached", "mock-slow-stream", "mock-no-usage",
                             "mock-cutoff", "mock-error-429", "mock-error-500", "mock-hang"}) {
        SCOPED_TRACE(name);
        ASSERT_TRUE(config.models.contains(name));
        const ModelConfig& model = config.models.at(name);
        EXPECT_EQ(model.provider, "mock");
        EXPECT_EQ(model.upstream_model, name);
        EXPECT_EQ(model.price.input_nanos_per_mtok, 150'000'000);
        EXPECT_EQ(model.price.cached_input_nanos_per_mtok, 75'000'000);
        EXPECT_EQ(model.price.output_nanos_per_mtok, 600'000'000);
        EXPECT_EQ(model.max_output_tokens, 16384);
    }
    EXPECT_EQ(config.models.at("demo-gpt").upstream_model, "mock-fixed");
    // The other APIs: Anthropic messages with cache classes, images priced per image.
    EXPECT_EQ(config.providers.at("mock-anthropic").kind, ProviderKind::anthropic);
    EXPECT_EQ(config.models.at("claude-demo").price.cache_write_nanos_per_mtok, 3'750'000'000);
    EXPECT_EQ(config.models.at("image-demo").image_prices.size(), 2u);
    EXPECT_EQ(config.models.size(), 11u);
}

TEST(ConfigFiles, ProductionExampleParses) {
    const Config config = load_config(source_file("config/creditgate.json"), env_from(base_env()));
    EXPECT_EQ(config.providers.at("openai").host, "api.openai.com");
    EXPECT_EQ(config.providers.at("openai").port, 443);
    EXPECT_EQ(config.providers.at("openai").api_key, config_test::kOpenAiKey);
    EXPECT_EQ(config.markup.percent_nanos, 10'000'000'000);
    EXPECT_EQ(config.models.at("gpt-4o").price.input_nanos_per_mtok, 2'500'000'000);
    EXPECT_EQ(config.models.at("gpt-4o").price.output_nanos_per_mtok, 10'000'000'000);
    EXPECT_GE(config.threads, 1);
}

TEST(ConfigFiles, MissingFileIsAnErrorNamingTheFile) {
    const std::string path = testing::TempDir() + "creditgate-no-such-config.json";
    try {
        load_config(path, env_from(base_env()));
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.json_path(), "");
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos) << e.what();
    }
}

TEST(ConfigFiles, DirectoryIsAnErrorNamingIt) {
    const std::string path = testing::TempDir();
    try {
        load_config(path, env_from(base_env()));
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.json_path(), "");
        EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos) << e.what();
    }
}

TEST(ConfigFiles, MalformedFileReportsTheBytePosition) {
    const std::string path = testing::TempDir() + "creditgate-malformed-config.json";
    std::ofstream(path) << "{ \"listen\": }";
    try {
        load_config(path, env_from(base_env()));
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.json_path(), "");
        const std::string message = e.what();
        EXPECT_EQ(message.rfind("invalid JSON at byte 13", 0), 0u) << message;
    }
    std::remove(path.c_str());
}

TEST(ConfigFiles, FieldErrorsKeepTheirPathWhenLoadedFromAFile) {
    const std::string path = testing::TempDir() + "creditgate-bad-listen-config.json";
    std::ofstream(path) << R"({ "listen": "nowhere" })";
    try {
        load_config(path, env_from(base_env()));
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.json_path(), "listen");
    }
    std::remove(path.c_str());
}

}  // namespace
}  // namespace creditgate
