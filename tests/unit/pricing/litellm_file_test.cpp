// read_litellm_file: numbers keep the text the file wrote, only each entry's own fields are
// kept, and anything ambiguous (a name or field given twice) is marked rather than resolved.
#include "creditgate/pricing/litellm_file.hpp"

#include <gtest/gtest.h>

#include <string>

namespace creditgate {
namespace {

using Kind = LiteLlmValue::Kind;

const LiteLlmValue& field(const LiteLlmFile& file, const std::string& model,
                          const std::string& name) {
    return file.entries.at(model).fields.at(name);
}

TEST(PricingLiteLlmFile, NumbersKeepTheirSourceTextNotADoubleRoundTrip) {
    const LiteLlmFile file = read_litellm_file(R"({"m": {
        "a": 1.5e-07, "b": 0.000015, "c": 3E-6, "d": 1.7999999999999999e-06, "e": 8192,
        "f": 0.0, "g": 100000000000000000000000, "h": -2}})");
    EXPECT_EQ(field(file, "m", "a").text, "1.5e-07");
    EXPECT_EQ(field(file, "m", "b").text, "0.000015");
    EXPECT_EQ(field(file, "m", "c").text, "3E-6");
    EXPECT_EQ(field(file, "m", "d").text, "1.7999999999999999e-06");
    EXPECT_EQ(field(file, "m", "e").text, "8192");
    EXPECT_EQ(field(file, "m", "f").text, "0.0");
    EXPECT_EQ(field(file, "m", "g").text, "100000000000000000000000");  // beyond uint64
    EXPECT_EQ(field(file, "m", "h").text, "-2");
    for (const char* name : {"a", "b", "c", "d", "e", "f", "g", "h"}) {
        EXPECT_EQ(field(file, "m", name).kind, Kind::number) << name;
    }
}

TEST(PricingLiteLlmFile, StringsBooleansAndNullsAreTold) {
    const LiteLlmFile file =
        read_litellm_file(R"({"m": {"mode": "chat", "supports_vision": true, "x": null}})");
    EXPECT_EQ(field(file, "m", "mode").kind, Kind::string);
    EXPECT_EQ(field(file, "m", "mode").text, "chat");
    EXPECT_EQ(field(file, "m", "supports_vision").kind, Kind::boolean);
    EXPECT_EQ(field(file, "m", "x").kind, Kind::null);
}

TEST(PricingLiteLlmFile, NestedValuesAreNotedByKindAndTheirFieldsDoNotLeakIntoTheEntry) {
    const LiteLlmFile file = read_litellm_file(R"({"m": {
        "search_context_cost_per_query": {"search_context_size_low": 0.025, "input_cost_per_token": 9},
        "supported_regions": ["global", {"input_cost_per_token": 9}],
        "input_cost_per_token": 1e-06}, "n": {"mode": "chat"}})");
    EXPECT_EQ(field(file, "m", "search_context_cost_per_query").kind, Kind::object);
    EXPECT_EQ(field(file, "m", "supported_regions").kind, Kind::array);
    EXPECT_EQ(field(file, "m", "input_cost_per_token").text, "1e-06");
    EXPECT_EQ(file.entries.at("m").fields.size(), 3u);
    EXPECT_EQ(field(file, "n", "mode").text, "chat");
    EXPECT_EQ(file.entries.size(), 2u);
}

TEST(PricingLiteLlmFile, AnEntryThatIsNotAnObjectIsMarkedAndTheNextOneStillRead) {
    const LiteLlmFile file =
        read_litellm_file(R"({"a": [1, {"mode": "chat"}], "b": "text", "c": {"mode": "chat"}})");
    EXPECT_FALSE(file.entries.at("a").is_object);
    EXPECT_TRUE(file.entries.at("a").fields.empty());
    EXPECT_FALSE(file.entries.at("b").is_object);
    EXPECT_TRUE(file.entries.at("c").is_object);
    EXPECT_EQ(field(file, "c", "mode").text, "chat");
}

TEST(PricingLiteLlmFile, AModelListedTwiceKeepsNeitherPrice) {
    const LiteLlmFile file = read_litellm_file(
        R"({"m": {"input_cost_per_token": 1e-06}, "m": {"input_cost_per_token": 2e-06}})");
    EXPECT_TRUE(file.entries.at("m").listed_twice);
    EXPECT_TRUE(file.entries.at("m").fields.empty());
}

TEST(PricingLiteLlmFile, AFieldGivenTwiceIsNamed) {
    const LiteLlmFile file = read_litellm_file(
        R"({"m": {"input_cost_per_token": 1e-06, "input_cost_per_token": 2e-06}})");
    EXPECT_EQ(file.entries.at("m").repeated_field, "input_cost_per_token");
}

TEST(PricingLiteLlmFile, InvalidJsonIsAnErrorWithItsPosition) {
    try {
        read_litellm_file(R"({"m": {"input_cost_per_token": 1e-06,}})");
        FAIL() << "expected LiteLlmFileError";
    } catch (const LiteLlmFileError& e) {
        EXPECT_NE(std::string(e.what()).find("not valid JSON at byte"), std::string::npos)
            << e.what();
    }
    EXPECT_THROW(read_litellm_file(""), LiteLlmFileError);
    EXPECT_THROW(read_litellm_file(R"({"m": {}} trailing)"), LiteLlmFileError);
    EXPECT_THROW(read_litellm_file("{\"m\": {} // comment\n}"), LiteLlmFileError);
}

TEST(PricingLiteLlmFile, ATopLevelThatIsNotAnObjectIsAnError) {
    for (const char* text : {"[]", "[{\"m\": {}}]", "1.5e-07", "\"text\"", "null"}) {
        try {
            read_litellm_file(text);
            FAIL() << "expected LiteLlmFileError for " << text;
        } catch (const LiteLlmFileError& e) {
            EXPECT_STREQ(e.what(), "the top level is not a JSON object of models") << text;
        }
    }
}

}  // namespace
}  // namespace creditgate
