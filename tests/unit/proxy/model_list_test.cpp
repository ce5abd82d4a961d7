// GET /v1/models: each model's prices as configured, the mark-up apart and included.
#include "creditgate/proxy/model_list.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace creditgate {
namespace {

nlohmann::json triple(const char* provider, const char* markup, const char* price) {
    return {{"provider", provider}, {"markup", markup}, {"price", price}};
}

Config config_with_one_model() {
    Config config;
    config.markup = Markup{12'500'000'000, 1'000'000};  // 12.5 % and 0.001 per request
    // Built from strings, not literals: GCC 12 -O3 flags a literal assigned to a std::string
    // member here with a false -Wrestrict.
    ModelConfig model;
    model.provider = std::string("p");
    model.price.input_nanos_per_mtok = 2'500'000'000;         // 2.5
    model.price.cached_input_nanos_per_mtok = 1'250'000'000;  // 1.25
    model.price.output_nanos_per_mtok = 10'000'000'000;       // 10
    model.price.reasoning_nanos_per_mtok = 7;                 // 0.000000007: 12.5 % rounds up
    model.price.per_request_nanos = 400'000;                  // 0.0004
    ModelPrice image = model.price;
    image.per_image_nanos = 80'000'000;  // 0.08
    model.image_prices.emplace("1024x1024/hd", image);
    ModelPrice flex = model.price;
    flex.input_nanos_per_mtok = 1'000'000'000;
    model.service_tier_prices.emplace("flex", flex);
    config.models.emplace("m", model);
    return config;
}

TEST(ModelList, EveryClassShowsProviderPriceMarkupAndTheirSum) {
    const auto body = nlohmann::json::parse(models_list_body(config_with_one_model()));
    EXPECT_EQ(body["object"], "list");
    const auto& model = body["data"][0];
    EXPECT_EQ(model["id"], "m");
    EXPECT_EQ(model["object"], "model");
    EXPECT_EQ(model["owned_by"], "p");
    const auto& pricing = model["pricing"];
    EXPECT_EQ(pricing["markup"],
              (nlohmann::json{{"percent", "12.5"}, {"fixed_per_request", "0.001"}}));
    EXPECT_EQ(pricing["input"], triple("2.5", "0.3125", "2.8125"));
    EXPECT_EQ(pricing["cached_input"], triple("1.25", "0.15625", "1.40625"));
    EXPECT_EQ(pricing["output"], triple("10", "1.25", "11.25"));
    EXPECT_EQ(pricing["reasoning"], triple("0.000000007", "0.000000001", "0.000000008"));
    // The fixed fee is charged once per request: it is in per_request and nowhere else.
    EXPECT_EQ(pricing["per_request"], triple("0.0004", "0.00105", "0.00145"));
    EXPECT_EQ(pricing["per_image"]["1024x1024/hd"], triple("0.08", "0.01", "0.09"));
    EXPECT_EQ(pricing["service_tiers"]["flex"]["input"], triple("1", "0.125", "1.125"));
}

TEST(ModelList, ClassesTheModelDoesNotSellOrPriceApartAreLeftOut) {
    auto config = config_with_one_model();
    auto& model = config.models.at("m");
    model.price.reasoning_nanos_per_mtok.reset();
    model.image_prices.clear();
    model.service_tier_prices.clear();
    const auto pricing = nlohmann::json::parse(models_list_body(config))["data"][0]["pricing"];
    EXPECT_FALSE(pricing.contains("cache_write"));
    EXPECT_FALSE(pricing.contains("reasoning"));
    EXPECT_FALSE(pricing.contains("per_image"));
    EXPECT_FALSE(pricing.contains("service_tiers"));
    model.price.cache_write_nanos_per_mtok = 3'000'000'000;
    EXPECT_EQ(nlohmann::json::parse(models_list_body(config))["data"][0]["pricing"]["cache_write"],
              triple("3", "0.375", "3.375"));
}

}  // namespace
}  // namespace creditgate
