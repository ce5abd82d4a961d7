// The output relayed before a disconnect, counted in tokens with the model's BPE (the estimate
// when usage is missing), from the same single scan of each chunk.
#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "../tokenize/shared_test_encodings.hpp"
#include "creditgate/usage/openai_usage.hpp"

namespace creditgate {
namespace {

using testing_support::test_encoding;

std::string content_chunk(const std::string& json_string_body) {
    return R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":")" +
           json_string_body + R"("}}]})";
}

const BpeEncoding& o200k() {
    return test_encoding(EncodingName::o200k_base);
}

TEST(UsageOutputTokens, AContentChunkCountsItsTokensNotItsBytes) {
    const auto view = inspect_chat_chunk(content_chunk("The quick brown fox"), &o200k());
    EXPECT_EQ(view.output_bytes, 19);
    EXPECT_EQ(view.output_tokens, o200k().count("The quick brown fox"));
    EXPECT_EQ(view.output_tokens, 4);
}

TEST(UsageOutputTokens, EscapesAreDecodedBeforeCounting) {
    const auto view =
        inspect_chat_chunk(content_chunk(R"(line\n\"quoted\" \u00e9t\u00e9)"), &o200k());
    EXPECT_EQ(view.output_tokens, o200k().count("line\n\"quoted\" \xC3\xA9t\xC3\xA9"));
}

TEST(UsageOutputTokens, WithoutATokenizerTokensAreTheBytes) {
    const auto view = inspect_chat_chunk(content_chunk("The quick brown fox"));
    EXPECT_EQ(view.output_tokens, view.output_bytes);
}

TEST(UsageOutputTokens, ToolCallNamesAndArgumentsAreCounted) {
    const std::string chunk =
        R"({"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]}}]})";
    const auto view = inspect_chat_chunk(chunk, &o200k());
    EXPECT_EQ(view.output_tokens,
              o200k().count("get_weather") + o200k().count(R"({"city":"Paris"})"));
}

TEST(UsageOutputTokens, AChunkWithManyStringsFallsBackToItsBytes) {
    // More counted strings than the scan keeps (4): its bytes, still a bound.
    std::string chunk = R"({"choices":[)";
    for (int i = 0; i < 6; ++i) {
        if (i > 0) chunk += ',';
        chunk += R"({"index":)" + std::to_string(i) + R"(,"delta":{"content":"hello world"}})";
    }
    chunk += "]}";
    const auto view = inspect_chat_chunk(chunk, &o200k());
    EXPECT_EQ(view.output_bytes, 66);
    EXPECT_EQ(view.output_tokens, 66);
}

TEST(UsageOutputTokens, AWholeBodyCountsTheSameFieldsInTokens) {
    const auto body = nlohmann::json::parse(
        R"({"choices":[{"message":{"role":"assistant","content":"Hello there, friend.","tool_calls":[{"function":{"name":"f","arguments":"{}"}}]}}]})");
    EXPECT_EQ(chat_completion_output_tokens(body, &o200k()),
              o200k().count("Hello there, friend.") + o200k().count("f") + o200k().count("{}"));
    EXPECT_EQ(chat_completion_output_tokens(body, nullptr), chat_completion_output_bytes(body));
}

}  // namespace
}  // namespace creditgate
