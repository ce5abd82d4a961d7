#pragma once
// Rows as the store persists them. Plain data; the ledger owns the rules that relate them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace creditgate {

struct AccountRecord {
    std::int64_t id = 0;
    std::string name;
    std::int64_t created_at_ms = 0;
    std::int64_t balance_nanos = 0;  // balance_after of the account's newest entry (0 if none)
};

struct KeyRecord {
    std::int64_t id = 0;
    std::int64_t account_id = 0;
    std::string name;
    std::string hash;    // SHA-256 of the full key, lowercase hex
    std::string prefix;  // first characters of the key, for display only
    std::int64_t created_at_ms = 0;
    std::optional<std::int64_t> revoked_at_ms;
    std::optional<std::int64_t> parent_id;  // the key that minted it (sub-keys)
    std::string scope_json;                 // its scope (auth/key_scope.hpp), "{}" when none
};

// One change to keys or secrets, with who made it: the admin token's name, or "key:<id>" for
// a key managing its own account.
struct AuditRecord {
    std::int64_t id = 0;
    std::int64_t at_ms = 0;
    std::string actor;
    std::string action;  // "key.create", "key.update", "key.revoke", "provider_key.put", ...
    std::optional<std::int64_t> account_id;
    std::string target;  // what changed, e.g. "key:42" or "provider_key:openai"
    std::string detail;  // JSON: the new scope, never a secret
};

// A user's own provider key (BYOK), encrypted: AES-256-GCM under master key `master_key_id`,
// with the account id and provider as associated data.
struct ProviderKeyRecord {
    std::int64_t account_id = 0;
    std::string provider;
    std::string master_key_id;
    std::string nonce_b64;       // base64 of the 12-byte nonce
    std::string ciphertext_b64;  // base64 of the ciphertext with its 16-byte tag appended
    std::string last4;           // the key's last 4 characters, for display
    std::int64_t created_at_ms = 0;
};

// Spend of one key (its own charges, not its sub-keys'): since each of the current day, week
// and month began, and in all.
struct KeySpendRecord {
    std::int64_t key_id = 0;
    std::int64_t day_nanos = 0;
    std::int64_t week_nanos = 0;
    std::int64_t month_nanos = 0;
    std::int64_t lifetime_nanos = 0;
};

// An app registered for the consent flow: an OAuth 2.0 public client (PKCE, no secret).
struct OAuthClientRecord {
    std::string client_id;
    std::string name;
    std::string redirect_uris_json;  // a JSON array of exact URIs
    std::string logo;                // a data: URI, or empty
    std::int64_t created_at_ms = 0;
};

// An authorization code (stored by its SHA-256): single use, short-lived, bound to its client,
// redirect URI and PKCE challenge. The key issued for it is revoked if it is presented again.
struct OAuthCodeRecord {
    std::string code_hash;
    std::string client_id;
    std::string redirect_uri;
    std::string code_challenge;  // S256: base64url of SHA-256 of the verifier
    std::int64_t account_id = 0;
    std::optional<std::int64_t> parent_key_id;  // the key the user signed in with, if any
    std::string scope_json;                     // the key scope the user approved
    std::int64_t created_at_ms = 0;
    std::int64_t expires_at_ms = 0;
    std::optional<std::int64_t> used_at_ms;
    std::optional<std::int64_t> key_id;  // the key issued for it
    std::optional<std::int64_t> replayed_at_ms;
};

// A one-time sign-in link an admin created for an account (stored by its SHA-256).
struct SignInLinkRecord {
    std::string token_hash;
    std::int64_t account_id = 0;
    std::int64_t created_at_ms = 0;
    std::int64_t expires_at_ms = 0;
    std::optional<std::int64_t> used_at_ms;
};

// A browser session on the user's pages (stored by the SHA-256 of the cookie's token).
struct WebSessionRecord {
    std::string id_hash;
    std::int64_t account_id = 0;
    std::optional<std::int64_t> key_id;  // signed in with this key; none: with a sign-in link
    std::int64_t created_at_ms = 0;
    std::int64_t expires_at_ms = 0;
    std::optional<std::int64_t> ended_at_ms;
};

