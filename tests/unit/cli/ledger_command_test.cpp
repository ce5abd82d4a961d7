// `creditgate ledger ...`: exit codes, the summary line, and messages on the right stream.
#include "creditgate/cli/ledger_command.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <regex>
#include <sstream>

#include "../config/config_test_support.hpp"
#include "creditgate/ledger/ledger.hpp"
#include "creditgate/store/sqlite_store.hpp"

namespace creditgate {
namespace {

struct Result {
    int code;
    std::string out;
    std::string err;
};

class LedgerCommandTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("creditgate-cli-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
        auto config = config_test::base_config();
        config["database"]["sqlite"] = path("ledger.db");
        // Variables no environment has: ledger commands must not need the secrets.
        config["admin"]["token_env"] = "CREDITGATE_TEST_UNSET_ADMIN_TOKEN_4711";
        config["providers"]["openai"]["api_key_env"] = "CREDITGATE_TEST_UNSET_PROVIDER_KEY_4711";
        std::ofstream(path("config.json")) << config.dump(2);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string path(const std::string& name) const { return (dir_ / name).string(); }

    void create_database() {
        SqliteStore store(path("ledger.db"), Durability::process);
        store.begin();
        const auto account = store.insert_account("acme", 1);
        EntryRecord topup;
        topup.account_id = account;
        topup.type = "topup";
        topup.amount_nanos = 5;
        topup.balance_after_nanos = 5;
        store.insert_entry(topup);
        store.commit();
    }

    static Result run(const std::vector<std::string>& args) {
        std::ostringstream out;
        std::ostringstream err;
        const int code = run_ledger_command(args, out, err);
        return {code, out.str(), err.str()};
    }

    std::filesystem::path dir_;
};

TEST_F(LedgerCommandTest, BackupPrintsOneSummaryLineAndExitsZero) {
    create_database();
    const auto r = run({"backup", "--config", path("config.json"), path("copy.db")});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    const std::regex line("ledger backup: wrote (.+) \\((\\d+) bytes; schema version " +
                          std::to_string(SqliteStore::kSchemaVersion) +
                          "; 1 accounts; 1 entries; integrity ok\\)\n");
    std::smatch match;
    ASSERT_TRUE(std::regex_match(r.out, match, line)) << r.out;
    EXPECT_EQ(match[1].str(), path("copy.db"));
    EXPECT_EQ(std::stoull(match[2].str()), std::filesystem::file_size(path("copy.db")));
}

TEST_F(LedgerCommandTest, BackupOntoAnExistingFileFailsWithExitOne) {
    create_database();
    std::ofstream(path("copy.db")) << "keep me";
    const auto r = run({"backup", "--config", path("config.json"), path("copy.db")});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
    std::ifstream in(path("copy.db"));
    // Not EXPECT_EQ: on failure it would print a whole database file.
    EXPECT_TRUE(std::string(std::istreambuf_iterator<char>(in), {}) == "keep me")
        << "the existing file was overwritten";
}

TEST_F(LedgerCommandTest, MissingDatabaseFailsWithExitOneAndCreatesNothing) {
    const auto r = run({"backup", "--config", path("config.json"), path("copy.db")});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("ledger.db"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(path("ledger.db")));
    EXPECT_FALSE(std::filesystem::exists(path("copy.db")));
}

TEST_F(LedgerCommandTest, BadConfigFailsWithExitOne) {
    const auto r = run({"backup", "--config", path("no-such-config.json"), path("copy.db")});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("config error"), std::string::npos) << r.err;
}

TEST_F(LedgerCommandTest, UsageErrorsExitTwoAndTouchNothing) {
    create_database();
    const std::string config = path("config.json");
    const std::vector<std::vector<std::string>> cases = {
        {},
        {"restore", "--config", config, path("copy.db")},
        {"backup", "--config", config},
        {"backup", "--config", config, path("copy.db"), path("other.db")},
        {"backup", "--config"},
        {"backup", "--force", "--config", config, path("copy.db")},
    };
    for (const auto& args : cases) {
        const auto r = run(args);
        EXPECT_EQ(r.code, 2) << ::testing::PrintToString(args);
        EXPECT_EQ(r.out, "");
        EXPECT_NE(r.err.find("Usage:"), std::string::npos) << r.err;
    }
    EXPECT_FALSE(std::filesystem::exists(path("copy.db")));
}

TEST_F(LedgerCommandTest, HelpGoesToStdoutWithExitZero) {
    const auto r = run({"--help"});
    EXPECT_EQ(r.code, 0);
    EXPECT_NE(r.out.find("ledger backup --config FILE OUT"), std::string::npos) << r.out;
}

TEST_F(LedgerCommandTest, VerifyPassesOnALedgerTheLedgerWroteAndSummarisesIt) {
    {
        Ledger ledger(std::make_unique<SqliteStore>(path("ledger.db"), Durability::process));
        ledger.start();
        std::promise<std::int64_t> created;
        ledger.create_account("acme", [&](const std::optional<AccountBalance>& account) {
            created.set_value(account ? account->id : 0);
        });
        CreditRequest top_up;
        top_up.account_id = created.get_future().get();
        top_up.amount_nanos = 2'500'000'000;
        top_up.idempotency_key = "k";
        std::promise<void> credited;
        ledger.credit(top_up, [&](CreditOutcome) { credited.set_value(); });
        credited.get_future().get();
    }
    auto result = run({"verify", "--config", path("config.json")});
    EXPECT_EQ(result.code, 0) << result.err;
    EXPECT_EQ(result.err, "");
    EXPECT_NE(result.out.find("ledger verify: OK: 1 accounts, 1 entries"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("money in 2.5, money out 0, balances 2.5"), std::string::npos)
        << result.out;
}

TEST_F(LedgerCommandTest, VerifyExitsOneListingWhatIsWrong) {
    create_database();  // a top-up entry written without its credit bucket
    auto result = run({"verify", "--config", path("config.json")});
    EXPECT_EQ(result.code, 1);
    EXPECT_EQ(result.out, "");
    EXPECT_NE(result.err.find("ledger verify: 2 discrepancies:"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("  entry 1: a credit without its bucket"), std::string::npos)
        << result.err;
}

TEST_F(LedgerCommandTest, VerifyOfAMissingDatabaseFailsAndCreatesNothing) {
    auto result = run({"verify", "--config", path("config.json")});
    EXPECT_EQ(result.code, 1);
    EXPECT_FALSE(std::filesystem::exists(path("ledger.db")));
}

}  // namespace
}  // namespace creditgate
