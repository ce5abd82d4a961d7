#pragma once
// The consent flow's scope grammar (docs/api.md): space-separated terms, each at most once,
//   models:<m>[,<m>...]   endpoints:<e>[,<e>...]   budget:month:<credits>   expires:<N>d
// e.g. "models:gpt-4o-mini,claude-* budget:month:5 expires:30d". An app proposes limits this
// way, the user narrows them on the consent page, and the token reply names what was approved
// the same way. The key issued gets these limits over those of the key that mints it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "creditgate/auth/key_scope.hpp"

namespace creditgate {

inline constexpr std::int64_t kMaxOAuthExpiryDays = 3650;

struct OAuthScope {
    std::optional<std::vector<std::string>> models;     // exact names, or "prefix*"
    std::optional<std::vector<std::string>> endpoints;  // kScopeEndpoints
    std::optional<std::int64_t> budget_month_nanos;
    std::optional<std::int64_t> expires_in_days;
    bool operator==(const OAuthScope&) const = default;
};

struct OAuthScopeError {
    std::string term;  // the offending term as sent (may be empty for the scope as a whole)
    std::string message;
};

// An empty or all-space text is the empty scope (it proposes nothing).
std::variant<OAuthScope, OAuthScopeError> parse_oauth_scope(std::string_view text);
// The canonical text: terms in the order above; "" for the empty scope.
std::string render_oauth_scope(const OAuthScope& scope);

// The issued key's scope: `minter` (the signing-in key's scope; {} for a root-level key) with
// the approved limits over it. Rights (keys:manage) are never passed on to an app, and the
// expiry is the earlier of the minter's and now + N days: a key cannot outlive its minter.
KeyScope key_scope_for(const OAuthScope& approved, const KeyScope& minter, std::string name,
                       std::int64_t now_ms);

// What the user chose on the consent form, as the form sent it.
struct ConsentChoice {
    std::vector<std::string> models;     // the checked `model` boxes
    std::vector<std::string> endpoints;  // the checked `endpoint` boxes
    std::string budget_month;            // decimal credits; "" for none
    std::string expires_in_days;         // integer; "" for none
};

struct NarrowingError {
    std::string field;  // the form field: model, endpoint, budget_month, expires_in_days
    std::string message;
};

// The approved scope, or the first field that is malformed or would widen what the app
// proposed. A budget may be set when none was proposed; nothing else may be added.
std::variant<OAuthScope, NarrowingError> narrow_oauth_scope(const OAuthScope& proposed,
                                                            const ConsentChoice& choice);

}  // namespace creditgate
