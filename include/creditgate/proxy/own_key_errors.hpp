#pragma once
// What a client is told when a request depends on the account's own provider key (BYOK) and
// that key is missing, unusable, or refused by the provider. creditgate never falls back to the
// operator's key: each of these ends the request.
#include <string>

#include "creditgate/http/api_error.hpp"

namespace creditgate {

// 403 model_not_allowed: a "byok_only" model and no key stored for its provider.
ApiError own_key_required_error(const std::string& model, const std::string& provider);

// 503 unavailable: a key is stored but does not decrypt (another master key, or none configured).
ApiError own_key_unusable_error(const std::string& provider);

// The provider's own status (401 or 403): it refused the account's key. The provider's message
// is not relayed: it may quote part of the key.
ApiError own_key_rejected_error(unsigned provider_status, const std::string& provider);

// A provider status that means "this credential is refused".
inline bool rejects_credential(unsigned status) {
    return status == 401 || status == 403;
}

}  // namespace creditgate
