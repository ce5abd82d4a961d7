#pragma once
// Rows as the store persists them. Plain data; the ledger owns the rules that relate them.
#include <cstdint>
#include <optional>
#include <string>

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
};

enum class HoldState { open, settled, voided, abandoned };

struct HoldRecord {
    std::int64_t id = 0;
    std::int64_t account_id = 0;
    std::int64_t key_id = 0;
    std::string request_id;
    std::string model;
    std::string endpoint;
    std::int64_t amount_nanos = 0;
    std::int64_t created_at_ms = 0;
};

// Entry types: "topup", "charge". Flags: comma-separated words ("estimated", "overrun").
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
    std::int64_t provider_cost_nanos = 0;
    std::int64_t markup_nanos = 0;
    std::int64_t amount_nanos = 0;  // signed: + credits the account, - debits it
    std::int64_t balance_after_nanos = 0;
    std::string flags;
    std::string reference;
    std::string raw_usage;
    std::string price_version;
    std::int64_t created_at_ms = 0;
};

struct IdempotencyRecord {
    std::string scope;  // e.g. "topup:42"
    std::string key;
    std::string request_hash;
    std::int64_t entry_id = 0;
    std::int64_t created_at_ms = 0;
};

}  // namespace creditgate
