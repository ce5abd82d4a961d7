#include "creditgate/auth/aes_gcm.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace creditgate {

namespace {

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext new_context() {
    CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    if (!ctx) throw std::runtime_error("EVP_CIPHER_CTX_new failed");
    return ctx;
}

const unsigned char* bytes(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.data());
}

unsigned char* bytes(std::string& text) {
    return reinterpret_cast<unsigned char*>(text.data());
}

}  // namespace

Sealed aes_gcm_seal(const AesKey& key, std::string_view associated_data,
                    std::string_view plaintext) {
    Sealed out;
    out.nonce.resize(kGcmNonceBytes);
    if (RAND_bytes(bytes(out.nonce), static_cast<int>(kGcmNonceBytes)) != 1) {
        throw std::runtime_error("RAND_bytes failed: no nonce");
    }
    auto ctx = new_context();
    out.ciphertext.resize(plaintext.size() + kGcmTagBytes);
    int written = 0;
    int ignored = 0;
    if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), bytes(out.nonce)) !=
            1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &ignored, bytes(associated_data),
                          static_cast<int>(associated_data.size())) != 1 ||
        EVP_EncryptUpdate(ctx.get(), bytes(out.ciphertext), &written, bytes(plaintext),
                          static_cast<int>(plaintext.size())) != 1 ||
        EVP_EncryptFinal_ex(ctx.get(), bytes(out.ciphertext) + written, &ignored) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kGcmTagBytes),
                            bytes(out.ciphertext) + plaintext.size()) != 1) {
        throw std::runtime_error("AES-256-GCM encryption failed");
    }
    return out;
}

std::optional<std::string> aes_gcm_open(const AesKey& key, std::string_view associated_data,
                                        std::string_view nonce, std::string_view ciphertext) {
    if (nonce.size() != kGcmNonceBytes || ciphertext.size() < kGcmTagBytes) return std::nullopt;
    const auto body = ciphertext.substr(0, ciphertext.size() - kGcmTagBytes);
    std::string tag(ciphertext.substr(body.size()));
    auto ctx = new_context();
    std::string plaintext(body.size(), '\0');
    int written = 0;
    int ignored = 0;
    if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), bytes(nonce)) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &ignored, bytes(associated_data),
                          static_cast<int>(associated_data.size())) != 1 ||
        EVP_DecryptUpdate(ctx.get(), bytes(plaintext), &written, bytes(body),
                          static_cast<int>(body.size())) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kGcmTagBytes),
                            bytes(tag)) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), bytes(plaintext) + written, &ignored) != 1) {
        return std::nullopt;
    }
    return plaintext;
}

}  // namespace creditgate
