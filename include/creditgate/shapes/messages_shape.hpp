#pragma once
// POST /v1/messages, the Anthropic Messages API, to providers of kind "anthropic".
//
// Streams: usage arrives in message_start (message.usage) and again, cumulative, in
// message_delta (usage): the later value of each field replaces the earlier one. The tail (what
// waits for the charge to be durable) starts at message_delta, the usage-final event, and the
// stream ends with message_stop. Errors to the client are in Anthropic's shape.
#include "creditgate/shapes/messages_request.hpp"
#include "creditgate/shapes/shape.hpp"
#include "creditgate/usage/anthropic_usage.hpp"

namespace creditgate {

class MessagesShape final : public Shape {
  public:
    const char* endpoint() const override { return "/v1/messages"; }
    const char* scope_name() const override { return "messages"; }
    ProviderKind provider_kind() const override { return ProviderKind::anthropic; }
    std::optional<ApiError> parse(std::string_view body) override;
    const std::string& model() const override { return request_.model; }
    bool stream() const override { return request_.stream; }
    RequestBounds bounds(const ModelConfig& model) const override;
    std::variant<const ModelPrice*, ApiError> price(const ModelConfig& model) const override {
        return messages_price(request_, model);
    }
    // Relative to the provider's base URL, which is Anthropic's (https://api.anthropic.com):
    // the path the Anthropic SDKs append to their base URL.
    std::string upstream_path() const override { return "/v1/messages"; }
    std::string upstream_body(const ModelConfig& model) override;
    EventVerdict inspect_event(SseEvent& event) override;
    void inspect_body(std::string_view body) override;
    // message_delta has the final usage.
    void add_cost_to_usage_event(SseEvent& event, const ShownCost& cost) override;
    const std::optional<ReportedUsage>& usage() const override { return usage_; }
    std::int64_t output_bytes() const override { return output_bytes_; }
    std::string error_body(const ApiError& error) const override;
    std::string error_event(const ApiError& error) const override;
    const char* extra_request_id_header() const override;

  private:
    void take_usage(const nlohmann::json& usage);

    MessagesRequest request_;
    std::optional<AnthropicUsage> anthropic_usage_;
    std::optional<ReportedUsage> usage_;  // anthropic_usage_ converted
    std::int64_t output_bytes_ = 0;
};

}  // namespace creditgate
