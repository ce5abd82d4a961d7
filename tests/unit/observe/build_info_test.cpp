#include <gtest/gtest.h>

#include <string_view>

// The version the binary reports comes from the CMake project version.
TEST(BuildInfo, VersionIsDefinedByTheBuild) {
    EXPECT_FALSE(std::string_view(CREDITGATE_VERSION).empty());
}
