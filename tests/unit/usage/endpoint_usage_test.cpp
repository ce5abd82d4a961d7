// Usage and output of the completions, embeddings and Responses replies.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "creditgate/usage/openai_usage.hpp"
#include "creditgate/usage/responses_usage.hpp"

namespace creditgate {
namespace {

TEST(CompletionChunk, AChoicesTextCountsAsOutputButTextElsewhereDoesNot) {
    EXPECT_EQ(
        inspect_chat_chunk(R"({"choices":[{"text":"abc","index":0},{"text":"de"}]})").output_bytes,
        5);
    EXPECT_EQ(inspect_chat_chunk(R"({"text":"abc","choices":{"text":"de"},"x":[{"text":"f"}]})")
                  .output_bytes,
              0);
    // Chat deltas are counted as before.
    EXPECT_EQ(inspect_chat_chunk(R"({"choices":[{"delta":{"content":"Hi"}}]})").output_bytes, 2);
}

TEST(TopLevelUsage, OnlyTheTopLevelUsageObjectCounts) {
    auto usage = top_level_usage(
        R"({"data":[{"usage":{"prompt_tokens":1}}],"usage":{"prompt_tokens":9,"total_tokens":9}})");
    ASSERT_TRUE(usage);
    EXPECT_EQ(usage->prompt_tokens, 9);
    EXPECT_FALSE(usage->completion_tokens);
    EXPECT_FALSE(top_level_usage(R"({"data":[{"usage":{"prompt_tokens":1}}]})"));
    EXPECT_FALSE(top_level_usage(R"({"usage":null})"));
    EXPECT_FALSE(top_level_usage(R"({"usage":{"prompt_tokens":9}} trailing)"));
    EXPECT_FALSE(top_level_usage(""));
}

TEST(ResponsesUsage, InputAndOutputMapToPromptAndCompletionWithTheirDetailsInside) {
    const auto response = nlohmann::json::parse(
        R"({"usage":{"input_tokens":10,"input_tokens_details":{"cached_tokens":4},"output_tokens":6,"output_tokens_details":{"reasoning_tokens":5},"total_tokens":16}})");
    const auto usage = responses_usage_from_json(response);
    ASSERT_TRUE(usage);
    EXPECT_TRUE(usage->billable());
    const auto counts = usage->to_counts();
    EXPECT_EQ(counts.prompt_tokens, 10);
    EXPECT_EQ(counts.cached_tokens, 4);
    EXPECT_EQ(counts.completion_tokens, 6);
    EXPECT_EQ(counts.reasoning_tokens, 5);
    EXPECT_EQ(usage->total_tokens, 16);
}

TEST(ResponsesUsage, AMissingOrNegativeCountIsNotZero) {
    const auto usage = responses_usage_from_json(
        nlohmann::json::parse(R"({"usage":{"input_tokens":-1,"output_tokens":3}})"));
    ASSERT_TRUE(usage);
    EXPECT_FALSE(usage->billable());
    EXPECT_FALSE(responses_usage_from_json(nlohmann::json::parse(R"({"usage":null})")));
}

TEST(ResponsesEvent, TheEventNameOrTheDataTypeSaysWhatTheEventIs) {
    EXPECT_EQ(inspect_responses_event("response.refusal.delta", R"({"delta":"no"})").output_bytes,
              2);
    EXPECT_EQ(inspect_responses_event(
                  "", R"({"type":"response.function_call_arguments.delta","delta":"{}"})")
                  .output_bytes,
              2);
    EXPECT_EQ(inspect_responses_event("error", R"({"type":"error","message":"boom"})").output_bytes,
              4);
    EXPECT_FALSE(inspect_responses_event("response.in_progress", R"({"response":{}})").is_final);
    const auto final = inspect_responses_event(
        "response.completed", R"({"response":{"usage":{"input_tokens":1,"output_tokens":2}}})");
    EXPECT_TRUE(final.is_final);
    ASSERT_TRUE(final.usage);
    EXPECT_EQ(final.usage->completion_tokens, 2);
    EXPECT_FALSE(inspect_responses_event("response.completed", "not json").is_final);
}

}  // namespace
}  // namespace creditgate
