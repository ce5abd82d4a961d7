#pragma once
// A redirect URI an OAuth client may register (RFC 9700 §2.1, §4.1): absolute, https, or http
// only to this machine (localhost, 127.0.0.1, [::1]: native apps' loopback redirects), with a
// host, no user info and no fragment. Registered URIs are later compared byte for byte.
#include <optional>
#include <string>
#include <string_view>

namespace creditgate {

inline constexpr std::size_t kMaxRedirectUriChars = 2000;

// Why the URI may not be registered; nullopt when it may.
std::optional<std::string> redirect_uri_problem(std::string_view uri);

}  // namespace creditgate
