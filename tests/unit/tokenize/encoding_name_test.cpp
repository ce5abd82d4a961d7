// Which encoding an upstream model name is counted with.
#include <gtest/gtest.h>

#include <optional>

#include "creditgate/tokenize/encoding_name.hpp"

namespace creditgate {
namespace {

struct FamilyRow {
    const char* upstream_model;
    std::optional<EncodingName> expected;
};

class TokenizeModelFamily : public testing::TestWithParam<FamilyRow> {};

TEST_P(TokenizeModelFamily, PicksTheEncodingOpenAIUses) {
    EXPECT_EQ(encoding_for_openai_model(GetParam().upstream_model), GetParam().expected)
        << GetParam().upstream_model;
}

INSTANTIATE_TEST_SUITE_P(
    Families, TokenizeModelFamily,
    testing::Values(FamilyRow{"gpt-4o", EncodingName::o200k_base},
                    FamilyRow{"gpt-4o-mini-2024-07-18", EncodingName::o200k_base},
                    FamilyRow{"gpt-4.1-nano", EncodingName::o200k_base},
                    FamilyRow{"gpt-5-mini", EncodingName::o200k_base},
                    FamilyRow{"o1-preview", EncodingName::o200k_base},
                    FamilyRow{"o3-mini", EncodingName::o200k_base},
                    FamilyRow{"o4-mini", EncodingName::o200k_base},
                    FamilyRow{"openai/gpt-4o", EncodingName::o200k_base},
                    FamilyRow{"gpt-4", EncodingName::cl100k_base},
                    FamilyRow{"gpt-4-turbo", EncodingName::cl100k_base},
                    FamilyRow{"gpt-3.5-turbo", EncodingName::cl100k_base},
                    FamilyRow{"claude-3-5-sonnet", std::nullopt},
                    FamilyRow{"llama3.1:8b", std::nullopt}, FamilyRow{"mock-model", std::nullopt}));

TEST(TokenizeEncodingName, NamesRoundTrip) {
    EXPECT_EQ(encoding_from_string("o200k_base"), EncodingName::o200k_base);
    EXPECT_EQ(encoding_from_string("cl100k_base"), EncodingName::cl100k_base);
    EXPECT_EQ(encoding_from_string("bytes"), std::nullopt);
    EXPECT_EQ(to_string(EncodingName::cl100k_base), "cl100k_base");
}

}  // namespace
}  // namespace creditgate
