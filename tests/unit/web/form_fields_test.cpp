// Form bodies and queries: decoding as browsers encode, and duplicates kept visible.
#include "creditgate/web/form_fields.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

TEST(FormFields, DecodesPlusAsSpaceAndPercentEscapes) {
    auto form = FormFields::parse("name=my+app&models=gpt-4o-mini%2Cclaude-*&note=a%2Bb%26c");
    ASSERT_TRUE(form);
    EXPECT_EQ(form->get("name"), "my app");
    EXPECT_EQ(form->get("models"), "gpt-4o-mini,claude-*");
    EXPECT_EQ(form->get("note"), "a+b&c");
}

TEST(FormFields, AbsentFieldsAreNulloptAndEmptyValuesAreEmpty) {
    auto form = FormFields::parse("state=&flag");
    ASSERT_TRUE(form);
    EXPECT_EQ(form->get("state"), "");
    EXPECT_EQ(form->get("flag"), "");
    EXPECT_EQ(form->get("missing"), std::nullopt);
    EXPECT_EQ(form->value_or_empty("missing"), "");
}

TEST(FormFields, AFieldGivenTwiceIsSeenWithBothValuesInOrder) {
    auto form = FormFields::parse("model=a&redirect_uri=x&model=b");
    ASSERT_TRUE(form);
    EXPECT_EQ(form->count("model"), 2u);
    EXPECT_EQ(form->all("model"), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(form->get("model"), "a");
    EXPECT_EQ(form->first_duplicate(), "model");
    EXPECT_EQ(FormFields::parse("a=1&b=2")->first_duplicate(), std::nullopt);
}

TEST(FormFields, ABadPercentEscapeIsRefused) {
    EXPECT_FALSE(FormFields::parse("key=%zz"));
    EXPECT_FALSE(FormFields::parse("key=%4"));
}

TEST(FormFields, ReadsTheQueryOfARequestTarget) {
    auto query = FormFields::from_target("/sign-in?next=%2Faccount%3Fbefore%3D5");
    ASSERT_TRUE(query);
    EXPECT_EQ(query->get("next"), "/account?before=5");
    auto none = FormFields::from_target("/account");
    ASSERT_TRUE(none);
    EXPECT_EQ(none->count("next"), 0u);
    EXPECT_TRUE(FormFields::parse(""));
}

}  // namespace
}  // namespace creditgate
