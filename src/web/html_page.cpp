#include "creditgate/web/html_page.hpp"

#include "creditgate/auth/api_key.hpp"
#include "creditgate/http/routing.hpp"

namespace creditgate {

namespace {

// No form-action: the consent form's answer is a redirect to the app, which form-action would
// block in browsers that apply it to redirects.
constexpr std::string_view kBaseCsp =
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "frame-ancestors 'none'";

// One small stylesheet for every page: readable without it, no web fonts, no images.
constexpr std::string_view kStyle = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{display:flex;justify-content:space-between;align-items:center;padding:.8rem 1.5rem;background:#1d2330;color:#fff}
header .brand{font-weight:600;letter-spacing:.02em}
header form{margin:0}
main{max-width:60rem;margin:1.5rem auto;padding:0 1.5rem}
section{background:#fff;border:1px solid #dde1e7;border-radius:8px;padding:1rem 1.25rem;margin-bottom:1.25rem}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:0}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eef0f3;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
label{display:block;margin:.6rem 0 .2rem;font-weight:500}
input,select{font:inherit;padding:.4rem .5rem;border:1px solid #c4cad3;border-radius:4px;min-width:16rem}
input[type=checkbox]{min-width:0;margin:0 .5rem 0 0;vertical-align:middle}
fieldset{border:1px solid #dde1e7;border-radius:6px;margin:.6rem 0}fieldset label{font-weight:400;margin:.3rem 0}
button{font:inherit;padding:.4rem .9rem;border-radius:4px;border:1px solid #2d5be3;background:#2d5be3;color:#fff;cursor:pointer}
button.secondary,button.revoke,button.remove{background:#fff;color:#b3261e;border-color:#b3261e}
header button{background:transparent;border-color:#fff;color:#fff}
.error{color:#b3261e;font-weight:500}
.muted{color:#5f6b7a;font-size:.9rem}
code{font-family:ui-monospace,monospace;background:#eef0f3;padding:.15rem .3rem;border-radius:3px;user-select:all;word-break:break-all}
.figures{display:flex;gap:2rem;flex-wrap:wrap}.figures div{min-width:9rem}.figures strong{display:block;font-size:1.3rem}
svg .bar{fill:#2d5be3}svg text{font-size:11px;fill:#1d2330}
)css";

std::string script_nonce() {
    return random_token();
}

}  // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out.push_back(c);
        }
    }
    return out;
}

void set_page_headers(Response& reply, std::string_view nonce) {
    std::string csp(kBaseCsp);
    if (!nonce.empty()) csp += "; script-src 'nonce-" + std::string(nonce) + "'";
    reply.set("Content-Security-Policy", csp);
    reply.set(http::field::x_frame_options, "DENY");
    reply.set(http::field::cache_control, "no-store");
    reply.set("Referrer-Policy", "no-referrer");
    reply.set("X-Content-Type-Options", "nosniff");
}

Response html_page(http::status status, std::string_view title, std::string body_html,
                   const std::string& request_id, HtmlOptions options) {
    const auto nonce = options.script.empty() ? std::string() : script_nonce();
    std::string html;
    html.reserve(body_html.size() + kStyle.size() + 1024);
    html += "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
    html += "<title>" + html_escape(title) + " · creditgate</title><style>";
    html += kStyle;
    html += "</style></head><body><header><span class=\"brand\">creditgate</span>";
    if (!options.csrf_token.empty()) {
        html +=
            "<form method=\"post\" action=\"/sign-out\"><input type=\"hidden\" name=\"csrf\" "
            "value=\"" +
            html_escape(options.csrf_token) +
            "\"><button type=\"submit\" id=\"sign-out\">Sign out</button></form>";
    }
    html += "</header><main><h1>" + html_escape(title) + "</h1>";
    html += body_html;
    html += "</main>";
    if (!nonce.empty()) html += "<script nonce=\"" + nonce + "\">" + options.script + "</script>";
    html += "</body></html>\n";

    Response reply{status, 11};
    reply.set(http::field::content_type, "text/html; charset=utf-8");
    reply.set("x-request-id", request_id);
    set_page_headers(reply, nonce);
    reply.body() = std::move(html);
    reply.prepare_payload();
    return reply;
}

Response redirect_to(std::string location, const std::string& request_id, http::status status) {
    Response reply{status, 11};
    reply.set(http::field::location, location);
    reply.set("x-request-id", request_id);
    set_page_headers(reply);
    reply.prepare_payload();
    return reply;
}

std::string local_next(std::string_view next) {
    // One leading slash, not two (//host is another site), no backslash (browsers read "/\" as
    // "//"), nothing a header could be split with.
    const bool local =
        next.size() > 0 && next.size() <= 2048 && next[0] == '/' &&
        (next.size() == 1 || (next[1] != '/' && next[1] != '\\')) &&
        next.find_first_of(std::string_view("\r\n\t\0", 4)) == std::string_view::npos;
    return local ? std::string(next) : std::string("/account");
}

Response html_error_page(const ApiError& error, const std::string& request_id) {
    auto reply = html_page(error.status, std::string(obsolete_reason(error.status)),
                           "<p id=\"error\" class=\"error\">" + html_escape(error.message) + "</p>",
                           request_id);
    if (!error.allow.empty()) reply.set(http::field::allow, error.allow);
    if (error.status == http::status::too_many_requests) {
        reply.set(
            http::field::retry_after,
            std::to_string(error.retry_after_s > 0 ? error.retry_after_s : kRetryAfterSeconds));
    }
    return reply;
}

}  // namespace creditgate
