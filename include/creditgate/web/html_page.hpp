#pragma once
// The house layout of every page (inline style, no external assets) and the headers every page
// carries: a strict Content-Security-Policy, no framing, no caching, no referrer, no sniffing.
// Redirects and the HTML error page carry the same headers.
#include <string>
#include <string_view>

#include "creditgate/http/api_error.hpp"
#include "creditgate/http/session.hpp"

namespace creditgate {

struct HtmlOptions {
    // Signed in: the page's header gets the sign-out form (button id `sign-out`) with this token.
    std::string csrf_token;
    // JavaScript run by the page, inline; the CSP allows exactly this script through a nonce.
    std::string script;
};

// Text made safe inside HTML elements and quoted attribute values.
std::string html_escape(std::string_view text);

Response html_page(http::status status, std::string_view title, std::string body_html,
                   const std::string& request_id, HtmlOptions options = {});

// 303 See Other by default (after a POST the browser GETs `location`); 302 for the OAuth
// redirect back to an app.
Response redirect_to(std::string location, const std::string& request_id,
                     http::status status = http::status::see_other);

// `next` when it is a path on this server ("/account", "/oauth/authorize?..."), else /account:
// a sign-in never sends the browser to another site.
std::string local_next(std::string_view next);

// The error as a page: its status, its message in element id `error`, and Allow (405) or
// Retry-After (429) as the error needs.
Response html_error_page(const ApiError& error, const std::string& request_id);

// The headers every HTML reply carries; `script_nonce` allows one inline script when not empty.
void set_page_headers(Response& reply, std::string_view script_nonce = {});

}  // namespace creditgate
