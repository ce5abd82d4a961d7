// The Anthropic Messages adapter: validation, usage (cumulative: the last value replaces), the
// conversion to OpenAI-shaped counts, cache_control refusal, and the stream's tail and end.
#include "creditgate/shapes/messages_shape.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "creditgate/shapes/anthropic_errors.hpp"

namespace creditgate {
namespace {

ModelConfig model(bool sells_cache_writes = true) {
    ModelConfig m;
    m.name = std::string("claude");
    m.provider = std::string("anthropic");
    m.upstream_model = std::string("claude-sonnet-4-5");
    m.max_output_tokens = 64'000;
    m.price = {3'000'000'000, 300'000'000, 15'000'000'000};
    if (sells_cache_writes) m.price.cache_write_nanos_per_mtok = 3'750'000'000;
    return m;
}

SseEvent event(const std::string& name, const std::string& data) {
    return SseEvent{"event: " + name + "\ndata: " + data + "\n\n", data, name};
}

const std::string kBody =
    R"({"model":"claude","max_tokens":1024,"messages":[{"role":"user","content":"Hi"}]})";

MessagesShape parsed(const std::string& body = kBody) {
    MessagesShape shape;
    const auto error = shape.parse(body);
    EXPECT_FALSE(error) << (error ? error->message : "");
    return shape;
}

std::string param_of(const std::string& body) {
    MessagesShape shape;
    const auto error = shape.parse(body);
    return error ? error->param : "<accepted>";
}

TEST(MessagesShape, ValidationNamesTheOffendingField) {
    EXPECT_EQ(param_of(R"({"max_tokens":5,"messages":[{"role":"user","content":"x"}]})"), "model");
    EXPECT_EQ(param_of(R"({"model":"m","messages":[{"role":"user","content":"x"}]})"),
              "max_tokens");
    EXPECT_EQ(
        param_of(R"({"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]})"),
        "max_tokens");
    EXPECT_EQ(param_of(R"({"model":"m","max_tokens":5,"messages":[]})"), "messages");
    EXPECT_EQ(param_of(R"({"model":"m","max_tokens":5,"messages":[{"role":"user"}]})"),
              "messages[0].content");
    EXPECT_EQ(
        param_of(
            R"({"model":"m","max_tokens":5,"system":5,"messages":[{"role":"user","content":"x"}]})"),
        "system");
    EXPECT_EQ(
        param_of(
            R"({"model":"m","max_tokens":5,"stream":"yes","messages":[{"role":"user","content":"x"}]})"),
        "stream");
    EXPECT_EQ(
        param_of(
            R"({"model":"m","max_tokens":100,"thinking":{"type":"enabled","budget_tokens":100},"messages":[{"role":"user","content":"x"}]})"),
        "thinking.budget_tokens");
    EXPECT_EQ(
        param_of(
            R"({"model":"m","max_tokens":5,"metadata":"u","messages":[{"role":"user","content":"x"}]})"),
        "metadata");
    EXPECT_EQ(
        param_of(
            R"({"model":"m","max_tokens":5,"tools":[{"type":"web_search_20250305","name":"web_search"}],"messages":[{"role":"user","content":"x"}]})"),
        "tools[0].type");
    EXPECT_EQ(
        param_of(
            R"({"model":"m","max_tokens":2000,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"x"}]})"),
        "<accepted>");
}

TEST(MessagesShape, BoundsAreThePromptBytesAndMaxTokens) {
    const auto shape = parsed();
    const auto bounds = shape.bounds(model());
    EXPECT_EQ(bounds.output_tokens, 1024);
    EXPECT_GE(bounds.prompt_tokens, 2 + 4);  // "Hi" and "user", plus allowances
    EXPECT_EQ(
        parsed(
            R"({"model":"claude","max_tokens":999999,"messages":[{"role":"user","content":"x"}]})")
            .bounds(model())
            .output_tokens,
        64'000);
}

TEST(MessagesShape, CacheControlWithoutACacheWritePriceIsRefusedAtQuoteTime) {
    const std::string body =
        R"({"model":"claude","max_tokens":10,"messages":[{"role":"user","content":[{"type":"text","text":"x","cache_control":{"type":"ephemeral"}}]}]})";
    const auto shape = parsed(body);
    const auto refused = shape.price(model(/*sells_cache_writes=*/false));
    ASSERT_TRUE(std::holds_alternative<ApiError>(refused));
    EXPECT_EQ(std::get<ApiError>(refused).param, "cache_control");
    EXPECT_TRUE(std::holds_alternative<const ModelPrice*>(shape.price(model())));
    // Without cache_control the entry needs no cache_write price.
    EXPECT_TRUE(std::holds_alternative<const ModelPrice*>(parsed().price(model(false))));
}

TEST(MessagesShape, OneHourCacheWritesAreRefusedAtQuoteTime) {
    const auto shape = parsed(
        R"({"model":"claude","max_tokens":10,"system":[{"type":"text","text":"x","cache_control":{"type":"ephemeral","ttl":"1h"}}],"messages":[{"role":"user","content":"x"}]})");
    const auto refused = shape.price(model());
    ASSERT_TRUE(std::holds_alternative<ApiError>(refused));
    EXPECT_EQ(std::get<ApiError>(refused).param, "cache_control");
}

TEST(MessagesShape, StreamedUsageIsReplacedNeverAdded) {
    auto shape = parsed();
    auto start = event(
        "message_start",
        R"({"type":"message_start","message":{"id":"m","usage":{"input_tokens":20,"cache_creation_input_tokens":50,"cache_read_input_tokens":80,"output_tokens":1}}})");
    EXPECT_FALSE(shape.inspect_event(start).starts_tail);
    auto delta_event = event(
        "content_block_delta",
        R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}})");
    shape.inspect_event(delta_event);
    auto message_delta = event(
        "message_delta",
        R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"input_tokens":20,"cache_creation_input_tokens":50,"cache_read_input_tokens":80,"output_tokens":7}})");
    const auto verdict = shape.inspect_event(message_delta);
    EXPECT_TRUE(verdict.starts_tail);
    EXPECT_FALSE(verdict.ends_stream);

    ASSERT_TRUE(shape.usage());
    const auto counts = shape.usage()->to_counts();
    EXPECT_EQ(counts.prompt_tokens, 150);  // input + cache read + cache write, once
    EXPECT_EQ(counts.cached_tokens, 80);
    EXPECT_EQ(counts.cache_write_tokens, 50);
    EXPECT_EQ(counts.completion_tokens, 7);  // not 1 + 7
    EXPECT_EQ(shape.output_bytes(), 5);

    auto stop = event("message_stop", R"({"type":"message_stop"})");
    const auto last = shape.inspect_event(stop);
    EXPECT_TRUE(last.starts_tail);
    EXPECT_TRUE(last.ends_stream);
}

