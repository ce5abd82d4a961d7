#include "creditgate/auth/provider_key_vault.hpp"

#include <gtest/gtest.h>

#include "../ledger/ledger_fixture.hpp"
#include "creditgate/auth/base64.hpp"
#include "creditgate/auth/provider_key_seal.hpp"
#include "creditgate/store/sqlite_store.hpp"

namespace creditgate {
namespace {

using testing::await;

// A master key of 32 equal bytes, read from the text a key file would hold.
MasterKey master_of(char fill) {
    return master_key_from_text(base64_encode(std::string(32, fill)));
}

class ProviderKeyVaultTest : public testing::LedgerTest {
  protected:
    void SetUp() override {
        LedgerTest::SetUp();
        vault_ = std::make_unique<ProviderKeyVault>(*ledger_, master_of(1));
        vault_->load();
    }
    void TearDown() override {
        vault_.reset();
        LedgerTest::TearDown();
    }
    ProviderKeyResult put(std::int64_t account, const std::string& provider,
                          const std::string& key) {
        return await<ProviderKeyResult>(
            [&](auto done) { vault_->put(account, provider, key, "ops", done); });
    }
    ProviderKeyResult remove(std::int64_t account, const std::string& provider) {
        return await<ProviderKeyResult>(
            [&](auto done) { vault_->remove(account, provider, "ops", done); });
    }
    ProviderKeyList list(std::int64_t account) {
        return await<ProviderKeyList>([&](auto done) { vault_->list(account, done); });
    }
    std::vector<ProviderKeyRecord> stored() {
        SqliteStore reader(db_path(), Durability::process, OpenMode::read_only);
        reader.begin();
        auto records = reader.load_provider_keys();
        reader.commit();
        return records;
    }
    std::vector<AuditRecord> audit() {
        SqliteStore reader(db_path(), Durability::process, OpenMode::read_only);
        reader.begin();
        auto rows = reader.list_audit(100, 0, std::nullopt);
        reader.commit();
        return rows;
    }

    std::unique_ptr<ProviderKeyVault> vault_;
};

TEST_F(ProviderKeyVaultTest, AStoredKeyOpensForItsAccountAndProviderOnly) {
    auto account = new_account();
    auto other = new_account();
    ASSERT_EQ(put(account, "openai", "sk-user-key-AAAA1234"), ProviderKeyResult::ok);
    auto own = vault_->open(account, "openai");
    EXPECT_EQ(own.state, OwnProviderKey::State::usable);
    EXPECT_EQ(own.key, "sk-user-key-AAAA1234");
    EXPECT_EQ(vault_->open(other, "openai").state, OwnProviderKey::State::none);
    EXPECT_EQ(vault_->open(account, "anthropic").state, OwnProviderKey::State::none);
}

TEST_F(ProviderKeyVaultTest, TheStoreHoldsCiphertextAndLast4NeverTheKey) {
    auto account = new_account();
    ASSERT_EQ(put(account, "openai", "sk-user-key-AAAA1234"), ProviderKeyResult::ok);
    auto records = stored();
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].last4, "1234");
    EXPECT_EQ(records[0].master_key_id, master_of(1).id);
    EXPECT_EQ(records[0].ciphertext_b64.find("user-key"), std::string::npos);
    auto rows = audit();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].action, "provider_key.put");
    EXPECT_EQ(rows[0].actor, "ops");
    EXPECT_EQ(rows[0].target, "provider_key:openai");
    EXPECT_EQ(rows[0].detail.find("user-key"), std::string::npos);
}

TEST_F(ProviderKeyVaultTest, PutReplacesAndListShowsLast4PerProvider) {
    auto account = new_account();
    ASSERT_EQ(put(account, "openai", "sk-first-key-1111"), ProviderKeyResult::ok);
    ASSERT_EQ(put(account, "openai", "sk-second-key-2222"), ProviderKeyResult::ok);
    ASSERT_EQ(put(account, "anthropic", "sk-ant-key-3333"), ProviderKeyResult::ok);
    auto listed = list(account);
    ASSERT_EQ(listed.result, ProviderKeyResult::ok);
    ASSERT_EQ(listed.keys.size(), 2u);
    EXPECT_EQ(listed.keys[0].provider, "anthropic");
    EXPECT_EQ(listed.keys[1].provider, "openai");
    EXPECT_EQ(listed.keys[1].last4, "2222");
    EXPECT_EQ(vault_->open(account, "openai").key, "sk-second-key-2222");
}

