#pragma once
// Authorization codes on the ledger's writer queue (like KeyRegistry's reads):
// issuing one when the user approves, and exchanging one for a key. A code is stored by its
// SHA-256, used once, and a second use revokes the key issued from it, also when the second use
// races the first (see exchange()).
#include <cstdint>
#include <optional>
#include <string>

#include "creditgate/auth/key_registry.hpp"
#include "creditgate/ledger/ledger.hpp"
#include "creditgate/store/records.hpp"
#include "creditgate/web/oauth_scope.hpp"

namespace creditgate {

inline constexpr std::int64_t kOAuthCodeLifetimeMs = 60'000;

struct CodeGrant {
    std::string client_id;
    std::string redirect_uri;
    std::string code_challenge;
    std::int64_t account_id = 0;
    std::optional<std::int64_t> parent_key_id;  // the signed-in key; none: signed in by link
    OAuthScope approved;
};

struct TokenRequest {
    std::string code;
    std::string code_verifier;
    std::string redirect_uri;
    std::string client_id;
};

enum class TokenResult { ok, invalid_client, invalid_grant, unavailable };

struct TokenOutcome {
    TokenResult result = TokenResult::unavailable;
    std::string description;  // why not (RFC 6749 §5.2 error_description)
    std::string access_token;
    std::optional<std::int64_t> expires_in_s;
    std::string scope;  // the approved scope, in the grammar
};

// A handle on the ledger and the keys, cheap to copy: each step's callback holds its own copy,
// so a caller may let a temporary OAuthCodes go as soon as it has called.
class OAuthCodes {
  public:
    OAuthCodes(Ledger& ledger, KeyRegistry& keys) : ledger_(ledger), keys_(keys) {}

    void find_client(std::string client_id, Callback<std::optional<OAuthClientRecord>> done) const;
    // Stores a new code for the grant; the plaintext code, or nullopt if the store failed.
    void issue(CodeGrant grant, Callback<std::optional<std::string>> done) const;
    void exchange(TokenRequest request, Callback<TokenOutcome> done) const;

  private:
    struct Redemption;
    void mint(std::shared_ptr<Redemption> redemption, Callback<TokenOutcome> done) const;
    void record_key(std::shared_ptr<Redemption> redemption, CreatedKey created,
                    Callback<TokenOutcome> done) const;

    Ledger& ledger_;
    KeyRegistry& keys_;
};

}  // namespace creditgate
