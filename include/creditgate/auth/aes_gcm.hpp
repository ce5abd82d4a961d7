#pragma once
// AES-256-GCM sealing of short secrets (users' provider keys) with OpenSSL EVP: a fresh random
// 96-bit nonce per seal, a 16-byte tag appended to the ciphertext, and associated data that
// binds the secret to where it belongs (a record copied to another account or provider fails).
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace creditgate {

inline constexpr std::size_t kAesKeyBytes = 32;
inline constexpr std::size_t kGcmNonceBytes = 12;
inline constexpr std::size_t kGcmTagBytes = 16;

using AesKey = std::array<unsigned char, kAesKeyBytes>;

struct Sealed {
    std::string nonce;       // kGcmNonceBytes raw bytes
    std::string ciphertext;  // the ciphertext, then the kGcmTagBytes tag
};

// Throws std::runtime_error only if OpenSSL itself fails (no randomness, no cipher).
Sealed aes_gcm_seal(const AesKey& key, std::string_view associated_data,
                    std::string_view plaintext);

// nullopt when the key, the associated data, the nonce, the ciphertext or the tag is not the
// one sealed (GCM authenticates all of them).
std::optional<std::string> aes_gcm_open(const AesKey& key, std::string_view associated_data,
                                        std::string_view nonce, std::string_view ciphertext);

}  // namespace creditgate
