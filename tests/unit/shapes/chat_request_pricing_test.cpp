// Request parameters that change the provider's price: refused with 400 naming the parameter,
// unless the model's price entry prices them (service tiers).
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "creditgate/shapes/chat_request.hpp"

namespace creditgate {
namespace {

constexpr const char* kMessages = R"("messages":[{"role":"user","content":"hi"}])";

std::variant<ChatRequest, ApiError> parse_with(const std::string& extra) {
    std::string body = R"({"model":"m",)";
    body.append(kMessages);
    if (!extra.empty()) body.append(",").append(extra);
    body.append("}");
    return parse_chat_request(body);
}

void expect_refused(const std::string& extra, const std::string& param) {
    const auto parsed = parse_with(extra);
    const auto* error = std::get_if<ApiError>(&parsed);
    ASSERT_NE(error, nullptr) << extra << " was accepted";
    EXPECT_EQ(error->code, ErrorCode::invalid_request) << extra;
    EXPECT_EQ(error->status, boost::beast::http::status::bad_request) << extra;
    EXPECT_EQ(error->param, param) << extra;
}

ChatRequest accepted(const std::string& extra) {
    auto parsed = parse_with(extra);
    if (auto* error = std::get_if<ApiError>(&parsed)) {
        ADD_FAILURE() << extra << " was refused: " << error->message;
        return {};
    }
    return std::get<ChatRequest>(std::move(parsed));
}

ModelConfig model_with_flex() {
    ModelConfig model;
    model.name = std::string(1, 'm');  // not = "m": GCC 12 -O3 warns falsely (-Wrestrict)
    model.price = {150'000'000, 75'000'000, 600'000'000};
    model.service_tier_prices["flex"] = {75'000'000, 37'500'000, 300'000'000};
    return model;
}

TEST(ChatRequestPricing, AudioOutputIsRefused) {
    expect_refused(R"("modalities":["text","audio"])", "modalities");
    expect_refused(R"("audio":{"voice":"alloy","format":"wav"})", "audio");
    expect_refused(R"("modalities":["text"],"audio":{"voice":"alloy"})", "audio");
}

TEST(ChatRequestPricing, WebSearchIsRefused) {
    expect_refused(R"("web_search_options":{})", "web_search_options");
    expect_refused(R"("web_search_options":{"search_context_size":"low"})", "web_search_options");
}

TEST(ChatRequestPricing, NullOrTextOnlyParametersAreAccepted) {
    accepted(R"("modalities":["text"])");
    accepted(R"("audio":null,"web_search_options":null,"service_tier":null)");
}

TEST(ChatRequestPricing, ServiceTierIsRecorded) {
    EXPECT_EQ(accepted("").service_tier, "");
    EXPECT_EQ(accepted(R"("service_tier":"flex")").service_tier, "flex");
    expect_refused(R"("service_tier":3)", "service_tier");
}

TEST(ChatRequestPricing, StandardTiersUseTheModelsPrice) {
    const ModelConfig model = model_with_flex();
    for (const char* extra : {"", R"("service_tier":"auto")", R"("service_tier":"default")"}) {
        const auto price = price_for_request(accepted(extra), model);
        ASSERT_TRUE(std::holds_alternative<const ModelPrice*>(price)) << extra;
        EXPECT_EQ(std::get<const ModelPrice*>(price), &model.price) << extra;
    }
}

TEST(ChatRequestPricing, APricedTierUsesItsOwnPrice) {
    const ModelConfig model = model_with_flex();
    const auto price = price_for_request(accepted(R"("service_tier":"flex")"), model);
    ASSERT_TRUE(std::holds_alternative<const ModelPrice*>(price));
    EXPECT_EQ(std::get<const ModelPrice*>(price), &model.service_tier_prices.at("flex"));
}

TEST(ChatRequestPricing, AnUnpricedTierIsRefusedNamingServiceTier) {
    const ModelConfig model = model_with_flex();
    const auto price = price_for_request(accepted(R"("service_tier":"priority")"), model);
    const auto* error = std::get_if<ApiError>(&price);
    ASSERT_NE(error, nullptr);
    EXPECT_EQ(error->code, ErrorCode::invalid_request);
    EXPECT_EQ(error->param, "service_tier");
    EXPECT_NE(error->message.find("\"flex\""), std::string::npos) << error->message;
}

}  // namespace
}  // namespace creditgate
