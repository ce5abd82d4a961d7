#pragma once
// How one user's provider key becomes a stored record and back: AES-256-GCM under the master
// key, with the account id and provider name as associated data, so a record moved to another
// account or provider no longer opens.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "creditgate/auth/master_key.hpp"
#include "creditgate/store/records.hpp"
#include "creditgate/store/store.hpp"

namespace creditgate {

// "creditgate-byok-v1", then the account id and the provider, each length-prefixed: no two
// (account, provider) pairs give the same bytes.
std::string provider_key_aad(std::int64_t account_id, std::string_view provider);

// What lists show of a key: its last 4 characters, or "" for a key shorter than 8 (whose last
// 4 would give away half of it).
std::string provider_key_last4(std::string_view key);

ProviderKeyRecord seal_provider_key(const MasterKey& master, std::int64_t account_id,
                                    const std::string& provider, std::string_view key,
                                    std::int64_t created_at_ms);

// nullopt when the record was sealed under another master key, or does not authenticate.
std::optional<std::string> open_provider_key(const MasterKey& master,
                                             const ProviderKeyRecord& record);

struct RotationOutcome {
    std::size_t resealed = 0;      // records now under `next`
    std::size_t already_next = 0;  // records that were already under `next` (a rerun)
};

// Re-encrypts every stored provider key from `old` to `next` inside one transaction of
// `store`; throws MasterKeyError (and rolls back) if any record opens under neither.
RotationOutcome rotate_master_key(Store& store, const MasterKey& old, const MasterKey& next);

}  // namespace creditgate
