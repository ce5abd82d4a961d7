// The embeddings adapter: input forms, no streaming, input tokens only, usage found in a large
// reply without parsing its vectors.
#include "creditgate/shapes/embeddings_shape.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace creditgate {
namespace {

ModelConfig model() {
    ModelConfig m;
    m.name = "text-embedding-3-small";
    m.upstream_model = "text-embedding-3-small";
    m.max_output_tokens = 1;
    return m;
}

std::string param_of(const std::string& body) {
    EmbeddingsShape shape;
    auto error = shape.parse(body);
    return error ? error->param : "<accepted>";
}

TEST(EmbeddingsShape, BadFieldsAreRefusedByName) {
    EXPECT_EQ(param_of(R"({"model":"m","input":"hi","encoding_format":"base64"})"), "<accepted>");
    EXPECT_EQ(param_of(R"({"model":"m","input":[[1,2]],"dimensions":256})"), "<accepted>");
    EXPECT_EQ(param_of(R"({"model":"m","input":"hi","stream":false})"), "<accepted>");
    EXPECT_EQ(param_of(R"({"model":"m","input":"hi","stream":true})"), "stream");
    EXPECT_EQ(param_of(R"({"model":"m","input":"hi","encoding_format":"int8"})"),
              "encoding_format");
    EXPECT_EQ(param_of(R"({"model":"m","input":"hi","dimensions":0})"), "dimensions");
    EXPECT_EQ(param_of(R"({"model":"m","input":7})"), "input");
    EXPECT_EQ(param_of(R"({"model":"m"})"), "input");
}

TEST(EmbeddingsShape, OnlyInputTokensAreHeld) {
    EmbeddingsShape shape;
    ASSERT_FALSE(shape.parse(R"({"model":"m","input":["héllo",[1,2,3]]})"));
    const auto bounds = shape.bounds(model());
    EXPECT_EQ(bounds.prompt_tokens, (6 + 4) + (3 + 4));
    EXPECT_EQ(bounds.output_tokens, 0);
    EXPECT_FALSE(shape.stream());
    EXPECT_EQ(nlohmann::json::parse(shape.upstream_body(model()))["model"],
              "text-embedding-3-small");
}

TEST(EmbeddingsShape, UsageIsFoundAfterManyVectorsAndHasNoCompletion) {
    std::string body = R"({"object":"list","data":[)";
    for (int i = 0; i < 200; ++i) {
        if (i > 0) body += ',';
        body += R"({"object":"embedding","index":)" + std::to_string(i) + R"(,"embedding":[)";
        for (int d = 0; d < 256; ++d) body += (d > 0 ? ",-0.0123456" : "0.5");
        body += "]}";
    }
    body += R"(],"model":"usage","usage":{"prompt_tokens":321,"total_tokens":321}})";
    EmbeddingsShape shape;
    ASSERT_FALSE(shape.parse(R"({"model":"m","input":"hi"})"));
    shape.inspect_body(body);
    ASSERT_TRUE(shape.usage());
    EXPECT_EQ(shape.usage()->prompt_tokens, 321);
    EXPECT_EQ(shape.usage()->completion_tokens, 0);
    EXPECT_EQ(shape.usage()->raw, R"({"prompt_tokens":321,"total_tokens":321})");
    EXPECT_TRUE(shape.usage()->billable());
}

TEST(EmbeddingsShape, AReplyWithoutUsageOrThatIsNotJsonHasNoUsage) {
    EmbeddingsShape shape;
    ASSERT_FALSE(shape.parse(R"({"model":"m","input":"hi"})"));
    shape.inspect_body(R"({"object":"list","data":[]})");
    EXPECT_FALSE(shape.usage());
    shape.inspect_body(R"({"object":"list","usage":{"prompt_tokens":3})");  // cut off
    EXPECT_FALSE(shape.usage());
}

}  // namespace
}  // namespace creditgate
