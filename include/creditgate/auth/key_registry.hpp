#pragma once
// The lookup of presented keys on the request path: an in-memory map from key hash to account,
// read by every I/O thread, written only after the store committed (create) or at once (revoke).
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "creditgate/auth/results.hpp"
#include "creditgate/ledger/ledger.hpp"
#include "creditgate/store/records.hpp"

namespace creditgate {

struct KeyIdentity {
    std::int64_t key_id = 0;
    std::int64_t account_id = 0;
};

struct CreatedKey {
    AuthResult result =
        AuthResult::unavailable;  // ok, account_not_found, too_many_keys, unavailable
    KeyRecord record;
    std::string plaintext;  // shown once, never stored or logged
};

struct KeyList {
    AuthResult result = AuthResult::unavailable;  // ok, account_not_found, unavailable
    std::vector<KeyRecord> keys;
};

class KeyRegistry {
  public:
    static constexpr std::size_t kMaxKeysPerAccount = 1'000;

    explicit KeyRegistry(Ledger& ledger) : ledger_(ledger) {}

    // Loads the active keys; call after ledger.start(), before serving. Blocks until loaded.
    void load();

    // Thread-safe; nullopt for unknown, revoked or malformed keys.
    std::optional<KeyIdentity> find(std::string_view presented_key) const;

    void create(std::int64_t account_id, std::string name, Callback<CreatedKey> done);
    // ok, hold_not_found is never used here: unknown or already revoked -> account_not_found.
    void revoke(std::int64_t key_id, Callback<bool> done);
    void list(std::int64_t account_id, Callback<KeyList> done);

  private:
    void insert(const KeyRecord& record);

    Ledger& ledger_;
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, KeyIdentity> by_hash_;
};

}  // namespace creditgate
