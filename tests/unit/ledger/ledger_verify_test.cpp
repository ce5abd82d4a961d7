// `ledger verify` finds what is wrong: each test breaks one rule in the stored rows, as a bug
// or a hand edit could, and expects verify to name it. (Every other ledger test already ends
// with verify passing on what it left.)
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "ledger_fixture.hpp"

namespace creditgate::testing {

class LedgerVerifyTest : public LedgerTest {
  protected:
    void SetUp() override {
        LedgerTest::SetUp();
        verify_at_teardown_ = false;
        id_ = new_account(10'000);
        settle(hold(id_, 1'100).hold_id, 1'100);
        settle(hold(id_, 500).hold_id, 900);
        grant(id_, 2'000, 3'600'000, 50, "plan");
        ASSERT_TRUE(verify().ok());
    }
    // Edits the file behind the ledger's back, then returns what verify says.
    VerifyReport tamper(const char* sql) {
        ledger_.reset();  // the writer commits and closes
        sqlite3* db = nullptr;
        EXPECT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
        char* error = nullptr;
        EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK)
            << (error ? error : "");
        sqlite3_free(error);
        sqlite3_close(db);
        SqliteStore reader(db_path(), Durability::process, OpenMode::read_only);
        return verify_ledger(reader);
    }
    static bool mentions(const VerifyReport& report, const std::string& text) {
        for (const auto& line : report.discrepancies) {
            if (line.find(text) != std::string::npos) return true;
        }
        return false;
    }
    std::int64_t id_ = 0;
};

TEST_F(LedgerVerifyTest, AnEntryWhoseAmountWasChangedBreaksTheChain) {
    auto report = tamper("UPDATE entries SET amount_nanos = amount_nanos - 1 WHERE type = 'topup'");
    EXPECT_FALSE(report.ok());
    EXPECT_TRUE(mentions(report, "is not the previous balance plus its amount"));
}

TEST_F(LedgerVerifyTest, AChargeThatIsNotProviderCostPlusMarkUp) {
    auto report =
        tamper("UPDATE entries SET markup_nanos = markup_nanos + 7 WHERE type = 'charge'");
    EXPECT_TRUE(mentions(report, "but provider cost + mark-up is"));
}

TEST_F(LedgerVerifyTest, ASettledHoldMarkedVoided) {
    auto report = tamper("UPDATE holds SET state = 'voided' WHERE id = 1");
    EXPECT_TRUE(mentions(report, "hold 1: voided, yet it has an entry"));
}

TEST_F(LedgerVerifyTest, ABucketThatGaveMoreThanItHad) {
    auto report = tamper("UPDATE allocations SET amount_nanos = amount_nanos + 20000");
    EXPECT_TRUE(mentions(report, "but held only"));
}

TEST_F(LedgerVerifyTest, ANegativeBalanceWithoutAnOverrunFlag) {
    auto report = tamper(
        "INSERT INTO entries (account_id, type, amount_nanos, balance_after_nanos, created_at_ms) "
        "SELECT account_id, 'charge', -(balance_after_nanos + 5), -5, created_at_ms FROM entries "
        "ORDER BY id DESC LIMIT 1");
    EXPECT_TRUE(mentions(report, "without a charge flagged overrun"));
}

TEST_F(LedgerVerifyTest, ACreditWithoutItsBucket) {
    auto report = tamper(
        "DELETE FROM allocations WHERE grant_id = (SELECT id FROM grants WHERE kind = 'grant');"
        "DELETE FROM grants WHERE kind = 'grant'");
    EXPECT_TRUE(mentions(report, "a credit without its bucket"));
    EXPECT_TRUE(mentions(report, "which does not make its balance"));
}

TEST_F(LedgerVerifyTest, ListsAtMostTheFirstDiscrepanciesButCountsThemAll) {
    ledger_.reset();
    SqliteStore reader(db_path(), Durability::process, OpenMode::read_only);
    EXPECT_TRUE(verify_ledger(reader).ok());
    auto report = tamper("UPDATE entries SET balance_after_nanos = balance_after_nanos + 1");
    EXPECT_GE(report.discrepancy_count, 3u);
    SqliteStore again(db_path(), Durability::process, OpenMode::read_only);
    auto short_report = verify_ledger(again, 2);
    EXPECT_EQ(short_report.discrepancies.size(), 2u);
    EXPECT_EQ(short_report.discrepancy_count, report.discrepancy_count);
}

}  // namespace creditgate::testing