TEST_F(ProviderKeyVaultTest, DeleteRemovesTheKeyAndIsAuditedOnce) {
    auto account = new_account();
    ASSERT_EQ(put(account, "openai", "sk-user-key-AAAA1234"), ProviderKeyResult::ok);
    EXPECT_EQ(remove(account, "openai"), ProviderKeyResult::ok);
    EXPECT_EQ(remove(account, "openai"), ProviderKeyResult::key_not_found);
    EXPECT_EQ(vault_->open(account, "openai").state, OwnProviderKey::State::none);
    EXPECT_TRUE(stored().empty());
    auto rows = audit();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].action, "provider_key.delete");
}

TEST_F(ProviderKeyVaultTest, AnUnknownAccountIsRefused) {
    EXPECT_EQ(put(999, "openai", "sk-user-key-AAAA1234"), ProviderKeyResult::account_not_found);
    EXPECT_EQ(list(999).result, ProviderKeyResult::account_not_found);
    EXPECT_TRUE(stored().empty());
}

TEST_F(ProviderKeyVaultTest, KeysSurviveARestart) {
    auto account = new_account();
    ASSERT_EQ(put(account, "openai", "sk-user-key-AAAA1234"), ProviderKeyResult::ok);
    vault_.reset();
    reopen();
    vault_ = std::make_unique<ProviderKeyVault>(*ledger_, master_of(1));
    EXPECT_EQ(vault_->load(), 0u);
    EXPECT_EQ(vault_->open(account, "openai").key, "sk-user-key-AAAA1234");
}

TEST_F(ProviderKeyVaultTest, WithAnotherMasterKeyAStoredKeyIsUnusableNeverAbsent) {
    auto account = new_account();
    ASSERT_EQ(put(account, "openai", "sk-user-key-AAAA1234"), ProviderKeyResult::ok);
    ProviderKeyVault wrong(*ledger_, master_of(2));
    EXPECT_EQ(wrong.load(), 1u) << "counted as unusable at start";
    EXPECT_EQ(wrong.open(account, "openai").state, OwnProviderKey::State::unusable);
    ProviderKeyVault unconfigured(*ledger_, std::nullopt);
    EXPECT_EQ(unconfigured.load(), 1u);
    EXPECT_EQ(unconfigured.open(account, "openai").state, OwnProviderKey::State::unusable);
    EXPECT_EQ(await<ProviderKeyResult>([&](auto done) {
                  unconfigured.put(account, "openai", "sk-x-12345678", "ops", done);
              }),
              ProviderKeyResult::not_configured);
}

TEST_F(ProviderKeyVaultTest, RotationResealsEveryKeyUnderTheNewMasterAndARerunIsANoOp) {
    auto a = new_account();
    auto b = new_account();
    ASSERT_EQ(put(a, "openai", "sk-a-openai-1111"), ProviderKeyResult::ok);
    ASSERT_EQ(put(b, "anthropic", "sk-b-anthropic-2222"), ProviderKeyResult::ok);
    vault_.reset();
    ledger_.reset();
    {
        SqliteStore store(db_path(), Durability::process);
        auto outcome = rotate_master_key(store, master_of(1), master_of(3));
        EXPECT_EQ(outcome.resealed, 2u);
        auto again = rotate_master_key(store, master_of(1), master_of(3));
        EXPECT_EQ(again.resealed, 0u);
        EXPECT_EQ(again.already_next, 2u);
        EXPECT_THROW(rotate_master_key(store, master_of(4), master_of(5)), MasterKeyError);
    }
    open();
    vault_ = std::make_unique<ProviderKeyVault>(*ledger_, master_of(3));
    vault_->load();
    EXPECT_EQ(vault_->open(a, "openai").key, "sk-a-openai-1111");
    EXPECT_EQ(vault_->open(b, "anthropic").key, "sk-b-anthropic-2222");
    EXPECT_EQ(list(b).keys.at(0).last4, "2222");
}

TEST(ProviderKeyProblem, RefusesEmptyOverlongAndControlCharacters) {
    EXPECT_TRUE(provider_key_problem(""));
    EXPECT_TRUE(provider_key_problem(std::string(ProviderKeyVault::kMaxKeyLength + 1, 'k')));
    EXPECT_TRUE(provider_key_problem("sk-abc\r\nX-Evil: 1"));
    EXPECT_FALSE(provider_key_problem(std::string(ProviderKeyVault::kMaxKeyLength, 'k')));
    EXPECT_FALSE(provider_key_problem("sk-proj-ABC_def-123"));
}

}  // namespace
}  // namespace creditgate
