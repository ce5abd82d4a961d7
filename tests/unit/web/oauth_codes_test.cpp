// Authorization codes against a real ledger and SQLite file: what a code buys, and that a code
// used twice leaves no live key, also when the second use is queued before the first one's key
// exists.
#include "creditgate/web/oauth_codes.hpp"

#include <gtest/gtest.h>

#include "../ledger/ledger_fixture.hpp"
#include "creditgate/web/pkce.hpp"

namespace creditgate {
namespace {

using testing::await;

constexpr const char* kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr const char* kRedirect = "https://app.example/cb";

class OAuthCodesTest : public testing::LedgerTest {
  protected:
    void SetUp() override {
        LedgerTest::SetUp();
        keys_ = std::make_unique<KeyRegistry>(*ledger_);
        keys_->load();
        codes_ = std::make_unique<OAuthCodes>(*ledger_, *keys_);
        account_ = new_account();
        KeyScope root_scope;
        root_scope.name = "root";
        root_scope.models = std::vector<std::string>{"mock-*"};
        root_ = await<CreatedKey>([&](auto done) {
                    keys_->create(account_, std::nullopt, root_scope, "admin", done);
                }).key.record.id;
        // Queued before any code: the writer runs jobs in order.
        ledger_->submit({[](Store& store) {
                             store.insert_oauth_client(
                                 {"app_1", "Test App", R"(["https://app.example/cb"])", "", 1});
                         },
                         [](bool) {}});
    }
    void TearDown() override {
        codes_.reset();
        keys_.reset();
        LedgerTest::TearDown();
    }

    std::string issue(const std::string& scope) {
        CodeGrant grant{"app_1",  kRedirect, s256_challenge(kVerifier),
                        account_, root_,     std::get<OAuthScope>(parse_oauth_scope(scope))};
        auto code = await<std::optional<std::string>>(
            [&](auto done) { codes_->issue(std::move(grant), done); });
        EXPECT_TRUE(code);
        return code.value_or("");
    }
    TokenRequest request(const std::string& code) { return {code, kVerifier, kRedirect, "app_1"}; }
    TokenOutcome exchange(const std::string& code) {
        return await<TokenOutcome>([&](auto done) { codes_->exchange(request(code), done); });
    }
    std::vector<KeyView> app_keys() {
        auto list = await<KeyList>([&](auto done) { keys_->list(account_, done); });
        std::vector<KeyView> out;
        for (auto& key : list.keys) {
            if (key.record.name == "Test App") out.push_back(key);
        }
        return out;
    }

    std::unique_ptr<KeyRegistry> keys_;
    std::unique_ptr<OAuthCodes> codes_;
    std::int64_t account_ = 0;
    std::int64_t root_ = 0;
};

TEST_F(OAuthCodesTest, ACodeBuysASubKeyOfTheApprovingKeyWithTheApprovedScope) {
    const auto outcome = exchange(issue("models:mock-fixed budget:month:2"));
    ASSERT_EQ(outcome.result, TokenResult::ok) << outcome.description;
    EXPECT_EQ(outcome.scope, "models:mock-fixed budget:month:2");
    EXPECT_EQ(outcome.expires_in_s, std::nullopt);
    const auto key = keys_->find(outcome.access_token);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->key->record.parent_id, root_);
    EXPECT_EQ(key->key->scope.models, (std::vector<std::string>{"mock-fixed"}));
}

TEST_F(OAuthCodesTest, ASecondUseIsRefusedAndRevokesTheKey) {
    const auto code = issue("models:mock-fixed");
    const auto first = exchange(code);
    ASSERT_EQ(first.result, TokenResult::ok);
    EXPECT_EQ(exchange(code).result, TokenResult::invalid_grant);
    EXPECT_FALSE(keys_->find(first.access_token));
}

// The second exchange is queued before the first one's key is made: it finds no key to
// revoke, so the first exchange revokes the key it made and answers invalid_grant too.
TEST_F(OAuthCodesTest, ASecondUseRacingTheFirstLeavesNoLiveKey) {
    const auto code = issue("models:mock-fixed");
    std::promise<TokenOutcome> first;
    std::promise<TokenOutcome> second;
    codes_->exchange(request(code), [&](TokenOutcome o) { first.set_value(std::move(o)); });
    codes_->exchange(request(code), [&](TokenOutcome o) { second.set_value(std::move(o)); });
    EXPECT_EQ(second.get_future().get().result, TokenResult::invalid_grant);
    const auto winner = first.get_future().get();
    EXPECT_EQ(winner.result, TokenResult::invalid_grant) << winner.description;
    const auto issued = app_keys();
    ASSERT_EQ(issued.size(), 1u);
    EXPECT_TRUE(issued[0].record.revoked_at_ms);
}

TEST_F(OAuthCodesTest, AWrongVerifierClientOrRedirectDoesNotUseTheCodeUp) {
    const auto code = issue("");
    auto wrong = request(code);
    wrong.code_verifier = std::string(43, 'a');
    EXPECT_EQ(await<TokenOutcome>([&](auto done) { codes_->exchange(wrong, done); }).result,
              TokenResult::invalid_grant);
    wrong = request(code);
    wrong.redirect_uri = "https://app.example/cb/";
    EXPECT_EQ(await<TokenOutcome>([&](auto done) { codes_->exchange(wrong, done); }).result,
              TokenResult::invalid_grant);
    wrong = request(code);
    wrong.client_id = "app_unknown";
    EXPECT_EQ(await<TokenOutcome>([&](auto done) { codes_->exchange(wrong, done); }).result,
              TokenResult::invalid_client);
    EXPECT_EQ(exchange(code).result, TokenResult::ok);
}

TEST_F(OAuthCodesTest, ARevokedApprovingKeyBuysNothing) {
    const auto code = issue("models:mock-fixed");
    await<KeyChange>([&](auto done) { keys_->revoke(root_, "admin", done); });
    EXPECT_EQ(exchange(code).result, TokenResult::invalid_grant);
    EXPECT_TRUE(app_keys().empty());
}

TEST_F(OAuthCodesTest, AScopeWiderThanTheApprovingKeyBuysNothing) {
    EXPECT_EQ(exchange(issue("models:gpt-4o")).result, TokenResult::invalid_grant);
    EXPECT_TRUE(app_keys().empty());
}

}  // namespace
}  // namespace creditgate
