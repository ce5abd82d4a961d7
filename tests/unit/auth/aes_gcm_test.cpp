#include "creditgate/auth/aes_gcm.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

AesKey key_of(unsigned char fill) {
    AesKey key;
    key.fill(fill);
    return key;
}

class AesGcm : public ::testing::Test {
  protected:
    const AesKey key_ = key_of(7);
    const std::string aad_ = "account 1, provider openai";
    const std::string secret_ = "sk-user-secret-0123456789";
    const Sealed sealed_ = aes_gcm_seal(key_, aad_, secret_);
};

TEST_F(AesGcm, OpensWhatItSealed) {
    EXPECT_EQ(aes_gcm_open(key_, aad_, sealed_.nonce, sealed_.ciphertext), secret_);
}

TEST_F(AesGcm, SealsWithANewNonceEachTimeAndAppendsATag) {
    const auto again = aes_gcm_seal(key_, aad_, secret_);
    EXPECT_EQ(sealed_.nonce.size(), kGcmNonceBytes);
    EXPECT_EQ(sealed_.ciphertext.size(), secret_.size() + kGcmTagBytes);
    EXPECT_NE(again.nonce, sealed_.nonce);
    EXPECT_NE(again.ciphertext, sealed_.ciphertext);
    EXPECT_EQ(sealed_.ciphertext.find(secret_), std::string::npos);
}

TEST_F(AesGcm, AnotherAssociatedDataDoesNotOpen) {
    EXPECT_EQ(aes_gcm_open(key_, "account 2, provider openai", sealed_.nonce, sealed_.ciphertext),
              std::nullopt);
}

TEST_F(AesGcm, AnotherKeyDoesNotOpen) {
    EXPECT_EQ(aes_gcm_open(key_of(8), aad_, sealed_.nonce, sealed_.ciphertext), std::nullopt);
}

TEST_F(AesGcm, AnyFlippedBitInCiphertextTagOrNonceDoesNotOpen) {
    for (std::size_t i = 0; i < sealed_.ciphertext.size(); ++i) {
        auto tampered = sealed_.ciphertext;
        tampered[i] = static_cast<char>(tampered[i] ^ 0x01);
        EXPECT_EQ(aes_gcm_open(key_, aad_, sealed_.nonce, tampered), std::nullopt)
            << (i < secret_.size() ? "ciphertext" : "tag") << " byte " << i;
    }
    for (std::size_t i = 0; i < sealed_.nonce.size(); ++i) {
        auto tampered = sealed_.nonce;
        tampered[i] = static_cast<char>(tampered[i] ^ 0x80);
        EXPECT_EQ(aes_gcm_open(key_, aad_, tampered, sealed_.ciphertext), std::nullopt)
            << "nonce byte " << i;
    }
}

TEST_F(AesGcm, TruncatedInputDoesNotOpen) {
    EXPECT_EQ(aes_gcm_open(key_, aad_, sealed_.nonce,
                           sealed_.ciphertext.substr(0, sealed_.ciphertext.size() - 1)),
              std::nullopt);
    EXPECT_EQ(aes_gcm_open(key_, aad_, sealed_.nonce, sealed_.ciphertext.substr(0, 15)),
              std::nullopt);
    EXPECT_EQ(aes_gcm_open(key_, aad_, sealed_.nonce.substr(1), sealed_.ciphertext), std::nullopt);
}

TEST_F(AesGcm, AnEmptySecretRoundTrips) {
    const auto empty = aes_gcm_seal(key_, aad_, "");
    EXPECT_EQ(aes_gcm_open(key_, aad_, empty.nonce, empty.ciphertext), std::string());
}

}  // namespace
}  // namespace creditgate
