// models[...].per_image and image_defaults: what an images request is priced by.
#include <gtest/gtest.h>

#include <string>

#include "config_test_support.hpp"
#include "creditgate/config/config.hpp"

namespace creditgate {
namespace {

using config_test::base_config;
using config_test::parse;
using nlohmann::json;

json with_dalle(json image_defaults = nullptr) {
    json document = base_config();
    json& model = document["models"]["dall-e-3"];
    model = {
        {"provider", "openai"},
        {"input", "0"},
        {"output", "0"},
        {"max_output_tokens", 1},
        {"per_image",
         {{"1024x1024/standard", "0.04"}, {"1024x1024/hd", "0.08"}, {"1792x1024/hd", "0.12"}}}};
    if (!image_defaults.is_null()) model["image_defaults"] = std::move(image_defaults);
    return document;
}

// The ConfigError's path, or "" when the document parses.
std::string error_path(const json& document) {
    try {
        parse(document);
    } catch (const ConfigError& e) {
        return e.json_path();
    }
    return "";
}

TEST(ConfigImagePrices, EachSizeAndQualityIsTheModelsPriceWithItsPerImagePrice) {
    const auto config = parse(with_dalle());
    const auto& model = config.models.at("dall-e-3");
    ASSERT_EQ(model.image_prices.size(), 3u);
    EXPECT_EQ(model.image_prices.at("1792x1024/hd").per_image_nanos, 120'000'000);
    EXPECT_EQ(model.image_prices.at("1024x1024/standard").per_image_nanos, 40'000'000);
    EXPECT_TRUE(model.image_defaults.size.empty());
    EXPECT_TRUE(config.models.at("gpt-4o-mini").image_prices.empty());
}

TEST(ConfigImagePrices, DefaultsNameWhatAnUnsizedRequestIsCharged) {
    const auto config = parse(with_dalle({{"size", "1024x1024"}, {"quality", "standard"}}));
    const auto& defaults = config.models.at("dall-e-3").image_defaults;
    EXPECT_EQ(defaults.size, "1024x1024");
    EXPECT_EQ(defaults.quality, "standard");
}

TEST(ConfigImagePrices, DefaultsChangeThePriceVersion) {
    EXPECT_NE(parse(with_dalle()).price_version,
              parse(with_dalle({{"quality", "standard"}})).price_version);
}

TEST(ConfigImagePrices, DefaultsMustNameAListedPrice) {
    const std::string model = R"(models["dall-e-3"].image_defaults)";
    EXPECT_EQ(error_path(with_dalle({{"size", "256x256"}})), model + ".size");
    EXPECT_EQ(error_path(with_dalle({{"quality", "ultra"}})), model + ".quality");
    EXPECT_EQ(error_path(with_dalle({{"size", "1792x1024"}, {"quality", "standard"}})), model);
    EXPECT_EQ(error_path(with_dalle({{"sise", "1024x1024"}})), model + ".sise");
    json without_prices = with_dalle({{"size", "1024x1024"}});
    without_prices["models"]["dall-e-3"].erase("per_image");
    EXPECT_EQ(error_path(without_prices), model);
}

TEST(ConfigImagePrices, AKeyWithoutSizeAndQualityIsRefused) {
    json document = with_dalle();
    document["models"]["dall-e-3"]["per_image"]["1024x1024"] = "0.04";
    EXPECT_EQ(error_path(document), R"(models["dall-e-3"].per_image["1024x1024"])");
}

}  // namespace
}  // namespace creditgate