enum class HoldState { open, settled, voided, abandoned };

struct HoldRecord {
    std::int64_t id = 0;
    std::int64_t account_id = 0;
    std::int64_t key_id = 0;
    std::string request_id;
    std::string model;
    std::string endpoint;
    std::int64_t amount_nanos = 0;  // = quote_provider_nanos + quote_markup_nanos
    std::int64_t created_at_ms = 0;
    // The quote's split, so a hold resolved by `charge_quote` shows provider cost and mark-up
    // apart like any other charge.
    std::int64_t quote_provider_nanos = 0;
    std::int64_t quote_markup_nanos = 0;
    std::int64_t deadline_ms = 0;  // past it, the hold is resolved by the on_abandoned rule
    std::string price_version;
    HoldState state = HoldState::open;
    std::int64_t closed_at_ms = 0;  // when state is not open
};

// Every credit (a paid top-up, a grant, a positive adjustment) is a bucket that debits burn
// down. A bucket's remaining amount is its amount minus its allocations.
enum class GrantKind { topup, grant, adjustment };

struct GrantRecord {
    std::int64_t id = 0;
    std::int64_t account_id = 0;
    std::int64_t entry_id = 0;  // the credit entry that created it
    GrantKind kind = GrantKind::topup;
    std::int64_t amount_nanos = 0;
    int priority = 0;  // lower burns first (grants only; top-ups and adjustments burn last)
    std::optional<std::int64_t> expires_at_ms;
    std::string reference;
    std::int64_t created_at_ms = 0;
    std::int64_t allocated_nanos = 0;  // read back: sum of its allocations
    std::int64_t remaining_nanos() const { return amount_nanos - allocated_nanos; }
};

// `amount_nanos` of bucket `grant_id` consumed by entry `entry_id`: a debit (charge, expiry,
// negative adjustment), or a credit entry repaying an earlier overrun from its own bucket.
struct AllocationRecord {
    std::int64_t entry_id = 0;
    std::int64_t grant_id = 0;
    std::int64_t amount_nanos = 0;
};

// Entry types: credits "topup", "grant", "adjustment" (signed); debits "charge", "expiry";
// "void" (amount 0) records a hold voided as abandoned. Flags: comma-separated words
// ("estimated", "overrun", "abandoned", "byok").
struct EntryRecord {
    std::int64_t id = 0;
    std::int64_t account_id = 0;
    std::string type;
    std::optional<std::int64_t> hold_id;
    std::optional<std::int64_t> key_id;
    std::string request_id;
    std::string model;
    std::string endpoint;
    std::int64_t prompt_tokens = 0;
    std::int64_t cached_tokens = 0;
    std::int64_t completion_tokens = 0;
    std::int64_t cache_write_tokens = 0;  // part of prompt_tokens, like cached_tokens
    std::int64_t reasoning_tokens = 0;    // part of completion_tokens
    std::int64_t images = 0;
    std::int64_t provider_cost_nanos = 0;
    std::int64_t markup_nanos = 0;
    std::int64_t amount_nanos = 0;  // signed: + credits the account, - debits it
    std::int64_t balance_after_nanos = 0;
    std::string flags;
    std::string reference;
    std::string raw_usage;
    std::string price_version;
    std::string actor;  // admin token name for admin-made entries
    std::int64_t created_at_ms = 0;
};

// Whether an entry's comma-separated flags hold `flag`.
inline bool has_flag(std::string_view flags, std::string_view flag) {
    while (!flags.empty()) {
        auto comma = flags.find(',');
        if (flags.substr(0, comma) == flag) return true;
        if (comma == std::string_view::npos) break;
        flags.remove_prefix(comma + 1);
    }
    return false;
}

struct RowIds {
    std::int64_t account = 0;
    std::int64_t hold = 0;
    std::int64_t entry = 0;
    std::int64_t grant = 0;
};

struct IdempotencyRecord {
    std::string scope;  // operation and account, e.g. "topup:42"
    std::string key;
    std::string request_hash;
    std::int64_t entry_id = 0;
    std::int64_t created_at_ms = 0;
};

}  // namespace creditgate
