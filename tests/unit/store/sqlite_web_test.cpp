// The consent flow's rows in SQLite: each lookup can be repeated (a statement that read a row
// is reset before its next use), and a code is used once.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "creditgate/store/sqlite_store.hpp"

namespace creditgate {
namespace {

class SqliteWebTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("creditgate-web-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
        store_ = std::make_unique<SqliteStore>((dir_ / "cg.db").string(), Durability::process);
        account_id_ = store_->insert_account("user", 1);
        store_->insert_oauth_client({"app_1", "App", R"(["https://app.example/cb"])", "", 1});
    }
    void TearDown() override {
        store_.reset();
        std::filesystem::remove_all(dir_);
    }

    std::filesystem::path dir_;
    std::unique_ptr<SqliteStore> store_;
    std::int64_t account_id_ = 0;
};

TEST_F(SqliteWebTest, ClientsAndCodesCanBeLookedUpAgainAndAgain) {
    OAuthCodeRecord code;
    code.code_hash = "h";
    code.client_id = "app_1";
    code.account_id = account_id_;
    code.scope_json = "{}";
    code.expires_at_ms = 60'000;
    store_->insert_oauth_code(code);
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(store_->find_oauth_client("app_1")) << i;
        ASSERT_TRUE(store_->find_oauth_code("h")) << i;
        WebSessionRecord session{std::to_string(i), account_id_, std::nullopt, 1, 2, {}};
        store_->insert_web_session(session);
        ASSERT_TRUE(store_->find_web_session(session.id_hash)) << i;
    }
}

TEST_F(SqliteWebTest, CodeIsUsedOnceAndRemembersItsKeyAndReplay) {
    OAuthCodeRecord code;
    code.code_hash = "h";
    code.client_id = "app_1";
    code.account_id = account_id_;
    code.scope_json = "{}";
    store_->insert_oauth_code(code);
    EXPECT_TRUE(store_->use_oauth_code("h", 5));
    EXPECT_FALSE(store_->use_oauth_code("h", 6));
    store_->mark_oauth_code_replayed("h", 7);
    const auto found = store_->find_oauth_code("h");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->used_at_ms, 5);
    EXPECT_EQ(found->replayed_at_ms, 7);
}

}  // namespace
}  // namespace creditgate
