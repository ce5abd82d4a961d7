#include "creditgate/validate/redirect_uri.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

TEST(RedirectUri, HttpsAndLoopbackHttpMayBeRegistered) {
    for (const char* uri :
         {"https://app.example/cb", "https://app.example:8443/cb?tenant=1",
          "http://localhost:5173/cb", "http://127.0.0.1/cb", "http://[::1]:9/cb"}) {
        EXPECT_EQ(redirect_uri_problem(uri), std::nullopt) << uri;
    }
}

TEST(RedirectUri, EverythingElseIsRefused) {
    for (const char* uri :
         {"http://app.example/cb", "https://app.example/cb#frag", "/cb", "app.example/cb",
          "https://user@app.example/cb", "javascript:alert(1)", "ftp://app.example/cb",
          "http://localhost.evil.example/cb", "https:///cb", "https://app.example/c b"}) {
        EXPECT_NE(redirect_uri_problem(uri), std::nullopt) << uri;
    }
    EXPECT_NE(redirect_uri_problem("https://app.example/" + std::string(2000, 'a')), std::nullopt);
}

}  // namespace
}  // namespace creditgate
