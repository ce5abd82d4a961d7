// The legacy completions adapter: prompt forms, the output bound (best_of is billed), usage and
// output bytes from streamed and whole replies.
#include "creditgate/shapes/completions_shape.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace creditgate {
namespace {

ModelConfig model() {
    ModelConfig m;
    m.name = "gpt-3.5-turbo-instruct";
    m.provider = "openai";
    m.upstream_model = "gpt-3.5-turbo-instruct-0914";
    m.max_output_tokens = 1'000;
    return m;
}

SseEvent event(const std::string& data) {
    return SseEvent{"data: " + data + "\n\n", data, ""};
}

std::string param_of(const std::string& body) {
    CompletionsShape shape;
    auto error = shape.parse(body);
    return error ? error->param : "<accepted>";
}

TEST(CompletionsShape, EveryPromptFormIsAcceptedAndAnythingElseNamesThePrompt) {
    EXPECT_EQ(param_of(R"({"model":"m","prompt":"hi"})"), "<accepted>");
    EXPECT_EQ(param_of(R"({"model":"m","prompt":["a","b"]})"), "<accepted>");
    EXPECT_EQ(param_of(R"({"model":"m","prompt":[1,2,3]})"), "<accepted>");
    EXPECT_EQ(param_of(R"({"model":"m","prompt":[[1,2],[3]]})"), "<accepted>");
    EXPECT_EQ(param_of(R"({"model":"m"})"), "prompt");
    EXPECT_EQ(param_of(R"({"model":"m","prompt":[]})"), "prompt");
    EXPECT_EQ(param_of(R"({"model":"m","prompt":{"text":"hi"}})"), "prompt");
    EXPECT_EQ(param_of(R"({"model":"m","prompt":["a",{"b":1}]})"), "prompt[1]");
    EXPECT_EQ(param_of(R"({"model":"m","prompt":"hi","best_of":0})"), "best_of");
    EXPECT_EQ(param_of(R"({"model":"m","prompt":"hi","echo":"yes"})"), "echo");
    EXPECT_EQ(param_of(R"({"model":"m","prompt":"hi","suffix":3})"), "suffix");
    EXPECT_EQ(param_of(R"({"prompt":"hi"})"), "model");
}

TEST(CompletionsShape, WithoutMaxTokensSixteenAreHeldAndSentExplicitly) {
    CompletionsShape shape;
    ASSERT_FALSE(shape.parse(R"({"model":"m","prompt":"hello"})"));
    const auto bounds = shape.bounds(model());
    EXPECT_EQ(bounds.prompt_tokens, 5 + 4);  // bytes + the per-prompt allowance
    EXPECT_EQ(bounds.output_tokens, 16);
    const auto body = nlohmann::json::parse(shape.upstream_body(model()));
    EXPECT_EQ(body["max_tokens"], 16);
    EXPECT_EQ(body["model"], "gpt-3.5-turbo-instruct-0914");
    EXPECT_FALSE(body.contains("stream_options"));
}

TEST(CompletionsShape, BestOfCandidatesAreHeldForEveryPrompt) {
    CompletionsShape shape;
    ASSERT_FALSE(shape.parse(
        R"({"model":"m","prompt":["a","bb",[1,2,3]],"max_tokens":50,"n":2,"best_of":5})"));
    const auto bounds = shape.bounds(model());
    EXPECT_EQ(bounds.prompt_tokens, (1 + 4) + (2 + 4) + (3 + 4));
    EXPECT_EQ(bounds.output_tokens, 50 * 5 * 3);
}

TEST(CompletionsShape, AStreamGetsUsageInjectedAndTheUsageChunkIsHiddenAgain) {
    CompletionsShape shape;
    ASSERT_FALSE(shape.parse(R"({"model":"m","prompt":"hi","stream":true})"));
    const auto body = nlohmann::json::parse(shape.upstream_body(model()));
    EXPECT_EQ(body["stream_options"]["include_usage"], true);

    auto text = event(
        R"({"id":"c","object":"text_completion","choices":[{"text":"Hello","index":0,"logprobs":null,"finish_reason":null}],"usage":null})");
    auto verdict = shape.inspect_event(text);
    EXPECT_FALSE(verdict.drop);
    EXPECT_EQ(text.raw.find("\"usage\""), std::string::npos);
    auto usage = event(
        R"({"id":"c","object":"text_completion","choices":[],"usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6}})");
    verdict = shape.inspect_event(usage);
    EXPECT_TRUE(verdict.drop);
    EXPECT_TRUE(verdict.starts_tail);
    auto done = event("[DONE]");
    EXPECT_TRUE(shape.inspect_event(done).ends_stream);
    ASSERT_TRUE(shape.usage());
    EXPECT_EQ(shape.usage()->completion_tokens, 2);
    EXPECT_EQ(shape.output_bytes(), 5);  // "Hello", from choices[].text
}

TEST(CompletionsShape, AWholeReplyCountsTheTextOfEveryChoice) {
    CompletionsShape shape;
    ASSERT_FALSE(shape.parse(R"({"model":"m","prompt":"hi","n":2})"));
    shape.inspect_body(
        R"({"object":"text_completion","choices":[{"text":"abc","index":0},{"text":"de","index":1}]})");
    EXPECT_FALSE(shape.usage());
    EXPECT_EQ(shape.output_bytes(), 5);
}

TEST(CompletionsShape, AServiceTierTheModelDoesNotSellIsRefused) {
    CompletionsShape shape;
    ASSERT_FALSE(shape.parse(R"({"model":"m","prompt":"hi","service_tier":"flex"})"));
    auto price = shape.price(model());
    ASSERT_TRUE(std::holds_alternative<ApiError>(price));
    EXPECT_EQ(std::get<ApiError>(price).param, "service_tier");
}

}  // namespace
}  // namespace creditgate
