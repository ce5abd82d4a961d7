#include "creditgate/web/pkce.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

// RFC 7636 Appendix B.
constexpr const char* kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr const char* kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

TEST(Pkce, S256ChallengeMatchesTheRfcExample) {
    EXPECT_EQ(s256_challenge(kVerifier), kChallenge);
    EXPECT_TRUE(verifier_matches(kVerifier, kChallenge));
}

TEST(Pkce, AnyOtherVerifierDoesNotMatch) {
    std::string other = kVerifier;
    other.back() = 'Y';
    EXPECT_FALSE(verifier_matches(other, kChallenge));
}

TEST(Pkce, PlainMethodUseOfTheChallengeAsVerifierDoesNotMatch) {
    // An app that sent the verifier itself as the challenge ("plain") cannot redeem its code.
    EXPECT_FALSE(verifier_matches(kChallenge, kChallenge));
}

TEST(Pkce, VerifierLengthAndAlphabetFollowRfc7636) {
    EXPECT_TRUE(valid_code_verifier(std::string(43, 'a')));
    EXPECT_TRUE(valid_code_verifier(std::string(128, '~')));
    EXPECT_FALSE(valid_code_verifier(std::string(42, 'a')));
    EXPECT_FALSE(valid_code_verifier(std::string(129, 'a')));
    EXPECT_FALSE(valid_code_verifier(std::string(42, 'a') + "+"));
    EXPECT_FALSE(verifier_matches(std::string(42, 'a'), s256_challenge(std::string(42, 'a'))));
}

TEST(Pkce, ChallengeIsFortyThreeBase64UrlCharacters) {
    EXPECT_TRUE(valid_code_challenge(kChallenge));
    EXPECT_FALSE(valid_code_challenge(std::string(kChallenge) + "="));
    EXPECT_FALSE(valid_code_challenge(std::string(42, 'a') + "/"));
    EXPECT_FALSE(valid_code_challenge(""));
}

}  // namespace
}  // namespace creditgate
