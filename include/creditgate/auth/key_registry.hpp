#pragma once
// Keys on the request path and their management. The lookup is an in-memory map from key hash
// to key, read by every I/O thread; it is written only after the store committed (create,
// change) or at once (revoke: refusing early is the safe side of a failure). Each key carries
// its scope (key_scope.hpp); its budgets and rates live in the ledger, decided with the balance.
// Every change writes an audit row in the same transaction as the change.
#include <cstdint>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "creditgate/auth/key_scope.hpp"
#include "creditgate/auth/results.hpp"
#include "creditgate/ledger/ledger.hpp"
#include "creditgate/store/records.hpp"

namespace creditgate {

// A key as the request path sees it: replaced whole when it changes, never mutated.
struct KeyState {
    KeyRecord record;
    KeyScope scope;
};

struct KeyIdentity {
    std::int64_t key_id = 0;
    std::int64_t account_id = 0;
    std::shared_ptr<const KeyState> key;
    // The keys above it, its parent first: their scopes limit it too.
    std::vector<std::shared_ptr<const KeyState>> ancestors;
};

struct KeyView {
    KeyRecord record;
    KeyScope scope;
    std::optional<KeyUsage> usage;  // spend and reservations as of the reply
};

struct CreatedKey {
    AuthResult result = AuthResult::unavailable;  // ok, account_not_found, too_many_keys, ...
    KeyView key;
    std::string plaintext;  // shown once, never stored or logged
};

struct KeyList {
    AuthResult result = AuthResult::unavailable;  // ok, account_not_found, unavailable
    std::vector<KeyView> keys;
};

struct KeyChange {
    AuthResult result = AuthResult::unavailable;  // ok, key_not_found, unavailable
    KeyView key;
    std::vector<std::int64_t> revoked_ids;  // revoke: the key and its descendants
};

struct AuditList {
    AuthResult result = AuthResult::unavailable;
    std::vector<AuditRecord> entries;
};

class KeyRegistry {
  public:
    static constexpr std::size_t kMaxKeysPerAccount = 1'000;

    explicit KeyRegistry(Ledger& ledger) : ledger_(ledger) {}

    // Loads the keys; call after ledger.start(), before serving. Blocks until loaded.
    void load();

    // Thread-safe; nullopt for unknown, revoked or malformed keys.
    std::optional<KeyIdentity> find(std::string_view presented_key) const;

    // `parent_id` set: a sub-key (the caller checked it is within its parent).
    void create(std::int64_t account_id, std::optional<std::int64_t> parent_id, KeyScope scope,
                std::string actor, Callback<CreatedKey> done);
    // Replaces a live key's scope (and name); from the next request on.
    void update(std::int64_t key_id, KeyScope scope, std::string actor, Callback<KeyChange> done);
    // Revokes the key and every key below it, at once.
    void revoke(std::int64_t key_id, std::string actor, Callback<KeyChange> done);
    // One key, revoked or not; key_not_found when there is none.
    void get(std::int64_t key_id, Callback<KeyChange> done);
    void list(std::int64_t account_id, Callback<KeyList> done);
    // The keys below `key_id` (children, their children, ...), in id order.
    void list_descendants(std::int64_t key_id, Callback<KeyList> done);
    void audit(int limit, std::int64_t before_id, std::optional<std::int64_t> account_id,
               Callback<AuditList> done);

    // Whether `key_id` is `ancestor_id` or below it (live keys only).
    bool descends_from(std::int64_t key_id, std::int64_t ancestor_id) const;

  private:
    void insert(const KeyRecord& record, const KeyScope& scope);
    KeyView view_of(const KeyRecord& record) const;
    template <typename Result>
    void query(std::function<void(Store&, Result&)> work, Callback<Result> done);

    Ledger& ledger_;
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, std::int64_t> by_hash_;                    // live keys
    std::unordered_map<std::int64_t, std::shared_ptr<const KeyState>> by_id_;  // live keys
};

}  // namespace creditgate
