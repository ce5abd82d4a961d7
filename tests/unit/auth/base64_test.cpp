#include "creditgate/auth/base64.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

TEST(Base64, RoundTripsEveryLengthAroundAPaddingBoundary) {
    std::string bytes;
    for (int i = 0; i < 10; ++i) {
        bytes.push_back(static_cast<char>(0xF0 + i));
        EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes) << "length " << bytes.size();
    }
}

TEST(Base64, EncodesTheRfc4648TestVectors) {
    EXPECT_EQ(base64_encode(""), "");
    EXPECT_EQ(base64_encode("f"), "Zg==");
    EXPECT_EQ(base64_encode("fo"), "Zm8=");
    EXPECT_EQ(base64_encode("foo"), "Zm9v");
    EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

TEST(Base64, DecodesEmptyTextToNoBytes) {
    EXPECT_EQ(base64_decode(""), std::string());
}

TEST(Base64, RefusesMalformedText) {
    struct Case {
        const char* why;
        const char* text;
    };
    for (const auto& c :
         {Case{"not a multiple of 4", "Zm9"}, Case{"unpadded", "Zg"},
          Case{"a character outside the alphabet", "Zm9*"}, Case{"url-safe alphabet", "-_-_"},
          Case{"padding in the middle", "Zg==Zm9v"}, Case{"three padding characters", "Z==="},
          Case{"whitespace", " Zm9v"}, Case{"a newline", "Zm9v\n"},
          Case{"non-canonical padding bits", "Zh=="}}) {
        EXPECT_EQ(base64_decode(c.text), std::nullopt) << c.why;
    }
}

}  // namespace
}  // namespace creditgate
