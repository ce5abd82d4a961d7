// import_litellm: LiteLLM's per-token prices become our exact per-1M-token entries; what
// cannot be priced exactly is left out with the reason, and a model asked for by name that
// cannot be delivered is an error.
#include "creditgate/pricing/litellm_import.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace creditgate {
namespace {

using nlohmann::json;

std::string fixture_text(const std::string& name) {
    const auto path =
        std::filesystem::path(CREDITGATE_SOURCE_DIR) / "tests/fixtures/litellm" / name;
    std::ifstream in(path);
    EXPECT_TRUE(in) << "cannot read " << path;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

LiteLlmImport import_fixture(const LiteLlmImportOptions& options = {}) {
    return import_litellm(read_litellm_file(fixture_text("model_prices_excerpt.json")), options);
}

LiteLlmImport import_text(const std::string& text, const LiteLlmImportOptions& options = {}) {
    return import_litellm(read_litellm_file(text), options);
}

// The reason given for leaving `model` out, or "" when it was not left out.
std::string reason_for(const std::vector<std::string>& lines, const std::string& model) {
    for (const std::string& line : lines) {
        if (line.starts_with(model + ": ")) return line.substr(model.size() + 2);
    }
    return "";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(PricingLiteLlmImport, TheFixtureBecomesExactlyTheExpectedEntries) {
    const LiteLlmImport result = import_fixture();
    const json expected = json::parse(fixture_text("expected_models.json"));
    EXPECT_EQ(result.models, expected) << result.models.dump(2);
    EXPECT_TRUE(result.errors.empty());
}

TEST(PricingLiteLlmImport, EveryEntryLeftOutIsNamedWithItsReason) {
    const LiteLlmImport result = import_fixture();
    EXPECT_EQ(result.skipped.size(), 8u);
    EXPECT_TRUE(contains(reason_for(result.skipped, "dall-e-3"),
                         "mode \"image_generation\" is not priced per token"));
    EXPECT_TRUE(contains(reason_for(result.skipped, "1024-x-1024/dall-e-2"), "image_generation"));
    EXPECT_TRUE(contains(reason_for(result.skipped, "whisper-1"), "audio_transcription"));
    EXPECT_TRUE(contains(reason_for(result.skipped, "rerank-english-v3.0"), "\"rerank\""));
    EXPECT_TRUE(contains(reason_for(result.skipped, "sample_spec"), "mode \"one of: chat"));
    EXPECT_EQ(reason_for(result.skipped, "deepinfra/float-noise-example"),
              "input_cost_per_token 1.7999999999999999e-06 needs more than 9 decimal places per "
              "1M tokens (finer than a nano-credit); it is not rounded");
    EXPECT_TRUE(contains(reason_for(result.skipped, "gemini-2.5-pro"),
                         "priced by prompt size (cache_read_input_token_cost_above_200k_tokens)"));
    EXPECT_EQ(reason_for(result.skipped, "together_ai/no-output-bound"),
              "no max_output_tokens or max_tokens: the hold needs an output bound");
}

TEST(PricingLiteLlmImport, AOneHourCacheWritePriceIsImportedWithoutItAndSaidSo) {
    const LiteLlmImport result = import_fixture();
    ASSERT_TRUE(result.models.contains("claude-opus-4-1-20250805"));
    EXPECT_EQ(result.models["claude-opus-4-1-20250805"]["cache_write"], "18.75");
    ASSERT_EQ(result.warnings.size(), 1u);
    EXPECT_EQ(result.warnings[0],
              "claude-opus-4-1-20250805: cache_creation_input_token_cost_above_1hr 3e-05 not "
              "imported: creditgate's cache_write is one price (this entry's 5-minute one), so "
              "1-hour cache writes would be charged at it");
}

TEST(PricingLiteLlmImport, ProviderOptionNamesOurProviderButUpstreamStillDropsLiteLlmsPrefix) {
    const LiteLlmImport result = import_fixture({.provider = "fast", .models = {}});
    for (const auto& [name, model] : result.models.items()) {
        EXPECT_EQ(model["provider"], "fast") << name;
    }
    EXPECT_EQ(result.models["groq/llama-3.1-8b-instant"]["upstream_model"], "llama-3.1-8b-instant");
}

TEST(PricingLiteLlmImport, SelectedModelsOnlyAndNothingElse) {
    const LiteLlmImport result =
        import_fixture({.provider = {}, .models = {"gpt-4o-mini", "gpt-4"}});
    EXPECT_TRUE(result.errors.empty());
    EXPECT_TRUE(result.skipped.empty()) << "models not asked for are not reported";
    ASSERT_EQ(result.models.size(), 2u);
    EXPECT_EQ(result.models["gpt-4o-mini"]["input"], "0.15");
    EXPECT_EQ(result.models["gpt-4"]["output"], "60");
}

TEST(PricingLiteLlmImport, ASelectedModelNotInTheFileIsAnErrorNamingIt) {
    const LiteLlmImport result =
        import_fixture({.provider = {}, .models = {"gpt-4o-mini", "gpt-5"}});
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_EQ(result.errors[0], "gpt-5: no such model in the file");
}

TEST(PricingLiteLlmImport, ASelectedModelThatCannotBeImportedIsAnErrorNotASkip) {
    const LiteLlmImport result = import_fixture({.provider = {}, .models = {"dall-e-3"}});
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_TRUE(result.errors[0].starts_with("dall-e-3: mode \"image_generation\""));
    EXPECT_TRUE(result.skipped.empty());
    EXPECT_TRUE(result.models.empty());
}

struct EntryRow {
    const char* name;
    const char* entry;     // the LiteLLM entry, as JSON text
    const char* expected;  // our entry as JSON text, or the reason it is left out
};

void PrintTo(const EntryRow& row, std::ostream* os) {
    *os << row.name;
}

std::string entry_row_name(const testing::TestParamInfo<EntryRow>& info) {
    return info.param.name;
}

class PricingLiteLlmEntry : public testing::TestWithParam<EntryRow> {};

TEST_P(PricingLiteLlmEntry, Case) {
    const EntryRow& row = GetParam();
    const LiteLlmImport result = import_text(std::string(R"({"m": )") + row.entry + "}");
    if (row.expected[0] == '{') {
        EXPECT_EQ(result.models["m"], json::parse(row.expected)) << result.skipped.size();
    } else {
        EXPECT_EQ(reason_for(result.skipped, "m"), row.expected);
        EXPECT_FALSE(result.models.contains("m"));
    }
}

// The minimal priced chat entry the rows below vary.
#define BASE R"("litellm_provider": "p", "mode": "chat", "max_output_tokens": 100, )"
#define OUT R"({"provider": "p", "upstream_model": "m", "max_output_tokens": 100, )"

INSTANTIATE_TEST_SUITE_P(
    Rows, PricingLiteLlmEntry,
    testing::Values(
        EntryRow{"ReasoningPricedApartIsKept",
                 "{" BASE R"("input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
                             "output_cost_per_reasoning_token": 3e-06})",
                 OUT R"("input": "1", "output": "2", "reasoning": "3"})"},
        EntryRow{"ReasoningEqualToOutputIsLeftOut",
                 "{" BASE R"("input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
                             "output_cost_per_reasoning_token": 0.000002})",
                 OUT R"("input": "1", "output": "2"})"},
        EntryRow{"CacheWriteAndReadAreMapped",
                 "{" BASE R"("input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05,
                             "cache_creation_input_token_cost": 3.75e-06,
                             "cache_read_input_token_cost": 3e-07})",
                 OUT R"("input": "3", "output": "15", "cache_write": "3.75",
                        "cached_input": "0.3"})"},
        EntryRow{"NullOptionalPricesAreAbsent",
                 "{" BASE R"("input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
                             "cache_read_input_token_cost": null,
                             "output_cost_per_reasoning_token": null})",
                 OUT R"("input": "1", "output": "2"})"},
        EntryRow{"IntegerZeroPrice",
                 "{" BASE R"("input_cost_per_token": 0, "output_cost_per_token": 0})",
                 OUT R"("input": "0", "output": "0"})"},
        EntryRow{"NoModeIsAChatModel",
                 R"({"litellm_provider": "p", "max_tokens": 100, "input_cost_per_token": 1e-06,
                     "output_cost_per_token": 2e-06})",
                 OUT R"("input": "1", "output": "2"})"},
        EntryRow{"MaxTokensIsTheFallbackBound",
                 R"({"litellm_provider": "p", "mode": "completion", "max_tokens": 100,
                     "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06})",
                 OUT R"("input": "1", "output": "2"})"},
        EntryRow{"EmbeddingWithoutOutputPriceCostsNothingToOutput",
                 R"({"litellm_provider": "p", "mode": "embedding", "max_tokens": 8191,
                     "input_cost_per_token": 1e-07})",
                 R"({"provider": "p", "upstream_model": "m", "max_output_tokens": 1,
                     "input": "0.1", "output": "0"})"},
        // Left out
        EntryRow{"NoInputPrice", "{" BASE R"("output_cost_per_token": 2e-06})",
                 "no input_cost_per_token: not priced per token"},
        EntryRow{"NoOutputPriceForChat", "{" BASE R"("input_cost_per_token": 2e-06})",
                 "no output_cost_per_token: not priced per token"},
        EntryRow{"PriceAsString",
                 "{" BASE R"("input_cost_per_token": "1e-06", "output_cost_per_token": 2e-06})",
                 "input_cost_per_token: expected a JSON number, got a string"},
        EntryRow{"NegativePrice",
                 "{" BASE R"("input_cost_per_token": 1e-06, "output_cost_per_token": -2e-06})",
                 "output_cost_per_token -2e-06 is negative"},
        EntryRow{"CachedPriceTooPrecise",
                 "{" BASE R"("input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
                             "cache_read_input_token_cost": 1.0000000000000002e-07})",
                 "cache_read_input_token_cost 1.0000000000000002e-07 needs more than 9 decimal "
                 "places per 1M tokens (finer than a nano-credit); it is not rounded"},
        EntryRow{"PriceTooLarge",
                 "{" BASE R"("input_cost_per_token": 1e5, "output_cost_per_token": 2e-06})",
                 "input_cost_per_token 1e5 is too large for a price (at most "
                 "9223372036.854775807 per 1M tokens)"},
        EntryRow{"FractionalMaxOutputTokens",
                 R"({"litellm_provider": "p", "max_output_tokens": 4096.0,
                     "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06})",
                 "max_output_tokens: expected an integer from 1 to 10000000, got 4096.0"},
        EntryRow{"ZeroMaxOutputTokens",
                 R"({"litellm_provider": "p", "max_output_tokens": 0,
                     "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06})",
                 "max_output_tokens: expected an integer from 1 to 10000000, got 0"},
        EntryRow{"MaxOutputTokensAboveTheConfigBound",
                 R"({"litellm_provider": "p", "max_output_tokens": 10000001,
                     "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06})",
                 "max_output_tokens: expected an integer from 1 to 10000000, got 10000001"},
        EntryRow{"MaxOutputTokensAsTextIsNotReplacedByMaxTokens",
                 R"({"litellm_provider": "p", "max_output_tokens": "a lot", "max_tokens": 5,
                     "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06})",
                 "max_output_tokens: expected an integer from 1 to 10000000, got a string"},
        EntryRow{
            "NoProviderAnywhere",
            R"({"max_tokens": 5, "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06})",
            "no litellm_provider to name the provider; pass --provider"},
        EntryRow{"ModeNotAString",
                 R"({"litellm_provider": "p", "mode": 1, "max_tokens": 5,
                     "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06})",
                 "mode: expected a string, got a number"},
        EntryRow{"FieldGivenTwice",
                 "{" BASE R"("input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
                             "mode": "chat"})",
                 "mode: given more than once in the entry"},
        EntryRow{"OutputPriceAboveAPromptSize",
                 "{" BASE R"("input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
                             "output_cost_per_token_above_128k_tokens": 4e-06})",
                 "priced by prompt size (output_cost_per_token_above_128k_tokens); creditgate "
                 "has one price per class and would under-charge long prompts"},
        EntryRow{"TieredPricingList",
                 "{" BASE R"("input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
                             "tiered_pricing": [{"range": [0, 128000]}]})",
                 "priced by prompt size (tiered_pricing); creditgate has one price per class "
                 "and would under-charge long prompts"},
        EntryRow{"NotAnObject", "[1, 2]", "not a JSON object"}),
    entry_row_name);

