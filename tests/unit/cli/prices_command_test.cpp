// `creditgate prices import --from litellm ...`: what an operator gets on stdout loads in the
// config as it is, everything left out is said on stderr, and bad input exits 2 printing nothing.
#include "creditgate/cli/prices_command.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "../config/config_test_support.hpp"
#include "creditgate/config/config.hpp"

namespace creditgate {
namespace {

using nlohmann::json;

struct Result {
    int code;
    std::string out;
    std::string err;
};

Result run(const std::vector<std::string>& args) {
    std::ostringstream out;
    std::ostringstream err;
    const int code = run_prices_command(args, out, err);
    return {code, out.str(), err.str()};
}

std::string fixture(const std::string& name) {
    return (std::filesystem::path(CREDITGATE_SOURCE_DIR) / "tests/fixtures/litellm" / name)
        .string();
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// A config holding `models`, with a provider for every provider name they use.
json config_with(const json& models) {
    json config = config_test::base_config();
    config["providers"] = json::object();
    for (const auto& [name, model] : models.items()) {
        config["providers"][model["provider"].get<std::string>()] = {
            {"base_url", "http://127.0.0.1:18090/v1"}};
    }
    config["models"] = models;
    return config;
}

// Whether today's config parser knows a model field (cache_write and reasoning are being added
// next to this change).
TEST(CliPricesImport, PrintsTheEntriesOnStdoutAndEveryOneLeftOutOnStderr) {
    const auto r = run({"import", "--from", "litellm", fixture("model_prices_excerpt.json")});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out), json::parse(std::ifstream(fixture("expected_models.json"))));
    EXPECT_TRUE(r.out.starts_with("{\n  \"claude-3-5-haiku-20241022\": {\n    \"cache_write\""))
        << "pretty-printed with sorted keys:\n"
        << r.out;
    EXPECT_TRUE(contains(r.err,
                         "skipped dall-e-3: mode \"image_generation\" is not priced per "
                         "token"))
        << r.err;
    EXPECT_TRUE(contains(r.err,
                         "skipped deepinfra/float-noise-example: input_cost_per_token "
                         "1.7999999999999999e-06 needs more than 9 decimal places"))
        << r.err;
    EXPECT_TRUE(contains(r.err,
                         "warning: claude-opus-4-1-20250805: "
                         "cache_creation_input_token_cost_above_1hr"))
        << r.err;
    EXPECT_TRUE(contains(r.err, "no --provider, so each entry's provider is its litellm_provider"))
        << r.err;
    EXPECT_TRUE(contains(r.err, "10 models imported, 8 skipped\n")) << r.err;
}

TEST(CliPricesImport, ImportedEntriesWithoutTheNewPriceClassesLoadInTheConfigExactly) {
    const auto r = run({"import", "--from", "litellm", fixture("model_prices_excerpt.json")});
    ASSERT_EQ(r.code, 0) << r.err;
    const json imported = json::parse(r.out);
    json models = json::object();
    for (const auto& [name, model] : imported.items()) {
        if (!model.contains("cache_write") && !model.contains("reasoning")) models[name] = model;
    }
    ASSERT_GE(models.size(), 6u);
    const Config config = config_test::parse(config_with(models));
    ASSERT_EQ(config.models.size(), models.size());

    const ModelConfig& mini = config.models.at("gpt-4o-mini");
    EXPECT_EQ(mini.provider, "openai");
    EXPECT_EQ(mini.upstream_model, "gpt-4o-mini");
    EXPECT_EQ(mini.price.input_nanos_per_mtok, 150'000'000);        // 1.5e-07 per token
    EXPECT_EQ(mini.price.cached_input_nanos_per_mtok, 75'000'000);  // 7.5e-08
    EXPECT_EQ(mini.price.output_nanos_per_mtok, 600'000'000);       // 6e-07
    EXPECT_EQ(mini.max_output_tokens, 16384);

    const ModelConfig& groq = config.models.at("groq/llama-3.1-8b-instant");
    EXPECT_EQ(groq.provider, "groq");
    EXPECT_EQ(groq.upstream_model, "llama-3.1-8b-instant");
    EXPECT_EQ(groq.price.input_nanos_per_mtok, 50'000'000);  // 5e-08
    EXPECT_EQ(groq.price.cached_input_nanos_per_mtok, 50'000'000) << "defaults to input";

    const ModelConfig& gpt4 = config.models.at("gpt-4");  // written 0.00006 in the file
    EXPECT_EQ(gpt4.price.output_nanos_per_mtok, 60'000'000'000);

    const ModelConfig& embedding = config.models.at("text-embedding-3-small");
    EXPECT_EQ(embedding.price.input_nanos_per_mtok, 20'000'000);
    EXPECT_EQ(embedding.price.output_nanos_per_mtok, 0);
    EXPECT_EQ(embedding.max_output_tokens, 1);
}

TEST(CliPricesImport, EveryImportedEntryLoadsInTheConfig) {
    const auto r = run({"import", "--from", "litellm", fixture("model_prices_excerpt.json")});
    ASSERT_EQ(r.code, 0) << r.err;
    const json models = json::parse(r.out);
    const Config config = config_test::parse(config_with(models));
    EXPECT_EQ(config.models.size(), models.size());
    EXPECT_EQ(config.models.at("claude-opus-4-1-20250805").price.cache_write_nanos_per_mtok,
              18'750'000'000);
    EXPECT_EQ(
        config.models.at("gemini/gemini-2.5-flash-preview-04-17").price.reasoning_nanos_per_mtok,
        3'500'000'000);
}

TEST(CliPricesImport, ProviderOptionNamesOurProviderOnEveryEntry) {
    const auto r =
        run({"import", "--from", "litellm", "--provider", "primary", "--models",
             "gpt-4o-mini,groq/llama-3.1-8b-instant", fixture("model_prices_excerpt.json")});
    ASSERT_EQ(r.code, 0) << r.err;
    const json models = json::parse(r.out);
    ASSERT_EQ(models.size(), 2u);
    EXPECT_EQ(models["gpt-4o-mini"]["provider"], "primary");
    EXPECT_EQ(models["groq/llama-3.1-8b-instant"]["provider"], "primary");
    // No note about provider names, and models not asked for are not reported.
    EXPECT_EQ(r.err, "creditgate: prices import: 2 models imported, 0 skipped\n");
}

TEST(CliPricesImport, SelectedModelsMissingOrNotImportableExitTwoNamingEachAndPrintNothing) {
    const auto r = run({"import", "--from", "litellm", "--models", "gpt-4o-mini,gpt-9,dall-e-3",
                        fixture("model_prices_excerpt.json")});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_TRUE(contains(r.err, "gpt-9: no such model in the file")) << r.err;
    EXPECT_TRUE(contains(r.err, "dall-e-3: mode \"image_generation\"")) << r.err;
    EXPECT_FALSE(contains(r.err, "gpt-4o-mini")) << r.err;
}

class CliPricesImportFiles : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("creditgate-prices-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& text) const {
        const std::string path = (dir_ / name).string();
        std::ofstream(path) << text;
        return path;
    }

    std::filesystem::path dir_;
};

TEST_F(CliPricesImportFiles, InputErrorsExitTwoWithTheReasonAndPrintNothing) {
    const struct {
        std::string file;
        std::string message;
    } cases[] = {
        {(dir_ / "missing.json").string(), "cannot read"},
        {write("bad.json", R"({"m": {"input_cost_per_token": 1e-06,}})"), "not valid JSON at byte"},
        {write("array.json", "[]"), "the top level is not a JSON object of models"},
        {write("images.json", R"({"dall-e-3": {"mode": "image_generation"}})"), "no model in"},
    };
    for (const auto& c : cases) {
        const auto r = run({"import", "--from", "litellm", c.file});
        EXPECT_EQ(r.code, 2) << c.file;
        EXPECT_EQ(r.out, "") << c.file;
        EXPECT_TRUE(contains(r.err, c.message)) << c.file << ": " << r.err;
    }
}

TEST(CliPricesImport, UsageErrorsExitTwoWithUsageAndPrintNothing) {
    const std::string file = fixture("model_prices_excerpt.json");
    const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
        {{}, "missing subcommand"},
        {{"export", "--from", "litellm", file}, "unknown subcommand 'export'"},
        {{"import", file}, "--from is required"},
        {{"import", "--from", "openrouter", file}, "unknown --from 'openrouter'"},
        {{"import", "--from", "litellm"}, "missing FILE"},
        {{"import", "--from", "litellm", file, file}, "expected one FILE"},
        {{"import", "--from", "litellm", "--provider"}, "--provider needs a value"},
        {{"import", "--from", "litellm", "--provider", "", file}, "--provider needs a provider"},
        {{"import", "--from", "litellm", "--provider", "a", "--provider", "b", file},
         "--provider given twice"},
        {{"import", "--from", "litellm", "--models", "a,,b", file}, "--models takes model names"},
        {{"import", "--from", "litellm", "--models", "", file}, "--models takes model names"},
        {{"import", "--from", "litellm", "--force", file}, "unknown option '--force'"},
    };
    for (const auto& [args, message] : cases) {
        const auto r = run(args);
        EXPECT_EQ(r.code, 2) << ::testing::PrintToString(args);
        EXPECT_EQ(r.out, "") << ::testing::PrintToString(args);
        EXPECT_TRUE(contains(r.err, message)) << ::testing::PrintToString(args) << ": " << r.err;
        EXPECT_TRUE(contains(r.err, "Usage:\n  creditgate prices import")) << r.err;
    }
}

TEST(CliPricesImport, HelpExitsZeroWithUsageOnStdout) {
    const auto r = run({"--help"});
    EXPECT_EQ(r.code, 0);
    EXPECT_TRUE(contains(r.out, "creditgate prices import --from litellm FILE")) << r.out;
    EXPECT_EQ(r.err, "");
}

}  // namespace
}  // namespace creditgate
