// Every page's headers, escaping, and where a sign-in may send the browser.
#include "creditgate/web/html_page.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

constexpr const char* kCsp =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "frame-ancestors 'none'";

void expect_page_headers(const Response& reply) {
    EXPECT_EQ(reply["X-Frame-Options"], "DENY");
    EXPECT_EQ(reply["Cache-Control"], "no-store");
    EXPECT_EQ(reply["Referrer-Policy"], "no-referrer");
    EXPECT_EQ(reply["X-Content-Type-Options"], "nosniff");
    EXPECT_TRUE(std::string(reply["Content-Security-Policy"]).starts_with(kCsp));
}

TEST(HtmlEscape, EscapesEveryCharacterThatCanEndTextOrAnAttribute) {
    EXPECT_EQ(html_escape(R"(<a href="x" onclick='y'>&</a>)"),
              "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    EXPECT_EQ(html_escape("plain ünïcode"), "plain ünïcode");
}

TEST(HtmlPage, CarriesEverySecurityHeaderAndNoScriptSourceWithoutAScript) {
    auto reply = html_page(http::status::ok, "Title <1>", "<p>body</p>", "req_1");
    expect_page_headers(reply);
    EXPECT_EQ(reply["Content-Security-Policy"], kCsp);
    EXPECT_EQ(reply["Content-Type"], "text/html; charset=utf-8");
    EXPECT_NE(reply.body().find("<title>Title &lt;1&gt; · creditgate</title>"), std::string::npos);
    EXPECT_EQ(reply.body().find("<script"), std::string::npos);
    EXPECT_EQ(reply.body().find("sign-out"), std::string::npos) << "signed out: no sign-out form";
}

TEST(HtmlPage, AScriptRunsOnlyThroughANonceFreshForEachPage) {
    HtmlOptions options{"token", "console.log(1)"};
    auto first = html_page(http::status::ok, "T", "", "r", options);
    auto second = html_page(http::status::ok, "T", "", "r", options);
    const std::string csp(first["Content-Security-Policy"]);
    auto at = csp.find("script-src 'nonce-");
    ASSERT_NE(at, std::string::npos);
    const auto nonce = csp.substr(at + 18, csp.size() - at - 19);
    EXPECT_NE(first.body().find("<script nonce=\"" + nonce + "\">console.log(1)</script>"),
              std::string::npos);
    EXPECT_NE(first["Content-Security-Policy"], second["Content-Security-Policy"]);
    EXPECT_NE(first.body().find("id=\"sign-out\""), std::string::npos);
    EXPECT_NE(first.body().find("name=\"csrf\" value=\"token\""), std::string::npos);
}

TEST(HtmlPage, RedirectsAndErrorPagesCarryTheSameHeaders) {
    auto redirect = redirect_to("/account", "r");
    EXPECT_EQ(redirect.result(), http::status::see_other);
    EXPECT_EQ(redirect["Location"], "/account");
    expect_page_headers(redirect);

    auto limited = api_error(ErrorCode::rate_limited, "Too <many>");
    limited.retry_after_s = 42;
    auto page = html_error_page(limited, "r");
    EXPECT_EQ(page.result(), http::status::too_many_requests);
    EXPECT_EQ(page["Retry-After"], "42");
    EXPECT_NE(page.body().find("<p id=\"error\" class=\"error\">Too &lt;many&gt;</p>"),
              std::string::npos);
    expect_page_headers(page);
}

TEST(LocalNext, KeepsPathsOnThisServerAndReplacesAnythingElse) {
    struct Case {
        const char* why;
        const char* next;
        const char* expected;
    };
    const Case cases[] = {
        {"a path", "/account", "/account"},
        {"a path with a query", "/oauth/authorize?client_id=a&x=%2F",
         "/oauth/authorize?client_id=a&x=%2F"},
        {"empty", "", "/account"},
        {"another site", "https://evil.example/", "/account"},
        {"scheme-relative", "//evil.example", "/account"},
        {"backslash browsers read as a slash", "/\\evil.example", "/account"},
        {"a header split", "/a\r\nSet-Cookie: x", "/account"},
        {"relative", "account", "/account"},
    };
    for (const auto& c : cases) EXPECT_EQ(local_next(c.next), c.expected) << c.why;
}

}  // namespace
}  // namespace creditgate
