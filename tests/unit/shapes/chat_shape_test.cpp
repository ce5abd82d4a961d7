// The chat completions adapter: what the exchange learns from it about a request and a reply.
#include "creditgate/shapes/chat_shape.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace creditgate {
namespace {

ModelConfig model() {
    ModelConfig m;
    m.name = "gpt-4o-mini";
    m.provider = "openai";
    m.upstream_model = "gpt-4o-mini-2024-07-18";
    m.max_output_tokens = 1'000;
    return m;
}

SseEvent event(const std::string& data) {
    return SseEvent{"data: " + data + "\n\n", data, ""};
}

const std::string kUsageChunk =
    R"({"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}})";
const std::string kContentChunk =
    R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"Hello"}}],"usage":null})";

TEST(ChatShape, AStreamGetsUsageInjectedAndTheProvidersModelName) {
    ChatShape shape;
    ASSERT_FALSE(shape.parse(
        R"({"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]})"));
    EXPECT_TRUE(shape.stream());
    EXPECT_EQ(shape.model(), "gpt-4o-mini");
    const auto body = nlohmann::json::parse(shape.upstream_body(model()));
    EXPECT_EQ(body["model"], "gpt-4o-mini-2024-07-18");
    EXPECT_EQ(body["stream_options"]["include_usage"], true);
    EXPECT_EQ(shape.upstream_path(), "/chat/completions");
}

TEST(ChatShape, TheUsageChunkTheClientDidNotAskForIsDroppedAndStartsTheTail) {
    ChatShape shape;
    ASSERT_FALSE(
        shape.parse(R"({"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]})"));
    auto content = event(kContentChunk);
    auto verdict = shape.inspect_event(content);
    EXPECT_FALSE(verdict.drop);
    EXPECT_FALSE(verdict.starts_tail);
    // include_usage added ,"usage":null to every chunk: the client sees the provider's bytes.
    EXPECT_EQ(content.raw.find("\"usage\""), std::string::npos);
    auto usage = event(kUsageChunk);
    verdict = shape.inspect_event(usage);
    EXPECT_TRUE(verdict.drop);
    EXPECT_TRUE(verdict.starts_tail);
    ASSERT_TRUE(shape.usage());
    EXPECT_EQ(shape.usage()->prompt_tokens, 12);
    EXPECT_EQ(shape.usage()->completion_tokens, 3);
    EXPECT_EQ(shape.output_bytes(), 5);  // "Hello"
}

TEST(ChatShape, AClientThatAskedForUsageKeepsTheChunk) {
    ChatShape shape;
    ASSERT_FALSE(shape.parse(
        R"({"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]})"));
    auto usage = event(kUsageChunk);
    const auto verdict = shape.inspect_event(usage);
    EXPECT_FALSE(verdict.drop);
    EXPECT_TRUE(verdict.starts_tail);
}

TEST(ChatShape, AWholeBodyGivesItsUsageAndOutputBytes) {
    ChatShape shape;
    ASSERT_FALSE(shape.parse(R"({"model":"m","messages":[{"role":"user","content":"hi"}]})"));
    shape.inspect_body(
        R"({"choices":[{"message":{"role":"assistant","content":"Hi there"}}],"usage":{"prompt_tokens":9,"completion_tokens":2}})");
    ASSERT_TRUE(shape.usage());
    EXPECT_EQ(shape.usage()->completion_tokens, 2);
    EXPECT_EQ(shape.output_bytes(), 8);
}

TEST(ChatShape, ABodyThatIsNotJsonCountsEveryByteAsOutputAndHasNoUsage) {
    ChatShape shape;
    ASSERT_FALSE(shape.parse(R"({"model":"m","messages":[{"role":"user","content":"hi"}]})"));
    shape.inspect_body("not json at all");
    EXPECT_FALSE(shape.usage());
    EXPECT_EQ(shape.output_bytes(), 15);
}

TEST(ChatShape, AnInvalidRequestNamesTheField) {
    ChatShape shape;
    const auto error = shape.parse(R"({"model":"m","messages":"not an array"})");
    ASSERT_TRUE(error);
    EXPECT_EQ(error->param, "messages");
}

}  // namespace
}  // namespace creditgate
