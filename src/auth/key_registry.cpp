#include "creditgate/auth/key_registry.hpp"

#include <future>
#include <mutex>

#include "creditgate/auth/api_key.hpp"

namespace creditgate {

void KeyRegistry::insert(const KeyRecord& record) {
    std::unique_lock lock(mutex_);
    by_hash_[record.hash] = KeyIdentity{record.id, record.account_id};
}

void KeyRegistry::load() {
    auto keys = std::make_shared<std::vector<KeyRecord>>();
    std::promise<bool> loaded;
    ledger_.submit({[keys](Store& store) { *keys = store.load_active_keys(); },
                    [&loaded](bool committed) { loaded.set_value(committed); }});
    if (!loaded.get_future().get()) throw StoreError("could not load API keys");
    for (const auto& key : *keys) insert(key);
}

std::optional<KeyIdentity> KeyRegistry::find(std::string_view presented_key) const {
    if (presented_key.size() > kMaxPresentedKeyLength ||
        presented_key.substr(0, kKeyPrefix.size()) != kKeyPrefix) {
        return std::nullopt;
    }
    auto hash = sha256_hex(presented_key);
    std::shared_lock lock(mutex_);
    auto it = by_hash_.find(hash);
    if (it == by_hash_.end()) return std::nullopt;
    return it->second;
}

void KeyRegistry::create(std::int64_t account_id, std::string name, Callback<CreatedKey> done) {
    auto result = std::make_shared<CreatedKey>();
    ledger_.submit({[this, account_id, name = std::move(name), result](Store& store) {
                        if (!ledger_.account_exists(account_id)) {
                            result->result = AuthResult::account_not_found;
                            return;
                        }
                        if (store.list_keys(account_id).size() >= kMaxKeysPerAccount) {
                            result->result = AuthResult::too_many_keys;
                            return;
                        }
                        result->plaintext = generate_api_key();
                        KeyRecord& record = result->record;
                        record.account_id = account_id;
                        record.name = name;
                        record.hash = sha256_hex(result->plaintext);
                        record.prefix = result->plaintext.substr(0, kDisplayPrefixLength);
                        record.created_at_ms = now_ms();
                        record.id = store.insert_key(record);
                        result->result = AuthResult::ok;
                    },
                    [this, result, done = std::move(done)](bool committed) {
                        if (!committed) {
                            result->result = AuthResult::unavailable;
                            result->plaintext.clear();
                        } else if (result->result == AuthResult::ok) {
                            insert(result->record);  // usable only once it is durable
                        }
                        done(std::move(*result));
                    }});
}

void KeyRegistry::revoke(std::int64_t key_id, Callback<bool> done) {
    auto revoked = std::make_shared<bool>(false);
    ledger_.submit(
        {[this, key_id, revoked](Store& store) {
             if (!store.revoke_key(key_id, now_ms())) return;
             *revoked = true;
             // Revocation takes effect at once, even before the commit: refusing a
             // key early is the safe side of a failure.
             std::unique_lock lock(mutex_);
             std::erase_if(by_hash_,
                           [key_id](const auto& kv) { return kv.second.key_id == key_id; });
         },
         [revoked, done = std::move(done)](bool committed) { done(committed && *revoked); }});
}

void KeyRegistry::list(std::int64_t account_id, Callback<KeyList> done) {
    auto result = std::make_shared<KeyList>();
    ledger_.submit({[this, account_id, result](Store& store) {
                        if (!ledger_.account_exists(account_id)) {
                            result->result = AuthResult::account_not_found;
                            return;
                        }
                        result->keys = store.list_keys(account_id);
                        result->result = AuthResult::ok;
                    },
                    [result, done = std::move(done)](bool committed) {
                        if (!committed) result->result = AuthResult::unavailable;
                        done(std::move(*result));
                    }});
}

}  // namespace creditgate
