// models[…].tokenizer: which BPE counts a model's prompt for its hold.
#include <gtest/gtest.h>

#include "config_test_support.hpp"
#include "creditgate/config/config.hpp"

namespace creditgate {
namespace {

using config_test::base_config;
using config_test::parse;
using nlohmann::json;

TEST(ConfigTokenizer, AbsentPicksTheEncodingOfTheUpstreamModelsFamily) {
    const Config config = parse(base_config());
    // gpt-4o-mini is sent upstream as gpt-4o-mini-2024-07-18; local-llama is no OpenAI family.
    EXPECT_EQ(config.models.at("gpt-4o-mini").tokenizer, EncodingName::o200k_base);
    EXPECT_EQ(config.models.at("local-llama").tokenizer, std::nullopt);
}

TEST(ConfigTokenizer, AnExplicitChoiceWins) {
    json document = base_config();
    document["models"]["gpt-4o-mini"]["tokenizer"] = "bytes";
    document["models"]["local-llama"]["tokenizer"] = "cl100k_base";
    const Config config = parse(document);
    EXPECT_EQ(config.models.at("gpt-4o-mini").tokenizer, std::nullopt);
    EXPECT_EQ(config.models.at("local-llama").tokenizer, EncodingName::cl100k_base);
}

TEST(ConfigTokenizer, AnUnknownNameIsRefusedWithItsPath) {
    json document = base_config();
    document["models"]["gpt-4o-mini"]["tokenizer"] = "p50k_base";
    try {
        parse(document);
        FAIL() << "expected a ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.json_path(), R"(models["gpt-4o-mini"].tokenizer)");
        EXPECT_NE(std::string(error.what()).find("o200k_base"), std::string::npos) << error.what();
    }
}

}  // namespace
}  // namespace creditgate
