#pragma once
// What a key may do (issue 14): models, endpoints, budgets, expiry, rates, client networks and
// management rights. Every field is optional; an absent one does not limit. The JSON form is the
// one the admin and self-service APIs read and write, money in credits as decimal strings:
//   {"name": "my app", "models": ["gpt-4o-mini", "claude-*"], "endpoints": ["chat"],
//    "budgets": {"day": "1", "week": "5", "month": "20", "lifetime": "100"},
//    "expires_at": "2027-01-01T00:00:00Z", "rpm": 60, "tpm": 100000, "max_concurrent": 4,
//    "cidrs": ["203.0.113.0/24", "::1/128"], "scopes": ["keys:manage"]}
#include <boost/asio/ip/address.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "creditgate/ledger/key_limits.hpp"
#include "creditgate/validate/cidr.hpp"

namespace creditgate {

// The endpoint names a scope may list, as Shape::scope_name() gives them.
inline constexpr std::string_view kScopeEndpoints[] = {"chat",      "completions", "embeddings",
                                                       "responses", "messages",    "images"};
// The management rights a scope may list.
inline constexpr std::string_view kManageKeysScope = "keys:manage";

struct KeyScope {
    std::string name;
    std::optional<std::vector<std::string>> models;     // exact names, or "prefix*"
    std::optional<std::vector<std::string>> endpoints;  // kScopeEndpoints
    KeyLimitSpec limits;                                // budgets, rpm, tpm, max_concurrent
    std::optional<std::int64_t> expires_at_ms;
    std::optional<std::vector<Cidr>> cidrs;
    std::vector<std::string> scopes;  // rights: kManageKeysScope
    bool operator==(const KeyScope&) const = default;
};

struct ScopeError {
    std::string field;  // the offending field as the JSON names it, e.g. "budgets.month"
    std::string message;
};

// Reads a scope from a request body's object (unknown fields refused; an empty object is the
// unlimited scope). `base` is what a PATCH starts from: fields present in `body` replace its,
// a field set to null removes the limit. "budgets" merges the same way per period
// ({"budgets": {"day": null}} drops only the daily one). Lists hold 1 to 100 items ("scopes"
// may be empty); "expires_at" takes what validate/time_text.hpp reads (offsets too).
std::variant<KeyScope, ScopeError> parse_key_scope(const nlohmann::json& body,
                                                   const KeyScope& base = {});
// Stored and replied form: only the fields that limit, in the order above.
nlohmann::json key_scope_json(const KeyScope& scope);
// The stored form back; a scope that does not parse (a corrupt row) is the empty scope's
// opposite: nothing allowed (models = []), so a bad row never widens a key.
KeyScope key_scope_from_stored(std::string_view stored_json);

bool allows_model(const KeyScope& scope, std::string_view model);
bool allows_endpoint(const KeyScope& scope, std::string_view endpoint);
bool allows_address(const KeyScope& scope, const boost::asio::ip::address& address);
bool expired(const KeyScope& scope, std::int64_t now_ms);
bool has_right(const KeyScope& scope, std::string_view right);

// The first field in which `child` would be wider than `parent` (models ⊆, endpoints ⊆, every
// budget and rate ≤, expiry ≤, CIDRs ⊆, rights ⊆), as parse_key_scope names fields; nullopt
// when the child is within. An absent limit is wider than any present one.
std::optional<std::string> first_widened_field(const KeyScope& child, const KeyScope& parent);

}  // namespace creditgate
