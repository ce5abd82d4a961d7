#include "creditgate/auth/key_registry.hpp"

#include <gtest/gtest.h>

#include "../ledger/ledger_fixture.hpp"
#include "creditgate/auth/api_key.hpp"

namespace creditgate {
namespace {

using testing::await;

class KeyRegistryTest : public testing::LedgerTest {
  protected:
    void SetUp() override {
        LedgerTest::SetUp();
        keys_ = std::make_unique<KeyRegistry>(*ledger_);
        keys_->load();
    }
    void TearDown() override {
        keys_.reset();
        LedgerTest::TearDown();
    }
    CreatedKey create(std::int64_t account_id, const std::string& name = "app",
                      std::optional<std::int64_t> parent = std::nullopt, KeyScope scope = {}) {
        scope.name = name;
        return await<CreatedKey>(
            [&](auto done) { keys_->create(account_id, parent, scope, "admin", done); });
    }
    bool revoke(std::int64_t key_id) { return revoke_tree(key_id).result == AuthResult::ok; }
    KeyChange revoke_tree(std::int64_t key_id) {
        return await<KeyChange>([&](auto done) { keys_->revoke(key_id, "admin", done); });
    }
    std::vector<AuditRecord> audit() {
        return await<AuditList>([&](auto done) { keys_->audit(100, 0, std::nullopt, done); })
            .entries;
    }

