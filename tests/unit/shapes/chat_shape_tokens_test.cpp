// The chat adapter counts with the model's tokenizer: the hold's prompt bound and the estimate
// of the output relayed when usage is missing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../tokenize/shared_test_encodings.hpp"
#include "creditgate/pricing/chat_quote.hpp"
#include "creditgate/shapes/chat_shape.hpp"
#include "creditgate/shapes/model_tokenizer.hpp"

namespace creditgate {
namespace {

using testing_support::test_encoding;

ModelConfig model_with(std::optional<EncodingName> tokenizer) {
    ModelConfig m;
    m.name = "gpt-4o";
    m.provider = "openai";
    m.upstream_model = "gpt-4o";
    m.max_output_tokens = 1'000;
    m.tokenizer = tokenizer;
    return m;
}

SseEvent content_event(const std::string& text) {
    const std::string data =
        R"({"choices":[{"index":0,"delta":{"content":")" + text + R"("}}],"usage":null})";
    return SseEvent{"data: " + data + "\n\n", data, ""};
}

TEST(ChatShapeTokens, ThePromptBoundUsesTheModelsTokenizer) {
    test_encoding(EncodingName::o200k_base);  // loads the shared encodings
    ChatShape shape;
    ASSERT_FALSE(shape.parse(
        R"({"model":"gpt-4o","messages":[{"role":"user","content":"Summarise the following report in three sentences, please."}]})"));
    const auto bpe = shape.bounds(model_with(EncodingName::o200k_base)).prompt_tokens;
    const auto bytes = shape.bounds(model_with(std::nullopt)).prompt_tokens;
    EXPECT_EQ(bpe, kTokensPerRequestAllowance + kTokensPerMessageAllowance + 1 +
                       test_encoding(EncodingName::o200k_base)
                           .count("Summarise the following report in three sentences, please."));
    EXPECT_LT(bpe, bytes);
}

TEST(ChatShapeTokens, RelayedOutputIsEstimatedInTokensWithTheModelsTokenizer) {
    test_encoding(EncodingName::o200k_base);  // loads the shared encodings
    ChatShape shape;
    ASSERT_FALSE(shape.parse(
        R"({"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]})"));
    shape.count_output_with(model_tokenizer(model_with(EncodingName::o200k_base)));
    ASSERT_NE(model_tokenizer(model_with(EncodingName::o200k_base)), nullptr);
    for (const char* piece : {"Hello", " world", ",", " how", " are", " you", "?"}) {
        auto event = content_event(piece);
        shape.inspect_event(event);
    }
    EXPECT_EQ(shape.output_bytes(), 25);
    EXPECT_EQ(shape.output_tokens_estimate(), 7);  // one token per delta, as generated
}

TEST(ChatShapeTokens, WithoutATokenizerTheEstimateIsTheBytes) {
    ChatShape shape;
    ASSERT_FALSE(
        shape.parse(R"({"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]})"));
    shape.count_output_with(model_tokenizer(model_with(std::nullopt)));
    auto event = content_event("Hello world");
    shape.inspect_event(event);
    EXPECT_EQ(shape.output_tokens_estimate(), 11);
}

TEST(ChatShapeTokens, AWholeBodyIsEstimatedInTokensToo) {
    ChatShape shape;
    ASSERT_FALSE(shape.parse(R"({"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]})"));
    shape.count_output_with(&test_encoding(EncodingName::o200k_base));
    shape.inspect_body(R"({"choices":[{"message":{"role":"assistant","content":"Hello world"}}]})");
    EXPECT_EQ(shape.output_bytes(), 11);
    EXPECT_EQ(shape.output_tokens_estimate(), 2);
}

TEST(ModelTokenizer, CountTextTokensIsExactWithABpeAndTheBytesWithout) {
    // What every shape calls for text it cannot hand to chat_prompt_tokens_bound.
    EXPECT_EQ(count_text_tokens(&test_encoding(EncodingName::cl100k_base), "hello world"), 2);
    EXPECT_EQ(count_text_tokens(nullptr, "hello world"), 11);
}

}  // namespace
}  // namespace creditgate
