#pragma once
// The errors of the BYOK vault's results (auth/provider_key_vault.hpp), for the admin routes and
// the caller's own /v1/provider-keys routes alike.
#include <string>
#include <string_view>
#include <variant>

#include "creditgate/config/config.hpp"

#include "creditgate/auth/provider_key_vault.hpp"
#include "creditgate/http/api_error.hpp"

namespace creditgate {

ApiError api_error_from(ProviderKeyResult result, std::string message = {});

// The {provider} last segment of a provider-key path; it must name a configured provider (404
// listing them otherwise).
std::variant<std::string, ApiError> configured_provider(std::string_view path,
                                                        const Config& config);
// The key of a PUT body {"key": "..."}; the body, and any copy but the one returned, is wiped.
std::variant<std::string, ApiError> provider_key_from_body(std::string& body);

}  // namespace creditgate
