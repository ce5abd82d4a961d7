// The cost added to what a caller reads: a reply's usage object, a stream's usage chunk, and
// the comment before a stream's last event.
#include "creditgate/shapes/usage_cost.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "creditgate/shapes/chat_shape.hpp"

namespace creditgate {
namespace {

const ShownCost kCost{"0.0000066", "0.000006", "0.0000006"};

TEST(UsageCost, CostGoesLastIntoTheUsageObjectAndEveryOtherMemberKeepsItsOrder) {
    std::string body =
        R"({"id":"c","choices":[{"index":0}],"usage":{"prompt_tokens":12,"completion_tokens":7},"z":1.5})";
    ASSERT_TRUE(add_usage_cost(body, "/usage", kCost.total));
    EXPECT_EQ(
        body,
        R"({"id":"c","choices":[{"index":0}],"usage":{"prompt_tokens":12,"completion_tokens":7,"cost":"0.0000066"},"z":1.5})");
}

TEST(UsageCost, AnObjectDeeperInTheDocumentIsFoundByItsPointer) {
    std::string event = R"({"type":"response.completed","response":{"usage":{"input_tokens":3}}})";
    ASSERT_TRUE(add_usage_cost(event, "/response/usage", "1"));
    EXPECT_EQ(nlohmann::json::parse(event)["response"]["usage"]["cost"], "1");
}

TEST(UsageCost, TextWithoutAUsageObjectIsLeftAsItWas) {
    for (std::string text :
         {std::string(R"({"usage":null})"), std::string(R"({"id":"x"})"), std::string("[DONE]"),
          std::string(R"({"usage":[1]})"), std::string(R"({"usage":{"cut)")}) {
        const std::string before = text;
        EXPECT_FALSE(add_usage_cost(text, "/usage", "1")) << before;
        EXPECT_EQ(text, before);
    }
}

TEST(UsageCost, TheCommentIsOneBlockWithTheChargeAsDecimalStrings) {
    const auto block = cost_comment_block("req_1", kCost, "4.9999934");
    EXPECT_EQ(block,
              ": creditgate-cost "
              R"({"request_id":"req_1","cost":"0.0000066","balance":"4.9999934",)"
              R"("provider_cost":"0.000006","markup":"0.0000006"})"
              "\n\n");
    // An SSE parser sees no event in it: a comment line, then the end of an empty block.
    SseParser parser;
    std::vector<SseEvent> events;
    ASSERT_TRUE(parser.feed(block + "data: [DONE]\n\n", events));
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back().data, "[DONE]");
    for (const auto& event : events) EXPECT_TRUE(event.data.empty() || event.data == "[DONE]");
}

TEST(UsageCost, ARewrittenEventKeepsItsNameAndFramesEveryDataLine) {
    SseEvent event{"event: response.completed\ndata: {}\n\n", "{}", "response.completed"};
    replace_event_data(event, "{\"a\":1}");
    EXPECT_EQ(event.raw, "event: response.completed\ndata: {\"a\":1}\n\n");
    EXPECT_EQ(sse_event_bytes("", "a\nb"), "data: a\ndata: b\n\n");
}

SseEvent chat_event(const std::string& data) {
    return SseEvent{"data: " + data + "\n\n", data, ""};
}

TEST(ChatShapeCost, OnlyTheUsageChunkGetsTheCost) {
    ChatShape shape;
    auto usage =
        chat_event(R"({"id":"c","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3}})");
    shape.add_cost_to_usage_event(usage, kCost);
    EXPECT_EQ(
        usage.raw,
        "data: "
        R"({"id":"c","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"cost":"0.0000066"}})"
        "\n\n");
    EXPECT_EQ(nlohmann::json::parse(usage.data)["usage"]["cost"], "0.0000066");

    for (const std::string& data :
         {std::string(R"({"id":"c","choices":[{"delta":{"content":"hi"}}],"usage":null})"),
          std::string("[DONE]")}) {
        auto other = chat_event(data);
        const auto before = other.raw;
        shape.add_cost_to_usage_event(other, kCost);
        EXPECT_EQ(other.raw, before);
    }
}

TEST(ChatShapeCost, AWholeReplyGetsUsageCost) {
    ChatShape shape;
    std::string body = R"({"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2}})";
    shape.add_cost_to_body(body, kCost);
    EXPECT_EQ(
        body,
        R"({"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":2,"cost":"0.0000066"}})");
}

}  // namespace
}  // namespace creditgate
