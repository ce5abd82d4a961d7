#pragma once
// Which headers cross the proxy. Requests: everything end-to-end except credentials, hop-by-hop
// and framing headers (the provider's key replaces the caller's). Replies: a short allow-list,
// so the operator's provider account details (organisation, rate limits, cookies) stay private.
#include <boost/beast/http/fields.hpp>

namespace creditgate {

void copy_request_headers(const boost::beast::http::fields& from, boost::beast::http::fields& to);
void copy_response_headers(const boost::beast::http::fields& from, boost::beast::http::fields& to);

}  // namespace creditgate
