// The session cookie's attributes, reading it back, and the CSRF token rules.
#include "creditgate/web/web_sessions.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

Request with_cookies(std::initializer_list<const char*> headers) {
    Request request{http::verb::get, "/account", 11};
    for (const auto* header : headers) request.insert(http::field::cookie, header);
    return request;
}

TEST(SessionCookie, IsHttpOnlyLaxOnTheWholeSiteForTwelveHoursAndSecureUnlessLoopback) {
    EXPECT_EQ(session_set_cookie("tok", true),
              "cg_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200; Secure");
    EXPECT_EQ(session_set_cookie("tok", false),
              "cg_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age=43200");
    EXPECT_EQ(session_clear_cookie(true),
              "cg_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure");
    using boost::asio::ip::make_address;
    EXPECT_FALSE(cookie_needs_secure(make_address("127.0.0.1")));
    EXPECT_FALSE(cookie_needs_secure(make_address("::1")));
    EXPECT_FALSE(cookie_needs_secure(make_address("::ffff:127.0.0.1")));
    EXPECT_TRUE(cookie_needs_secure(make_address("203.0.113.7")));
    EXPECT_TRUE(cookie_needs_secure(make_address("2001:db8::1")));
}

TEST(SessionCookie, IsFoundAmongOtherCookiesInAnyCookieHeader) {
    EXPECT_EQ(session_cookie_of(with_cookies({"a=1; cg_session=abc; b=2"})), "abc");
    EXPECT_EQ(session_cookie_of(with_cookies({"a=1", "cg_session=xyz"})), "xyz");
    EXPECT_EQ(session_cookie_of(with_cookies({"xcg_session=no; cg_sessionx=no"})), std::nullopt);
    EXPECT_EQ(session_cookie_of(with_cookies({"cg_session="})), std::nullopt);
    EXPECT_EQ(session_cookie_of(with_cookies({})), std::nullopt);
}

TEST(CsrfToken, IsDerivedFromTheCookieSoEachSessionHasItsOwn) {
    const auto token = csrf_token_for("cookie-a");
    EXPECT_EQ(token.size(), 64u);
    EXPECT_EQ(token, csrf_token_for("cookie-a"));
    EXPECT_NE(token, csrf_token_for("cookie-b"));
    EXPECT_EQ(token.find_first_not_of("0123456789abcdef"), std::string::npos) << "lowercase hex";
}

TEST(SameSecret, ComparesWholeSecretsOnly) {
    EXPECT_TRUE(same_secret("abc", "abc"));
    EXPECT_FALSE(same_secret("abd", "abc"));
    EXPECT_FALSE(same_secret("ab", "abc"));
    EXPECT_FALSE(same_secret("abcd", "abc"));
    EXPECT_FALSE(same_secret("", "abc"));
}

}  // namespace
}  // namespace creditgate
