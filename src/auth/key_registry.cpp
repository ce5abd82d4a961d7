#include "creditgate/auth/key_registry.hpp"

#include <future>
#include <mutex>

#include "creditgate/auth/api_key.hpp"

namespace creditgate {

namespace {

AuditRecord audit_row(std::string actor, const char* action, const KeyRecord& key,
                      std::string detail, std::int64_t at_ms) {
    AuditRecord row;
    row.at_ms = at_ms;
    row.actor = std::move(actor);
    row.action = action;
    row.account_id = key.account_id;
    row.target = "key:" + std::to_string(key.id);
    row.detail = std::move(detail);
    return row;
}

// The keys below `key_id` among an account's keys. In id order a parent comes before its
// children, so one pass finds them all.
std::vector<KeyRecord> keys_below(const std::vector<KeyRecord>& account_keys, std::int64_t key_id,
                                  bool live_only) {
    std::unordered_map<std::int64_t, bool> below{{key_id, true}};
    std::vector<KeyRecord> out;
    for (const auto& key : account_keys) {
        if ((live_only && key.revoked_at_ms) || !key.parent_id || !below.count(*key.parent_id)) {
            continue;
        }
        below[key.id] = true;
        out.push_back(key);
    }
    return out;
}

}  // namespace

void KeyRegistry::insert(const KeyRecord& record, const KeyScope& scope) {
    auto state = std::make_shared<const KeyState>(KeyState{record, scope});
    std::unique_lock lock(mutex_);
    by_hash_[record.hash] = record.id;
    by_id_[record.id] = std::move(state);
}

// A read on the writer thread, behind every change already made; `work` starts from a fresh
// result each attempt (a batch may run again), and a failed commit answers unavailable.
template <typename Result>
void KeyRegistry::query(std::function<void(Store&, Result&)> work, Callback<Result> done) {
    auto result = std::make_shared<Result>();
    ledger_.submit({[result, work = std::move(work)](Store& store) {
                        *result = Result{};
                        work(store, *result);
                    },
                    [result, done = std::move(done)](bool committed) {
                        if (!committed) result->result = AuthResult::unavailable;
                        done(std::move(*result));
                    }});
}

KeyView KeyRegistry::view_of(const KeyRecord& record) const {
    return KeyView{record, key_scope_from_stored(record.scope_json), ledger_.key_usage(record.id)};
}

void KeyRegistry::load() {
    auto keys = std::make_shared<std::vector<KeyRecord>>();
    std::promise<bool> loaded;
    ledger_.submit({[keys](Store& store) { *keys = store.load_all_keys(); },
                    [&loaded](bool committed) { loaded.set_value(committed); }});
    if (!loaded.get_future().get()) throw StoreError("could not load API keys");
    for (const auto& key : *keys) {
        auto scope = key_scope_from_stored(key.scope_json);
        ledger_.set_key_limits(key.id, scope.limits);
        if (!key.revoked_at_ms) insert(key, scope);
    }
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
    const auto& key = by_id_.at(it->second);
    KeyIdentity identity{key->record.id, key->record.account_id, key, {}};
    for (auto parent = key->record.parent_id; parent;) {
        auto above = by_id_.find(*parent);
        // A live key's ancestors are live: revoking one revokes everything below it.
        if (above == by_id_.end()) return std::nullopt;
        identity.ancestors.push_back(above->second);
        parent = above->second->record.parent_id;
    }
    return identity;
}

bool KeyRegistry::descends_from(std::int64_t key_id, std::int64_t ancestor_id) const {
    std::shared_lock lock(mutex_);
    for (std::optional<std::int64_t> id = key_id; id;) {
        if (*id == ancestor_id) return true;
        auto it = by_id_.find(*id);
        if (it == by_id_.end()) return false;
        id = it->second->record.parent_id;
    }
    return false;
}

void KeyRegistry::create(std::int64_t account_id, std::optional<std::int64_t> parent_id,
                         KeyScope scope, std::string actor, Callback<CreatedKey> done) {
    auto result = std::make_shared<CreatedKey>();
    ledger_.submit(
        {[this, account_id, parent_id, scope, actor = std::move(actor), result](Store& store) {
             if (!ledger_.account_exists(account_id)) {
                 result->result = AuthResult::account_not_found;
                 return;
             }
             if (store.list_keys(account_id).size() >= kMaxKeysPerAccount) {
                 result->result = AuthResult::too_many_keys;
                 return;
             }
             result->plaintext = generate_api_key();
             KeyRecord& record = result->key.record;
             record.account_id = account_id;
             record.parent_id = parent_id;
             record.name = scope.name;
             record.hash = sha256_hex(result->plaintext);
             record.prefix = result->plaintext.substr(0, kDisplayPrefixLength);
             record.created_at_ms = now_ms();
             record.scope_json = key_scope_json(scope).dump();
             record.id = store.insert_key(record);
             store.insert_audit(
                 audit_row(actor, "key.create", record, record.scope_json, record.created_at_ms));
             result->key.scope = scope;
             result->result = AuthResult::ok;
         },
         [this, result, done = std::move(done)](bool committed) {
             if (!committed) {
                 result->result = AuthResult::unavailable;
                 result->plaintext.clear();
             } else if (result->result == AuthResult::ok) {
                 // Usable only once durable, and only once the ledger knows its limits.
                 const auto& record = result->key.record;
                 ledger_.add_key(record.id, record.parent_id, result->key.scope.limits);
                 insert(record, result->key.scope);
                 result->key.usage = ledger_.key_usage(record.id);
             }
             done(std::move(*result));
         }});
}

void KeyRegistry::update(std::int64_t key_id, KeyScope scope, std::string actor,
                         Callback<KeyChange> done) {
    auto result = std::make_shared<KeyChange>();
    ledger_.submit({[key_id, scope, actor = std::move(actor), result](Store& store) {
                        const auto scope_json = key_scope_json(scope).dump();
                        if (!store.update_key(key_id, scope.name, scope_json)) {
                            result->result = AuthResult::key_not_found;
                            return;
                        }
                        auto record = store.find_key(key_id);
                        store.insert_audit(
                            audit_row(actor, "key.update", *record, scope_json, now_ms()));
                        result->key.record = std::move(*record);
                        result->key.scope = scope;
                        result->result = AuthResult::ok;
                    },
                    [this, result, done = std::move(done)](bool committed) {
                        if (!committed) {
                            result->result = AuthResult::unavailable;
                        } else if (result->result == AuthResult::ok) {
                            const auto& record = result->key.record;
                            ledger_.set_key_limits(record.id, result->key.scope.limits);
                            insert(record, result->key.scope);
                            result->key.usage = ledger_.key_usage(record.id);
                        }
                        done(std::move(*result));
                    }});
}

void KeyRegistry::revoke(std::int64_t key_id, std::string actor, Callback<KeyChange> done) {
    auto result = std::make_shared<KeyChange>();
    ledger_.submit(
        {[this, key_id, actor = std::move(actor), result](Store& store) {
             auto record = store.find_key(key_id);
             if (!record || record->revoked_at_ms) {
                 result->result = AuthResult::key_not_found;
                 return;
             }
             // The live tree as the store has it (a retried batch finds it again).
             result->revoked_ids = {key_id};
             for (const auto& key : keys_below(store.list_keys(record->account_id), key_id, true)) {
                 result->revoked_ids.push_back(key.id);
             }
             // At once, even before the commit: the ledger refuses the whole tree's next
             // admissions, and the lookup forgets their hashes.
             const auto at = now_ms();
             ledger_.revoke_key_tree(key_id);
             {
                 std::unique_lock lock(mutex_);
                 for (auto id : result->revoked_ids) {
                     auto it = by_id_.find(id);
                     if (it == by_id_.end()) continue;
                     by_hash_.erase(it->second->record.hash);
                     by_id_.erase(it);
                 }
             }
             nlohmann::json ids = nlohmann::json::array();
             for (auto id : result->revoked_ids) {
                 store.revoke_key(id, at);
                 ids.push_back(id);
             }
             store.insert_audit(audit_row(actor, "key.revoke", *record,
                                          nlohmann::json{{"revoked_ids", ids}}.dump(), at));
             record->revoked_at_ms = at;
             result->key.record = std::move(*record);
             result->key.scope = key_scope_from_stored(result->key.record.scope_json);
             result->result = AuthResult::ok;
         },
         [result, done = std::move(done)](bool committed) {
             if (!committed) result->result = AuthResult::unavailable;
             done(std::move(*result));
         }});
}

void KeyRegistry::get(std::int64_t key_id, Callback<KeyChange> done) {
    query<KeyChange>(
        [this, key_id](Store& store, KeyChange& result) {
            auto record = store.find_key(key_id);
            if (!record) {
                result.result = AuthResult::key_not_found;
                return;
            }
            result.key = view_of(*record);
            result.result = AuthResult::ok;
        },
        std::move(done));
}

void KeyRegistry::list(std::int64_t account_id, Callback<KeyList> done) {
    query<KeyList>(
        [this, account_id](Store& store, KeyList& result) {
            if (!ledger_.account_exists(account_id)) {
                result.result = AuthResult::account_not_found;
                return;
            }
            for (const auto& key : store.list_keys(account_id)) result.keys.push_back(view_of(key));
            result.result = AuthResult::ok;
        },
        std::move(done));
}

void KeyRegistry::list_descendants(std::int64_t key_id, Callback<KeyList> done) {
    query<KeyList>(
        [this, key_id](Store& store, KeyList& result) {
            auto self = store.find_key(key_id);
            if (!self) {
                result.result = AuthResult::key_not_found;
                return;
            }
            for (const auto& key : keys_below(store.list_keys(self->account_id), key_id, false)) {
                result.keys.push_back(view_of(key));
            }
            result.result = AuthResult::ok;
        },
        std::move(done));
}

void KeyRegistry::audit(int limit, std::int64_t before_id, std::optional<std::int64_t> account_id,
                        Callback<AuditList> done) {
    query<AuditList>(
        [limit, before_id, account_id](Store& store, AuditList& result) {
            result.entries = store.list_audit(limit, before_id, account_id);
            result.result = AuthResult::ok;
        },
        std::move(done));
}

}  // namespace creditgate
