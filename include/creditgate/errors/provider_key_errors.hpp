#pragma once
// The errors of the BYOK vault's results (auth/provider_key_vault.hpp), for the admin routes and
// the caller's own /v1/provider-keys routes alike.
#include <string>

#include "creditgate/auth/provider_key_vault.hpp"
#include "creditgate/http/api_error.hpp"

namespace creditgate {

ApiError api_error_from(ProviderKeyResult result, std::string message = {});

}  // namespace creditgate
