#pragma once
// Request headers that never cross the proxy, whatever a provider's `forward_headers` lists:
// credentials (the provider's key replaces the caller's), cookies, hop-by-hop and framing
// headers, the ones creditgate sets itself, and the ones that would pick which of the
// operator's OpenAI organisations or projects pays. The config refuses them by name; the proxy
// drops them.
#include <string_view>

namespace creditgate {

bool is_never_forwarded_header(std::string_view name);  // case-insensitive

}  // namespace creditgate
