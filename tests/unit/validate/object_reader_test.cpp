#include "creditgate/validate/object_reader.hpp"

#include <gtest/gtest.h>

namespace creditgate::validate {
namespace {

// The path and reason of the FieldError that `read` throws.
template <typename Read>
std::pair<std::string, std::string> failure_of(Read read) {
    try {
        read();
    } catch (const FieldError& e) {
        return {e.json_path(), e.reason()};
    }
    ADD_FAILURE() << "no FieldError thrown";
    return {};
}

TEST(ObjectReader, UnknownFieldIsReportedAtItsPathWithASuggestion) {
    const json body = {{"amount", "1"}, {"amuont", "2"}};
    auto [path, reason] = failure_of([&] {
        ObjectReader reader(body, "", {"amount", "reference"});
    });
    EXPECT_EQ(path, "amuont");
    EXPECT_NE(reason.find("did you mean \"amount\""), std::string::npos) << reason;
}

TEST(ObjectReader, NestedFieldsAreNamedWithDotsAndMapEntriesWithBrackets) {
    const json model = {{"input", "1"}, {"ouptut", "2"}};
    const std::string model_path = entry_path("models", "gpt-4o");
    auto [path, reason] = failure_of([&] { ObjectReader reader(model, model_path, {"input"}); });
    EXPECT_EQ(path, "models[\"gpt-4o\"].ouptut");
}

TEST(ObjectReader, MissingRequiredFieldNamesItsPath) {
    const json database = json::object();
    ObjectReader reader(database, "database", {"sqlite"});
    auto [path, reason] = failure_of([&] { reader.required("sqlite"); });
    EXPECT_EQ(path, "database.sqlite");
    EXPECT_EQ(reason, "missing required field");
    EXPECT_EQ(reader.optional("sqlite"), nullptr);
}

TEST(ObjectReader, ANonObjectIsRejectedWithItsType) {
    auto [path, reason] = failure_of([] { ObjectReader reader(json::array(), "limits", {}); });
    EXPECT_EQ(path, "limits");
    EXPECT_EQ(reason, "expected an object, got an array");
}

TEST(RequireInteger, RejectsFractionsBooleansAndOutOfRangeValuesAtThePath) {
    EXPECT_EQ(require_integer(json(5), "threads", 1, 256), 5);
    for (const json& value : {json(1.5), json(true), json(0), json(257), json("5")}) {
        auto [path, reason] = failure_of([&] { require_integer(value, "threads", 1, 256); });
        EXPECT_EQ(path, "threads") << value.dump();
        EXPECT_NE(reason.find("expected an integer from 1 to 256"), std::string::npos) << reason;
    }
}

TEST(RequireString, RejectsAnEmbeddedNul) {
    auto [path, reason] = failure_of([] { require_string(json(std::string("a\0b", 3)), "name"); });
    EXPECT_EQ(path, "name");
}

}  // namespace
}  // namespace creditgate::validate