#undef BASE
#undef OUT

TEST(PricingLiteLlmImport, AModelListedTwiceIsLeftOut) {
    const LiteLlmImport result = import_text(
        R"({"m": {"litellm_provider": "p", "max_tokens": 5, "input_cost_per_token": 1e-06,
                  "output_cost_per_token": 1e-06},
            "m": {"litellm_provider": "p", "max_tokens": 5, "input_cost_per_token": 2e-06,
                  "output_cost_per_token": 2e-06}})");
    EXPECT_EQ(reason_for(result.skipped, "m"), "listed more than once in the file");
    EXPECT_TRUE(result.models.empty());
}

TEST(PricingLiteLlmImport, ProviderPrefixedKeySendsTheBareNameUpstream) {
    const LiteLlmImport result = import_text(
        R"({"openrouter/anthropic/claude-3.5-sonnet": {"litellm_provider": "openrouter",
                "max_tokens": 5, "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05},
            "vertex_ai/claude-3-5-haiku": {"litellm_provider": "vertex_ai-anthropic_models",
                "max_tokens": 5, "input_cost_per_token": 1e-06, "output_cost_per_token": 5e-06}})");
    EXPECT_EQ(result.models["openrouter/anthropic/claude-3.5-sonnet"]["upstream_model"],
              "anthropic/claude-3.5-sonnet");
    // Not the litellm_provider as a prefix: sent as written (the operator may edit it).
    EXPECT_EQ(result.models["vertex_ai/claude-3-5-haiku"]["upstream_model"],
              "vertex_ai/claude-3-5-haiku");
}

}  // namespace
}  // namespace creditgate