    std::unique_ptr<KeyRegistry> keys_;
};

TEST_F(KeyRegistryTest, ACreatedKeyIsFoundAndNamesItsAccount) {
    auto account = new_account();
    auto created = create(account);
    ASSERT_EQ(created.result, AuthResult::ok);
    auto found = keys_->find(created.plaintext);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->account_id, account);
    EXPECT_EQ(found->key_id, created.key.record.id);
}

TEST_F(KeyRegistryTest, TheStoreKeepsOnlyTheHashAndADisplayPrefix) {
    auto created = create(new_account());
    ASSERT_EQ(created.result, AuthResult::ok);
    EXPECT_TRUE(created.plaintext.starts_with(kKeyPrefix));
    EXPECT_EQ(created.key.record.hash, sha256_hex(created.plaintext));
    EXPECT_EQ(created.key.record.prefix, created.plaintext.substr(0, kDisplayPrefixLength));
    auto listed =
        await<KeyList>([&](auto done) { keys_->list(created.key.record.account_id, done); });
    ASSERT_EQ(listed.result, AuthResult::ok);
    ASSERT_EQ(listed.keys.size(), 1u);
    EXPECT_EQ(listed.keys[0].record.hash.find(created.plaintext), std::string::npos);
}

TEST_F(KeyRegistryTest, TwoKeysAreDifferent) {
    auto account = new_account();
    EXPECT_NE(create(account).plaintext, create(account).plaintext);
}

TEST_F(KeyRegistryTest, UnknownMalformedAndOverlongKeysAreNotFound) {
    auto created = create(new_account());
    auto other = created.plaintext;
    other.back() = other.back() == 'A' ? 'B' : 'A';
    EXPECT_FALSE(keys_->find(other));
    EXPECT_FALSE(keys_->find(""));
    EXPECT_FALSE(keys_->find(created.plaintext.substr(kKeyPrefix.size())));
    EXPECT_FALSE(keys_->find(created.plaintext + std::string(kMaxPresentedKeyLength, 'x')));
}

TEST_F(KeyRegistryTest, ARevokedKeyStopsWorkingAtOnceAndCannotBeRevokedTwice) {
    auto created = create(new_account());
    EXPECT_TRUE(revoke(created.key.record.id));
    EXPECT_FALSE(keys_->find(created.plaintext));
    EXPECT_FALSE(revoke(created.key.record.id));
    EXPECT_FALSE(revoke(created.key.record.id + 1000));
}

TEST_F(KeyRegistryTest, KeysOutliveARestartAndRevokedOnesStayRevoked) {
    auto account = new_account();
    auto kept = create(account);
    auto revoked = create(account);
    ASSERT_TRUE(revoke(revoked.key.record.id));
    keys_.reset();
    reopen();
    keys_ = std::make_unique<KeyRegistry>(*ledger_);
    keys_->load();
    EXPECT_TRUE(keys_->find(kept.plaintext));
    EXPECT_FALSE(keys_->find(revoked.plaintext));
}

TEST_F(KeyRegistryTest, AKeyForAnUnknownAccountIsAccountNotFound) {
    auto created = create(12345);
    EXPECT_EQ(created.result, AuthResult::account_not_found);
    EXPECT_TRUE(created.plaintext.empty());
    auto listed = await<KeyList>([&](auto done) { keys_->list(12345, done); });
    EXPECT_EQ(listed.result, AuthResult::account_not_found);
}

TEST_F(KeyRegistryTest, TheKeyPastTheLimitIsTooManyKeysAndNotStored) {
    auto account = new_account();
    for (std::size_t i = 0; i < KeyRegistry::kMaxKeysPerAccount; ++i) {
        ASSERT_EQ(create(account).result, AuthResult::ok) << i;
    }
    auto refused = create(account);
    EXPECT_EQ(refused.result, AuthResult::too_many_keys);
    EXPECT_TRUE(refused.plaintext.empty());
    auto listed = await<KeyList>([&](auto done) { keys_->list(account, done); });
    EXPECT_EQ(listed.keys.size(), KeyRegistry::kMaxKeysPerAccount);
}

TEST_F(KeyRegistryTest, ASubKeyIsFoundWithTheChainOfKeysAboveIt) {
    auto account = new_account();
    auto root = create(account, "root");
    auto child = create(account, "child", root.key.record.id);
    auto grandchild = create(account, "grandchild", child.key.record.id);
    auto found = keys_->find(grandchild.plaintext);
    ASSERT_TRUE(found);
    ASSERT_EQ(found->ancestors.size(), 2u);
    EXPECT_EQ(found->ancestors[0]->record.id, child.key.record.id);
    EXPECT_EQ(found->ancestors[1]->record.id, root.key.record.id);
    EXPECT_TRUE(keys_->descends_from(grandchild.key.record.id, root.key.record.id));
    EXPECT_FALSE(keys_->descends_from(root.key.record.id, grandchild.key.record.id));
}

TEST_F(KeyRegistryTest, RevokingAKeyRevokesEveryKeyBelowItAndNoOther) {
    auto account = new_account();
    auto root = create(account, "root");
    auto child = create(account, "child", root.key.record.id);
    auto grandchild = create(account, "grandchild", child.key.record.id);
    auto sibling = create(account, "sibling", root.key.record.id);
    auto revoked = revoke_tree(child.key.record.id);
    ASSERT_EQ(revoked.result, AuthResult::ok);
    EXPECT_EQ(revoked.revoked_ids.size(), 2u);
    EXPECT_FALSE(keys_->find(child.plaintext));
    EXPECT_FALSE(keys_->find(grandchild.plaintext));
    EXPECT_TRUE(keys_->find(root.plaintext));
    EXPECT_TRUE(keys_->find(sibling.plaintext));
    // And they stay revoked across a restart.
    keys_.reset();
    reopen();
    keys_ = std::make_unique<KeyRegistry>(*ledger_);
    keys_->load();
    EXPECT_FALSE(keys_->find(grandchild.plaintext));
    EXPECT_TRUE(keys_->find(sibling.plaintext));
}

TEST_F(KeyRegistryTest, AChangedScopeIsSeenByTheNextLookupAndAudited) {
    auto created = create(new_account(), "app");
    KeyScope narrower;
    narrower.name = "renamed";
    narrower.models = std::vector<std::string>{"gpt-4o-mini"};
    auto changed = await<KeyChange>(
        [&](auto done) { keys_->update(created.key.record.id, narrower, "ops", done); });
    ASSERT_EQ(changed.result, AuthResult::ok);
    auto found = keys_->find(created.plaintext);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->key->scope, narrower);
    EXPECT_EQ(found->key->record.name, "renamed");
    const auto rows = audit();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].action, "key.update");
    EXPECT_EQ(rows[0].actor, "ops");
    EXPECT_EQ(rows[1].action, "key.create");
    EXPECT_EQ(rows[0].target, "key:" + std::to_string(created.key.record.id));
}

TEST(BearerToken, TakesTheTokenOfABearerHeaderOnly) {
    EXPECT_EQ(bearer_token("Bearer cg-abc"), "cg-abc");
    EXPECT_EQ(bearer_token("Basic cg-abc"), "");
    EXPECT_EQ(bearer_token(""), "");
}

}  // namespace
}  // namespace creditgate
