// The images adapter: which price a request is held and charged at, what is refused, and what
// a reply says for the bill.
#include "creditgate/shapes/images_shape.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "creditgate/shapes/images_reply.hpp"

namespace creditgate {
namespace {

constexpr std::int64_t kNanos = 1'000'000'000;  // one credit

ModelPrice image_price(std::int64_t per_image_nanos, std::int64_t input_nanos_per_mtok = 0) {
    ModelPrice price;
    price.input_nanos_per_mtok = input_nanos_per_mtok;
    price.per_image_nanos = per_image_nanos;
    return price;
}

// Like dall-e-3: three sizes, two qualities, no token prices.
ModelConfig dalle() {
    ModelConfig m;
    m.name = "dall-e-3";
    m.provider = "openai";
    m.upstream_model = "dall-e-3";
    m.max_output_tokens = 1;
    m.image_prices = {{"1024x1024/standard", image_price(kNanos * 4 / 100)},
                      {"1024x1024/hd", image_price(kNanos * 8 / 100)},
                      {"1792x1024/standard", image_price(kNanos * 8 / 100)},
                      {"1792x1024/hd", image_price(kNanos * 12 / 100)}};
    return m;
}

// Like gpt-image-1: the prompt's tokens are priced too.
ModelConfig gpt_image() {
    ModelConfig m = dalle();
    m.name = "gpt-image-1";
    m.upstream_model = "gpt-image-1-upstream";
    m.price.input_nanos_per_mtok = 5 * kNanos;
    m.image_prices = {{"1024x1024/low", image_price(11'000'000, 5 * kNanos)},
                      {"1024x1024/medium", image_price(42'000'000, 5 * kNanos)},
                      {"1024x1024/high", image_price(167'000'000, 5 * kNanos)},
                      {"1536x1024/high", image_price(250'000'000, 5 * kNanos)}};
    return m;
}

ImagesShape parsed(const std::string& body) {
    ImagesShape shape;
    const auto error = shape.parse(body);
    EXPECT_FALSE(error) << (error ? error->message : "");
    return shape;
}

std::int64_t held_per_image(const ImagesShape& shape, const ModelConfig& model) {
    auto price = shape.price(model);
    if (auto* error = std::get_if<ApiError>(&price)) {
        ADD_FAILURE() << error->message;
        return -1;
    }
    return std::get<const ModelPrice*>(price)->per_image_nanos;
}

ApiError refusal(const std::string& body, const ModelConfig& model) {
    ImagesShape shape;
    if (auto error = shape.parse(body)) return *error;
    auto price = shape.price(model);
    if (auto* error = std::get_if<ApiError>(&price)) return *error;
    ADD_FAILURE() << "accepted: " << body;
    return api_error(ErrorCode::not_found, "");
}

TEST(ImagesPrice, ANamedSizeAndQualityAreHeldAtExactlyTheirPrice) {
    const auto shape =
        parsed(R"({"model":"dall-e-3","prompt":"a cat","size":"1792x1024","quality":"standard"})");
    EXPECT_EQ(held_per_image(shape, dalle()), kNanos * 8 / 100);
}

TEST(ImagesPrice, AnOmittedOrAutoDimensionIsHeldAtTheDearestEntryThatMatches) {
    struct Row {
        const char* why;
        const char* body;
        std::int64_t per_image_nanos;
    };
    const Row rows[] = {
        {"both omitted: the dearest of all", R"({"model":"m","prompt":"p"})", kNanos * 12 / 100},
        {"size named, quality omitted", R"({"model":"m","prompt":"p","size":"1024x1024"})",
         kNanos * 8 / 100},
        {"quality named, size auto",
         R"({"model":"m","prompt":"p","size":"auto","quality":"standard"})", kNanos * 8 / 100},
        {"null is like omitted", R"({"model":"m","prompt":"p","size":null,"quality":"hd"})",
         kNanos * 12 / 100},
    };
    for (const auto& row : rows) {
        EXPECT_EQ(held_per_image(parsed(row.body), dalle()), row.per_image_nanos) << row.why;
    }
}

TEST(ImagesPrice, TheReplysReportedSizeAndQualityLowerTheChargeToTheirPrice) {
    auto shape = parsed(R"({"model":"gpt-image-1","prompt":"a cat"})");
    const auto model = gpt_image();
    const ModelPrice* held = std::get<const ModelPrice*>(shape.price(model));
    EXPECT_EQ(held->per_image_nanos, 250'000'000);
    shape.inspect_body(
        R"({"created":1,"size":"1024x1024","quality":"low","data":[{"b64_json":"AA"}]})");
    EXPECT_EQ(shape.charged_price(model, *held).per_image_nanos, 11'000'000);
}

TEST(ImagesPrice, AReplyThatSaysNothingOrSomethingUnlistedIsChargedTheHeldPrice) {
    const auto model = gpt_image();
    for (const char* reply : {R"({"data":[{"b64_json":"AA"}]})",
                              R"({"size":"4096x4096","quality":"low","data":[{"b64_json":"AA"}]})",
                              R"({"size":"1024x1024","data":[{"b64_json":"AA"}]})"}) {
        auto shape = parsed(R"({"model":"gpt-image-1","prompt":"a cat"})");
        const ModelPrice* held = std::get<const ModelPrice*>(shape.price(model));
        shape.inspect_body(reply);
        EXPECT_EQ(&shape.charged_price(model, *held), held) << reply;
    }
}

TEST(ImagesPrice, AReportedSizeTheRequestDidNotAskForCannotChangeTheCharge) {
    const auto model = gpt_image();
    auto shape =
        parsed(R"({"model":"gpt-image-1","prompt":"p","size":"1536x1024","quality":"high"})");
    const ModelPrice* held = std::get<const ModelPrice*>(shape.price(model));
    shape.inspect_body(R"({"size":"1024x1024","quality":"low","data":[{"b64_json":"AA"}]})");
    EXPECT_EQ(shape.charged_price(model, *held).per_image_nanos, 250'000'000);
}

TEST(ImagesPrice, AReplyNamingOnlyTheQualityIsPricedAtTheRequestedSize) {
    const auto model = gpt_image();
    auto shape = parsed(R"({"model":"gpt-image-1","prompt":"p","size":"1024x1024"})");
    const ModelPrice* held = std::get<const ModelPrice*>(shape.price(model));
    EXPECT_EQ(held->per_image_nanos, 167'000'000);
    shape.inspect_body(R"({"quality":"medium","data":[{"b64_json":"AA"}]})");
    EXPECT_EQ(shape.charged_price(model, *held).per_image_nanos, 42'000'000);
}

TEST(ImagesRefusals, EachNamesTheParameterAndNothingUnpricedIsSold) {
    struct Row {
        const char* why;
        const char* body;
        const char* param;
    };
    const Row rows[] = {
        {"not JSON", "{", ""},
        {"no model", R"({"prompt":"p"})", "model"},
        {"no prompt", R"({"model":"dall-e-3"})", "prompt"},
        {"empty prompt", R"({"model":"dall-e-3","prompt":""})", "prompt"},
        {"n zero", R"({"model":"dall-e-3","prompt":"p","n":0})", "n"},
        {"n above 10", R"({"model":"dall-e-3","prompt":"p","n":11})", "n"},
        {"n not an integer", R"({"model":"dall-e-3","prompt":"p","n":"2"})", "n"},
        {"unlisted size", R"({"model":"dall-e-3","prompt":"p","size":"256x256"})", "size"},
        {"unlisted quality", R"({"model":"dall-e-3","prompt":"p","quality":"ultra"})", "quality"},
        {"quality not sold at that size",
         R"({"model":"gpt-image-1","prompt":"p","size":"1536x1024","quality":"low"})", "quality"},
        {"size not a string", R"({"model":"dall-e-3","prompt":"p","size":1024})", "size"},
        {"bad response_format", R"({"model":"dall-e-3","prompt":"p","response_format":"png"})",
         "response_format"},
        {"style not a string", R"({"model":"dall-e-3","prompt":"p","style":1})", "style"},
        {"streamed partial images are not metered",
         R"({"model":"gpt-image-1","prompt":"p","stream":true,"partial_images":2})", "stream"},
    };
    for (const auto& row : rows) {
        const std::string body = row.body;
        const auto error =
            refusal(body, body.find("gpt-image-1") != std::string::npos ? gpt_image() : dalle());
        EXPECT_EQ(error.status, boost::beast::http::status::bad_request) << row.why;
        EXPECT_EQ(error.code, ErrorCode::invalid_request) << row.why;
        EXPECT_EQ(error.param, row.param) << row.why;
    }
}

TEST(ImagesRefusals, AModelWithoutImagePricesDoesNotGenerateImages) {
    ModelConfig chat_model = dalle();
    chat_model.name = "gpt-4o";
    chat_model.image_prices.clear();
    const auto error = refusal(R"({"model":"gpt-4o","prompt":"p"})", chat_model);
    EXPECT_EQ(error.param, "model");
    EXPECT_NE(error.message.find("does not generate images"), std::string::npos);
}

TEST(ImagesShape, HoldsTheNImagesAndThePromptsBytesAndSendsTheProvidersModelName) {
    auto shape = parsed(R"({"model":"gpt-image-1","prompt":"a cat","n":3,"style":"vivid"})");
    const auto bounds = shape.bounds(gpt_image());
    EXPECT_EQ(bounds.images, 3);
    EXPECT_EQ(bounds.prompt_tokens, 5 + kImagePromptTokensAllowance);
    EXPECT_EQ(bounds.output_tokens, 0);
    const auto body = nlohmann::json::parse(shape.upstream_body(gpt_image()));
    EXPECT_EQ(body["model"], "gpt-image-1-upstream");
    EXPECT_EQ(body["style"], "vivid");
    EXPECT_EQ(shape.upstream_path(), "/images/generations");
    EXPECT_FALSE(shape.stream());
}

TEST(ImagesShape, ChargesTheImagesDeliveredAndTheReportedInputTokensButNeverOutputTokens) {
    auto shape = parsed(R"({"model":"gpt-image-1","prompt":"a cat","n":2})");
    shape.upstream_body(gpt_image());
    shape.inspect_body(
        R"({"data":[{"b64_json":"AA"},{"b64_json":"BB"}],"usage":{"input_tokens":10,"input_tokens_details":{"text_tokens":10},"output_tokens":2112,"total_tokens":2122}})");
    ASSERT_TRUE(shape.usage());
    EXPECT_TRUE(shape.usage()->billable());
    const auto counts = shape.usage()->to_counts();
    EXPECT_EQ(counts.images, 2);
    EXPECT_EQ(counts.prompt_tokens, 10);
    EXPECT_EQ(counts.completion_tokens, 0);
    const auto raw = nlohmann::json::parse(shape.usage()->raw);
    EXPECT_EQ(raw["images"], 2);
    EXPECT_EQ(raw["output_tokens"], 2112);
}

TEST(ImagesShape, MoreImagesThanAskedForAreChargedAsN) {
    auto shape = parsed(R"({"model":"dall-e-3","prompt":"p","n":1})");
    shape.upstream_body(dalle());
    shape.inspect_body(R"({"data":[{"url":"a"},{"url":"b"}]})");
    EXPECT_EQ(shape.usage()->images, 1);
}

TEST(ImagesShape, MissingInputTokensAreUnknownOnlyWhenTheEntryPricesThem) {
    auto dalle_shape = parsed(R"({"model":"dall-e-3","prompt":"p"})");
    dalle_shape.upstream_body(dalle());
    dalle_shape.inspect_body(R"({"data":[{"url":"a"}]})");
    EXPECT_TRUE(dalle_shape.usage()->billable()) << "an entry that prices no tokens owes none";

    auto gpt_shape = parsed(R"({"model":"gpt-image-1","prompt":"p"})");
    gpt_shape.upstream_body(gpt_image());
    gpt_shape.inspect_body(R"({"data":[{"b64_json":"AA"}]})");
    EXPECT_FALSE(gpt_shape.usage()->billable()) << "unknown priced tokens are estimated, not free";
    EXPECT_EQ(gpt_shape.usage()->images, 1);
}

TEST(ImagesReply, CountsTheDataEntriesAndReadsWhatTheBillNeeds) {
    const auto view = inspect_images_reply(
        R"({"created":1,"data":[{"b64_json":"AA","revised_prompt":"x"},{"url":"u"},{"b64_json":"CC"}],)"
        R"("size":"1024x1536","quality":"high","usage":{"input_tokens":7,"input_tokens_details":{"text_tokens":7},"output_tokens":99}})");
    EXPECT_TRUE(view.valid_json);
    EXPECT_EQ(view.images, 3);
    EXPECT_EQ(view.size, "1024x1536");
    EXPECT_EQ(view.quality, "high");
    EXPECT_EQ(view.input_tokens, 7);
    EXPECT_EQ(view.output_tokens, 99);
    EXPECT_FALSE(view.total_tokens);
}

TEST(ImagesReply, NestedLookalikesAreNotCounted) {
    const auto view = inspect_images_reply(
        R"({"meta":{"data":[{},{}],"size":"1x1","usage":{"input_tokens":5}},"data":[{"x":{"data":[1]}}]})");
    EXPECT_EQ(view.images, 1);
    EXPECT_EQ(view.size, "");
    EXPECT_FALSE(view.input_tokens);
}

TEST(ImagesReply, ABodyThatIsNotOneJsonObjectHasNoImages) {
    for (const char* body : {"", "[1,2]", R"({"data":[{}])", "not json"}) {
        const auto view = inspect_images_reply(body);
        EXPECT_FALSE(view.valid_json) << body;
        EXPECT_EQ(view.images, 0) << body;
    }
}

TEST(ImagesDefaults, AnOmittedDimensionIsTheModelsDefaultPricedExactlyAndSentUpstream) {
    ModelConfig model = dalle();
    model.image_defaults = {"1024x1024", "standard"};
    auto shape = parsed(R"({"model":"dall-e-3","prompt":"p"})");
    EXPECT_EQ(held_per_image(shape, model), kNanos * 4 / 100);
    const auto body = nlohmann::json::parse(shape.upstream_body(model));
    EXPECT_EQ(body["size"], "1024x1024") << "the provider makes exactly what is charged";
    EXPECT_EQ(body["quality"], "standard");
}

TEST(ImagesDefaults, ANamedDimensionOrAutoIsNotReplacedByTheDefault) {
    ModelConfig model = dalle();
    model.image_defaults = {"1024x1024", "standard"};
    auto named = parsed(R"({"model":"dall-e-3","prompt":"p","quality":"hd"})");
    EXPECT_EQ(held_per_image(named, model), kNanos * 8 / 100);
    auto chosen_by_provider = parsed(R"({"model":"dall-e-3","prompt":"p","size":"auto"})");
    EXPECT_EQ(held_per_image(chosen_by_provider, model), kNanos * 8 / 100)
        << "the dearest size at the default quality";
    const auto body = nlohmann::json::parse(chosen_by_provider.upstream_body(model));
    EXPECT_EQ(body["size"], "auto");
    EXPECT_EQ(body["quality"], "standard");
}

}  // namespace
}  // namespace creditgate
