#pragma once
// Which headers cross the proxy. Requests: an allow-list (the headers the OpenAI API shape
// defines, plus the provider's configured `forward_headers`), so a secret the client sends for
// another service (x-goog-api-key, a cookie) never reaches the provider; the provider's key
// replaces the caller's. Replies: a short allow-list, so the operator's provider account details
// (organisation, rate limits, cookies) stay private.
#include <span>
#include <string>
#include <string_view>

#include <boost/beast/http/fields.hpp>

namespace creditgate {

// True for a request header the OpenAI shape lets through whatever the provider config says:
// accept, content-type, user-agent, openai-beta and the SDKs' x-stainless-* telemetry.
bool is_openai_shape_header(std::string_view name);

// Copies the allowed request headers. `forward_headers` are extra names (lower case) the
// provider accepts (ProviderConfig::forward_headers). Headers named in the client's Connection
// header are hop-by-hop and dropped (RFC 9110 7.6.1). Accept-Encoding is always `identity`: the
// reply is parsed for usage and must not be compressed.
void copy_request_headers(const boost::beast::http::fields& from, boost::beast::http::fields& to,
                          std::span<const std::string> forward_headers);

void copy_response_headers(const boost::beast::http::fields& from, boost::beast::http::fields& to);

}  // namespace creditgate
