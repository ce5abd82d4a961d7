#pragma once
// Users' own provider keys (BYOK): an in-memory map of the ENCRYPTED records, loaded at start and
// changed only after the store committed. A key is decrypted when a request needs it and lives
// no longer than that request; lists show the last 4 characters only.
#include <cstdint>
#include <map>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "creditgate/auth/master_key.hpp"
#include "creditgate/ledger/ledger.hpp"
#include "creditgate/store/records.hpp"

namespace creditgate {

enum class ProviderKeyResult {
    ok,
    not_configured,  // no byok.master_key_file in the config
    account_not_found,
    key_not_found,  // delete: the account has no key for that provider
    unavailable,    // the store failed; nothing changed
};

struct ProviderKeyInfo {
    std::string provider;
    std::string last4;
    std::int64_t created_at_ms = 0;
    std::string master_key_id;
};

struct ProviderKeyList {
    ProviderKeyResult result = ProviderKeyResult::unavailable;
    std::vector<ProviderKeyInfo> keys;  // by provider name
};

// What a request gets for (account, provider).
struct OwnProviderKey {
    enum class State {
        none,      // no key stored: the operator's key is used
        usable,    // `key` holds the plaintext
        unusable,  // stored but it does not open (another master key, no master key, tampered)
    };
    State state = State::none;
    std::string key;
};

// Why `key` cannot be stored (empty, longer than ProviderKeyVault::kMaxKeyLength, or with a
// control character, which no provider key has and which could split a header), or nullopt.
std::optional<std::string> provider_key_problem(std::string_view key);

class ProviderKeyVault {
  public:
    static constexpr std::size_t kMaxKeyLength = 4096;

    // `master` is nullopt when the config has no "byok" section: every change is refused with
    // not_configured, and a stored record found at request time is unusable (never skipped).
    ProviderKeyVault(Ledger& ledger, std::optional<MasterKey> master)
        : ledger_(ledger), master_(std::move(master)) {}

    bool configured() const { return master_.has_value(); }
    // Loads the stored records; call after ledger.start(), before serving. Blocks until loaded.
    // Returns how many were sealed under another master key than this one (or, unconfigured,
    // how many there are): their accounts' requests to those providers will be refused.
    std::size_t load();

    // Thread-safe: decrypts the key now. The caller drops it when its request ends.
    OwnProviderKey open(std::int64_t account_id, const std::string& provider) const;

    // Stores (or replaces) the key; `actor` is recorded in the audit log, never the key.
    void put(std::int64_t account_id, const std::string& provider, std::string key,
             std::string actor, Callback<ProviderKeyResult> done);
    void remove(std::int64_t account_id, const std::string& provider, std::string actor,
                Callback<ProviderKeyResult> done);
    void list(std::int64_t account_id, Callback<ProviderKeyList> done);

  private:
    using Slot = std::pair<std::int64_t, std::string>;  // (account, provider)

    Ledger& ledger_;
    const std::optional<MasterKey> master_;
    mutable std::shared_mutex mutex_;
    std::map<Slot, ProviderKeyRecord, std::less<>> records_;
};

}  // namespace creditgate
