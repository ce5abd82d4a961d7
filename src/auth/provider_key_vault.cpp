#include "creditgate/auth/provider_key_vault.hpp"

#include <openssl/crypto.h>

#include <future>
#include <mutex>
#include <nlohmann/json.hpp>

#include "creditgate/auth/provider_key_seal.hpp"

namespace creditgate {

namespace {

AuditRecord audit_row(std::string actor, const char* action, std::int64_t account_id,
                      const std::string& provider, std::int64_t at_ms, nlohmann::json detail) {
    AuditRecord row;
    row.at_ms = at_ms;
    row.actor = std::move(actor);
    row.action = action;
    row.account_id = account_id;
    row.target = "provider_key:" + provider;
    row.detail = detail.dump();  // never the key: its last 4 and the master key id at most
    return row;
}

}  // namespace

std::optional<std::string> provider_key_problem(std::string_view key) {
    if (key.empty()) return "'key' must not be empty.";
    if (key.size() > ProviderKeyVault::kMaxKeyLength) {
        return "'key' must be at most " + std::to_string(ProviderKeyVault::kMaxKeyLength) +
               " characters.";
    }
    for (unsigned char c : key) {
        if (c < 0x20 || c == 0x7f) return "'key' must not contain control characters.";
    }
    return std::nullopt;
}

std::size_t ProviderKeyVault::load() {
    auto records = std::make_shared<std::vector<ProviderKeyRecord>>();
    std::promise<bool> loaded;
    ledger_.submit({[records](Store& store) { *records = store.load_provider_keys(); },
                    [&loaded](bool committed) { loaded.set_value(committed); }});
    if (!loaded.get_future().get()) throw StoreError("could not load provider keys");
    std::size_t foreign = 0;
    std::unique_lock lock(mutex_);
    for (auto& record : *records) {
        if (!master_ || record.master_key_id != master_->id) ++foreign;
        Slot slot{record.account_id, record.provider};
        records_[std::move(slot)] = std::move(record);
    }
    return foreign;
}

OwnProviderKey ProviderKeyVault::open(std::int64_t account_id, const std::string& provider) const {
    ProviderKeyRecord record;
    {
        std::shared_lock lock(mutex_);
        auto it = records_.find(Slot{account_id, provider});
        if (it == records_.end()) return {};
        record = it->second;
    }
    OwnProviderKey out;
    out.state = OwnProviderKey::State::unusable;
    if (!master_) return out;
    auto key = open_provider_key(*master_, record);
    if (!key) return out;
    out.state = OwnProviderKey::State::usable;
    out.key = std::move(*key);
    return out;
}

void ProviderKeyVault::put(std::int64_t account_id, const std::string& provider, std::string key,
                           std::string actor, Callback<ProviderKeyResult> done) {
    if (!master_) return done(ProviderKeyResult::not_configured);
    // Sealed here, on the caller's thread: the plaintext never reaches the writer queue.
    auto record = std::make_shared<ProviderKeyRecord>(
        seal_provider_key(*master_, account_id, provider, key, now_ms()));
    OPENSSL_cleanse(key.data(), key.size());
    auto result = std::make_shared<ProviderKeyResult>(ProviderKeyResult::unavailable);
    auto audit = std::make_shared<AuditRecord>(
        audit_row(std::move(actor), "provider_key.put", account_id, provider, record->created_at_ms,
                  {{"last4", record->last4}, {"master_key_id", record->master_key_id}}));
    ledger_.submit({[this, record, audit, result](Store& store) {
                        if (!ledger_.account_exists(record->account_id)) {
                            *result = ProviderKeyResult::account_not_found;
                            return;
                        }
                        store.put_provider_key(*record);
                        store.insert_audit(*audit);
                        *result = ProviderKeyResult::ok;
                    },
                    [this, record, result, done = std::move(done)](bool committed) {
                        if (!committed) *result = ProviderKeyResult::unavailable;
                        if (*result == ProviderKeyResult::ok) {
                            std::unique_lock lock(mutex_);
                            records_[Slot{record->account_id, record->provider}] = *record;
                        }
                        done(*result);
                    }});
}

void ProviderKeyVault::remove(std::int64_t account_id, const std::string& provider,
                              std::string actor, Callback<ProviderKeyResult> done) {
    if (!master_) return done(ProviderKeyResult::not_configured);
    auto result = std::make_shared<ProviderKeyResult>(ProviderKeyResult::unavailable);
    auto audit = std::make_shared<AuditRecord>(
        audit_row(std::move(actor), "provider_key.delete", account_id, provider, now_ms(), {}));
    ledger_.submit({[this, account_id, provider, audit, result](Store& store) {
                        if (!ledger_.account_exists(account_id)) {
                            *result = ProviderKeyResult::account_not_found;
                            return;
                        }
                        if (!store.delete_provider_key(account_id, provider)) {
                            *result = ProviderKeyResult::key_not_found;
                            return;
                        }
                        store.insert_audit(*audit);
                        *result = ProviderKeyResult::ok;
                    },
                    [this, account_id, provider, result, done = std::move(done)](bool committed) {
                        if (!committed) *result = ProviderKeyResult::unavailable;
                        if (*result == ProviderKeyResult::ok) {
                            std::unique_lock lock(mutex_);
                            records_.erase(Slot{account_id, provider});
                        }
                        done(*result);
                    }});
}

void ProviderKeyVault::list(std::int64_t account_id, Callback<ProviderKeyList> done) {
    if (!master_) return done(ProviderKeyList{ProviderKeyResult::not_configured, {}});
    auto result = std::make_shared<ProviderKeyList>();
    ledger_.submit({[this, account_id, result](Store&) {
                        if (!ledger_.account_exists(account_id)) {
                            result->result = ProviderKeyResult::account_not_found;
                            return;
                        }
                        std::shared_lock lock(mutex_);
                        for (auto it = records_.lower_bound(Slot{account_id, std::string()});
                             it != records_.end() && it->first.first == account_id; ++it) {
                            result->keys.push_back({it->second.provider, it->second.last4,
                                                    it->second.created_at_ms,
                                                    it->second.master_key_id});
                        }
                        result->result = ProviderKeyResult::ok;
                    },
                    [result, done = std::move(done)](bool committed) {
                        if (!committed) result->result = ProviderKeyResult::unavailable;
                        done(std::move(*result));
                    }});
}

}  // namespace creditgate
