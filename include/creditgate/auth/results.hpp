#pragma once
// Every key operation answers with a named result of its own: a key limit is not a money error.

namespace creditgate {

enum class AuthResult {
    ok,
    account_not_found,
    key_not_found,  // no such key, or it is already revoked
    too_many_keys,  // the account has KeyRegistry::kMaxKeysPerAccount keys: revoke some first
    unavailable,    // the store failed; nothing was committed
};

}  // namespace creditgate
