// The Responses API adapter: what it refuses, what it holds, and how it reads the named events
// of a stream (usage in the final event, which ends the stream).
#include "creditgate/shapes/responses_shape.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace creditgate {
namespace {

ModelConfig model() {
    ModelConfig m;
    m.name = "o4-mini";
    m.upstream_model = "o4-mini-2025-04-16";
    m.max_output_tokens = 100'000;
    return m;
}

SseEvent named(const std::string& name, const std::string& data) {
    return SseEvent{"event: " + name + "\ndata: " + data + "\n\n", data, name};
}

std::string param_of(const std::string& body) {
    ResponsesShape shape;
    auto error = shape.parse(body);
    return error ? error->param : "<accepted>";
}

TEST(ResponsesShape, WhatTheHoldCannotBoundIsRefusedByName) {
    EXPECT_EQ(param_of(R"({"model":"m","input":"hi","store":true})"), "<accepted>");
    EXPECT_EQ(param_of(R"({"model":"m","input":"hi","previous_response_id":"resp_1"})"),
              "previous_response_id");
    EXPECT_EQ(param_of(R"({"model":"m","input":"hi","conversation":"conv_1"})"), "conversation");
    EXPECT_EQ(param_of(R"({"model":"m","input":"hi","prompt":{"id":"pmpt_1"}})"), "prompt");
    EXPECT_EQ(param_of(R"({"model":"m","input":"hi","background":true})"), "background");
    EXPECT_EQ(param_of(R"({"model":"m","input":"hi","background":false})"), "<accepted>");
    EXPECT_EQ(
        param_of(
            R"({"model":"m","input":"hi","tools":[{"type":"function","name":"f"},{"type":"web_search"}]})"),
        "tools[1].type");
    EXPECT_EQ(
        param_of(
            R"({"model":"m","input":[{"role":"user","content":"a"},{"type":"item_reference","id":"x"}]})"),
        "input[1]");
    EXPECT_EQ(param_of(R"({"model":"m"})"), "input");
    EXPECT_EQ(param_of(R"({"model":"m","input":"hi","max_output_tokens":0})"), "max_output_tokens");
    EXPECT_EQ(param_of(R"({"model":"m","input":"hi","instructions":5})"), "instructions");
}

TEST(ResponsesShape, BoundsCountInstructionsInputAndTools) {
    ResponsesShape shape;
    ASSERT_FALSE(shape.parse(
        R"({"model":"m","instructions":"Be brief.","max_output_tokens":500,)"
        R"("input":[{"role":"user","content":[{"type":"input_text","text":"What is this?"},)"
        R"({"type":"input_image","image_url":"https://example.com/cat.png"}]}]})"));
    const auto bounds = shape.bounds(model());
    // 16 + instructions 9 + item (8 + role 4 + text 13 + image 2600)
    EXPECT_EQ(bounds.prompt_tokens, 16 + 9 + 8 + 4 + 13 + 2'600);
    EXPECT_EQ(bounds.output_tokens, 500);

    ResponsesShape open_ended;
    ASSERT_FALSE(open_ended.parse(R"({"model":"m","input":"hi"})"));
    EXPECT_EQ(open_ended.bounds(model()).output_tokens, 100'000);  // the model's limit
    EXPECT_EQ(open_ended.bounds(model()).prompt_tokens, 16 + 8 + 2);
    const auto body = nlohmann::json::parse(open_ended.upstream_body(model()));
    EXPECT_EQ(body["model"], "o4-mini-2025-04-16");
    EXPECT_FALSE(body.contains("stream_options"));
}

TEST(ResponsesShape, DeltasCountAsOutputAndTheCompletedEventBillsAndEndsTheStream) {
    ResponsesShape shape;
    ASSERT_FALSE(shape.parse(R"({"model":"m","input":"hi","stream":true})"));
    auto created =
        named("response.created", R"({"type":"response.created","response":{"usage":null}})");
    EXPECT_FALSE(shape.inspect_event(created).starts_tail);
    auto delta = named("response.output_text.delta",
                       R"({"type":"response.output_text.delta","delta":"Héllo"})");
    auto verdict = shape.inspect_event(delta);
    EXPECT_FALSE(verdict.starts_tail);
    EXPECT_FALSE(verdict.drop);
    auto done = named("response.output_text.done",
                      R"({"type":"response.output_text.done","text":"Héllo"})");
    shape.inspect_event(done);
    EXPECT_EQ(shape.output_bytes(), 6);
    EXPECT_FALSE(shape.usage());

    auto completed = named(
        "response.completed",
        R"({"type":"response.completed","response":{"status":"completed","usage":{"input_tokens":40,"input_tokens_details":{"cached_tokens":32},"output_tokens":90,"output_tokens_details":{"reasoning_tokens":64},"total_tokens":130}}})");
    verdict = shape.inspect_event(completed);
    EXPECT_TRUE(verdict.starts_tail);
    EXPECT_TRUE(verdict.ends_stream);
    EXPECT_FALSE(verdict.drop);
    ASSERT_TRUE(shape.usage());
    const auto counts = shape.usage()->to_counts();
    EXPECT_EQ(counts.prompt_tokens, 40);
    EXPECT_EQ(counts.cached_tokens, 32);
    EXPECT_EQ(counts.completion_tokens, 90);  // reasoning inside, not added again
    EXPECT_EQ(counts.reasoning_tokens, 64);
}

TEST(ResponsesShape, FailedAndIncompleteResponsesBillTheirUsageEvenWithoutTheEventLine) {
    for (const std::string type : {"response.failed", "response.incomplete"}) {
        ResponsesShape shape;
        ASSERT_FALSE(shape.parse(R"({"model":"m","input":"hi","stream":true})"));
        auto last = SseEvent{
            "",
            R"({"type":")" + type +
                R"(","response":{"usage":{"input_tokens":5,"output_tokens":3,"total_tokens":8}}})",
            ""};
        EXPECT_TRUE(shape.inspect_event(last).ends_stream) << type;
        ASSERT_TRUE(shape.usage()) << type;
        EXPECT_EQ(shape.usage()->completion_tokens, 3);
    }
}

TEST(ResponsesShape, AWholeResponseBillsItsUsageAndCountsItsOutput) {
    ResponsesShape shape;
    ASSERT_FALSE(shape.parse(R"({"model":"m","input":"hi"})"));
    shape.inspect_body(
        R"({"object":"response","status":"incomplete","output":[{"type":"reasoning","summary":[{"type":"summary_text","text":"ab"}]},)"
        R"({"type":"message","content":[{"type":"output_text","text":"Hello"}]},{"type":"function_call","name":"f","arguments":"{}"}],)"
        R"("usage":{"input_tokens":7,"output_tokens":11,"total_tokens":18}})");
    ASSERT_TRUE(shape.usage());
    EXPECT_EQ(shape.usage()->prompt_tokens, 7);
    EXPECT_EQ(shape.output_bytes(), 2 + 5 + 1 + 2);
}

}  // namespace
}  // namespace creditgate
