#include "creditgate/auth/provider_key_seal.hpp"

#include <openssl/crypto.h>

#include "creditgate/auth/base64.hpp"

namespace creditgate {

namespace {

void append_field(std::string& out, std::string_view field) {
    out += std::to_string(field.size());
    out += ':';
    out += field;
}

}  // namespace

std::string provider_key_aad(std::int64_t account_id, std::string_view provider) {
    std::string out = "creditgate-byok-v1;";
    append_field(out, std::to_string(account_id));
    append_field(out, provider);
    return out;
}

std::string provider_key_last4(std::string_view key) {
    if (key.size() < 8) return {};
    return std::string(key.substr(key.size() - 4));
}

ProviderKeyRecord seal_provider_key(const MasterKey& master, std::int64_t account_id,
                                    const std::string& provider, std::string_view key,
                                    std::int64_t created_at_ms) {
    auto sealed = aes_gcm_seal(master.bytes, provider_key_aad(account_id, provider), key);
    ProviderKeyRecord record;
    record.account_id = account_id;
    record.provider = provider;
    record.master_key_id = master.id;
    record.nonce_b64 = base64_encode(sealed.nonce);
    record.ciphertext_b64 = base64_encode(sealed.ciphertext);
    record.last4 = provider_key_last4(key);
    record.created_at_ms = created_at_ms;
    return record;
}

std::optional<std::string> open_provider_key(const MasterKey& master,
                                             const ProviderKeyRecord& record) {
    if (record.master_key_id != master.id) return std::nullopt;
    auto nonce = base64_decode(record.nonce_b64);
    auto ciphertext = base64_decode(record.ciphertext_b64);
    if (!nonce || !ciphertext) return std::nullopt;
    return aes_gcm_open(master.bytes, provider_key_aad(record.account_id, record.provider), *nonce,
                        *ciphertext);
}

RotationOutcome rotate_master_key(Store& store, const MasterKey& old, const MasterKey& next) {
    RotationOutcome out;
    store.begin();
    try {
        for (auto record : store.load_provider_keys()) {
            if (record.master_key_id == next.id && open_provider_key(next, record)) {
                ++out.already_next;
                continue;
            }
            auto key = open_provider_key(old, record);
            if (!key) {
                throw MasterKeyError(
                    "the provider key of account " + std::to_string(record.account_id) + " for '" +
                    record.provider + "' (master key id " + record.master_key_id +
                    ") does not open under master key " + old.id + "; nothing was changed");
            }
            // Same account, provider and created_at: only the sealing changes.
            store.put_provider_key(seal_provider_key(next, record.account_id, record.provider, *key,
                                                     record.created_at_ms));
            OPENSSL_cleanse(key->data(), key->size());
            ++out.resealed;
        }
        store.commit();
    } catch (...) {
        store.rollback();
        throw;
    }
    return out;
}

}  // namespace creditgate
