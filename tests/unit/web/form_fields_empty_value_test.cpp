#include <gtest/gtest.h>

#include "creditgate/web/form_fields.hpp"

namespace creditgate {
namespace {

// A query ending in an empty value, inside a larger buffer (as a request target is): the value
// is empty, never the bytes that follow the query.
TEST(FormFieldsEmptyValue, EmptyLastValueIsEmpty) {
    const std::string buffer = "a=1&scope=\"no-such-thing";
    const auto fields = FormFields::parse(std::string_view(buffer).substr(0, 10));
    ASSERT_TRUE(fields);
    EXPECT_EQ(fields->get("scope"), std::string());
    EXPECT_EQ(fields->get("a"), "1");
}

}  // namespace
}  // namespace creditgate