TEST(MessagesShape, AMessageDeltaWithOnlyOutputKeepsTheStartsInputCounts) {
    auto shape = parsed();
    auto start = event(
        "message_start",
        R"({"type":"message_start","message":{"usage":{"input_tokens":12,"cache_read_input_tokens":4,"output_tokens":1}}})");
    shape.inspect_event(start);
    auto delta = event("message_delta", R"({"type":"message_delta","usage":{"output_tokens":9}})");
    shape.inspect_event(delta);
    const auto counts = shape.usage()->to_counts();
    EXPECT_EQ(counts.prompt_tokens, 16);
    EXPECT_EQ(counts.cached_tokens, 4);
    EXPECT_EQ(counts.completion_tokens, 9);
}

TEST(MessagesShape, CommentsAndPingsChangeNothing) {
    auto shape = parsed();
    SseEvent comment{": creditgate-cost {}\n\n", "", ""};
    const auto verdict = shape.inspect_event(comment);
    EXPECT_FALSE(verdict.starts_tail || verdict.ends_stream || verdict.drop);
    auto ping = event("ping", R"({"type":"ping"})");
    EXPECT_FALSE(shape.inspect_event(ping).starts_tail);
    EXPECT_FALSE(shape.usage());
}

TEST(MessagesShape, ThinkingAndToolInputDeltasCountAsOutput) {
    auto shape = parsed();
    auto thinking = event(
        "content_block_delta",
        R"({"type":"content_block_delta","delta":{"type":"thinking_delta","thinking":"abc"}})");
    auto json_delta = event(
        "content_block_delta",
        R"({"type":"content_block_delta","delta":{"type":"input_json_delta","partial_json":"{\"a\":"}})");
    shape.inspect_event(thinking);
    shape.inspect_event(json_delta);
    EXPECT_EQ(shape.output_bytes(), 3 + 5);
}

TEST(MessagesShape, AWholeMessageIsMeteredFromItsUsage) {
    auto shape = parsed();
    shape.inspect_body(
        R"({"type":"message","content":[{"type":"text","text":"Hello"}],"usage":{"input_tokens":10,"cache_creation_input_tokens":40,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":10,"ephemeral_1h_input_tokens":30},"output_tokens":3}})");
    ASSERT_TRUE(shape.usage());
    EXPECT_EQ(shape.usage()->prompt_tokens, 50);
    EXPECT_EQ(shape.usage()->cache_write_tokens, 40);
    EXPECT_EQ(shape.usage()->cache_write_1h_tokens, 30);
    EXPECT_EQ(shape.usage()->completion_tokens, 3);
    EXPECT_EQ(shape.output_bytes(), 5);
}

TEST(MessagesShape, UpstreamBodyCarriesTheProvidersModelName) {
    auto shape = parsed();
    const auto body = nlohmann::json::parse(shape.upstream_body(model()));
    EXPECT_EQ(body["model"], "claude-sonnet-4-5");
    EXPECT_EQ(shape.upstream_path(), "/v1/messages");
    EXPECT_EQ(shape.provider_kind(), ProviderKind::anthropic);
}

TEST(AnthropicErrors, OurErrorsInAnthropicsShapeKeepTheirStatus) {
    const auto credits = api_error(ErrorCode::insufficient_credits, "Not enough credits.");
    const auto body = nlohmann::json::parse(anthropic_error_body(credits));
    EXPECT_EQ(body["type"], "error");
    EXPECT_EQ(body["error"]["type"], "billing_error");
    EXPECT_EQ(body["error"]["message"], "Not enough credits.");
    EXPECT_EQ(static_cast<int>(credits.status), 402);
    EXPECT_STREQ(anthropic_error_type(ErrorCode::invalid_api_key), "authentication_error");
    EXPECT_STREQ(anthropic_error_type(ErrorCode::model_not_found), "not_found_error");
    EXPECT_STREQ(anthropic_error_type(ErrorCode::rate_limited), "rate_limit_error");
    EXPECT_STREQ(anthropic_error_type(ErrorCode::upstream_timeout), "timeout_error");
    EXPECT_TRUE(is_anthropic_path("/v1/messages"));
    EXPECT_TRUE(is_anthropic_path("/v1/messages/count_tokens"));
    EXPECT_FALSE(is_anthropic_path("/v1/messagesx"));
    EXPECT_FALSE(is_anthropic_path("/v1/chat/completions"));
}

}  // namespace
}  // namespace creditgate
