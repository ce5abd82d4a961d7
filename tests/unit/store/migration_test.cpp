// Schema migrations: a version-1 file (as the first release wrote it) opens under the current
// version with its money intact, its top-ups turned into buckets and its charges allocated to
// them, and its entries readable next to new ones that record every token class.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <future>
#include <random>

#include "creditgate/ledger/ledger.hpp"
#include "creditgate/ledger/verify.hpp"
#include "creditgate/store/sqlite_store.hpp"

namespace creditgate {
namespace {

// Frozen copy of schema version 1: what databases made by the first release contain.
constexpr const char* kVersion1Schema = R"sql(
CREATE TABLE accounts (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
);
CREATE TABLE api_keys (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts(id),
  name          TEXT NOT NULL,
  hash          TEXT NOT NULL UNIQUE,
  prefix        TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  revoked_at_ms INTEGER
);
CREATE INDEX api_keys_account ON api_keys(account_id);
CREATE TABLE holds (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts(id),
  key_id        INTEGER NOT NULL,
  request_id    TEXT NOT NULL,
  model         TEXT NOT NULL,
  endpoint      TEXT NOT NULL,
  amount_nanos  INTEGER NOT NULL CHECK (amount_nanos >= 0),
  state         TEXT NOT NULL CHECK (state IN ('open','settled','voided','abandoned')),
  created_at_ms INTEGER NOT NULL,
  closed_at_ms  INTEGER
);
CREATE INDEX holds_open ON holds(state) WHERE state = 'open';
CREATE TABLE entries (
  id                  INTEGER PRIMARY KEY,
  account_id          INTEGER NOT NULL REFERENCES accounts(id),
  type                TEXT NOT NULL,
  hold_id             INTEGER UNIQUE REFERENCES holds(id),
  key_id              INTEGER,
  request_id          TEXT NOT NULL DEFAULT '',
  model               TEXT NOT NULL DEFAULT '',
  endpoint            TEXT NOT NULL DEFAULT '',
  prompt_tokens       INTEGER NOT NULL DEFAULT 0,
  cached_tokens       INTEGER NOT NULL DEFAULT 0,
  completion_tokens   INTEGER NOT NULL DEFAULT 0,
  provider_cost_nanos INTEGER NOT NULL DEFAULT 0,
  markup_nanos        INTEGER NOT NULL DEFAULT 0,
  amount_nanos        INTEGER NOT NULL,
  balance_after_nanos INTEGER NOT NULL,
  flags               TEXT NOT NULL DEFAULT '',
  reference           TEXT NOT NULL DEFAULT '',
  raw_usage           TEXT NOT NULL DEFAULT '',
  price_version       TEXT NOT NULL DEFAULT '',
  created_at_ms       INTEGER NOT NULL
);
CREATE INDEX entries_account ON entries(account_id, id);
CREATE TABLE idempotency (
  scope         TEXT NOT NULL,
  key           TEXT NOT NULL,
  request_hash  TEXT NOT NULL,
  entry_id      INTEGER NOT NULL REFERENCES entries(id),
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);
)sql";

class MigrationTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("creditgate-migration-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string path() const { return (dir_ / "v1.db").string(); }

    void write_version1(const char* rows) {
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
        const std::string sql = std::string("PRAGMA journal_mode=WAL;") + kVersion1Schema +
                                "CREATE TABLE schema_version (version INTEGER NOT NULL);"
                                "INSERT INTO schema_version VALUES (1);" +
                                rows;
        char* error = nullptr;
        EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
            << (error ? error : "");
        sqlite3_free(error);
        sqlite3_close(db);
    }

    std::filesystem::path dir_;
};

template <typename T, typename Call>
T await(Call&& call) {
    std::promise<T> promise;
    auto future = promise.get_future();
    call([&promise](T value) { promise.set_value(std::move(value)); });
    return future.get();
}

TEST_F(MigrationTest, Version1TopUpsBecomeBucketsAndTheirChargesAreAllocatedOldestFirst) {
    // Account 1: top-ups of 100 and 50, charges of 30 and 90 (60 left, all in the second).
    // Account 2: a top-up of 10 and an overrun charge of 25: it owes 15.
    write_version1(R"sql(
INSERT INTO accounts VALUES (1, 'a', 1), (2, 'b', 1);
INSERT INTO entries (id, account_id, type, amount_nanos, balance_after_nanos, created_at_ms)
  VALUES (1, 1, 'topup', 100, 100, 1), (2, 1, 'topup', 50, 150, 2);
INSERT INTO holds VALUES (1, 1, 1, 'r1', 'm', '/v1/chat/completions', 40, 'settled', 3, 4);
INSERT INTO holds VALUES (2, 1, 1, 'r2', 'm', '/v1/chat/completions', 90, 'settled', 3, 4);
INSERT INTO entries (id, account_id, type, hold_id, provider_cost_nanos, amount_nanos,
                     balance_after_nanos, created_at_ms)
  VALUES (3, 1, 'charge', 1, 30, -30, 120, 4), (4, 1, 'charge', 2, 90, -90, 30, 5);
INSERT INTO entries (id, account_id, type, amount_nanos, balance_after_nanos, created_at_ms)
  VALUES (5, 2, 'topup', 10, 10, 6);
INSERT INTO holds VALUES (3, 2, 2, 'r3', 'm', '/v1/chat/completions', 10, 'settled', 7, 8);
INSERT INTO entries (id, account_id, type, hold_id, provider_cost_nanos, amount_nanos,
                     balance_after_nanos, flags, created_at_ms)
  VALUES (6, 2, 'charge', 3, 25, -25, -15, 'overrun', 8);
INSERT INTO holds VALUES (4, 1, 1, 'r4', 'm', '/v1/chat/completions', 20, 'open', 9, NULL);
)sql");
    {
        SqliteStore migrated(path(), Durability::process);
        auto report = verify_ledger(migrated);
        for (const auto& line : report.discrepancies) ADD_FAILURE() << line;
    }
    Ledger ledger(std::make_unique<SqliteStore>(path(), Durability::process));
    EXPECT_EQ(ledger.start(), 1u);  // the open version-1 hold is abandoned like any other
    auto a = *await<std::optional<AccountBalance>>(
        [&](auto done) { ledger.get_account(1, std::move(done)); });
    EXPECT_EQ(a.balance_nanos, 30);
    ASSERT_EQ(a.grants.size(), 1u);  // the first top-up is spent
    EXPECT_EQ(a.grants[0].amount_nanos, 50);
    EXPECT_EQ(a.grants[0].remaining_nanos(), 30);
    auto b = *await<std::optional<AccountBalance>>(
        [&](auto done) { ledger.get_account(2, std::move(done)); });
    EXPECT_EQ(b.balance_nanos, -15);
    EXPECT_EQ(b.owed_nanos, 15);
    ledger.stop();

    SqliteStore reader(path(), Durability::process, OpenMode::read_only);
    auto report = verify_ledger(reader);
    for (const auto& line : report.discrepancies) ADD_FAILURE() << line;
    EXPECT_EQ(report.money_in_nanos - report.money_out_nanos, 30 - 15);
}

TEST_F(MigrationTest, OldEntriesHaveNoneOfTheNewClassesAndNewChargesKeepThem) {
    write_version1(R"sql(
INSERT INTO accounts VALUES (1, 'a', 1);
INSERT INTO entries (id, account_id, type, amount_nanos, balance_after_nanos, created_at_ms)
  VALUES (1, 1, 'topup', 1000000, 1000000, 1);
)sql");
    Ledger ledger(std::make_unique<SqliteStore>(path(), Durability::process));
    ledger.start();
    HoldRequest hold;
    hold.account_id = 1;
    hold.key_id = 1;
    hold.request_id = "req_classes";
    hold.model = "m";
    hold.endpoint = "/v1/chat/completions";
    hold.amount_nanos = 500;
    hold.quote_provider_nanos = 500;
    const auto held = await<HoldOutcome>([&](auto done) { ledger.hold(hold, std::move(done)); });
    ASSERT_EQ(held.result, LedgerResult::ok);
    Charge charge;
    charge.tokens = TokenCounts{100, 20, 50, 10, 30, 2};
    charge.cost = Cost{300, 30, 330};
    const auto settled = await<SettleOutcome>(
        [&](auto done) { ledger.settle(held.hold_id, charge, std::move(done)); });
    ASSERT_EQ(settled.result, LedgerResult::ok);

    const auto found = await<EntriesOutcome>(
        [&](auto done) { ledger.find_request_entries(1, "req_classes", std::move(done)); });
    ASSERT_EQ(found.entries.size(), 1u);
    const auto& entry = found.entries[0];
    EXPECT_EQ(entry.cached_tokens, 20);
    EXPECT_EQ(entry.cache_write_tokens, 10);
    EXPECT_EQ(entry.reasoning_tokens, 30);
    EXPECT_EQ(entry.images, 2);
    // Another account never finds it.
    EXPECT_TRUE(await<EntriesOutcome>([&](auto done) {
                    ledger.find_request_entries(2, "req_classes", std::move(done));
                }).entries.empty());

    const auto listed =
        await<EntriesOutcome>([&](auto done) { ledger.list_entries(1, 10, 0, std::move(done)); });
    ASSERT_EQ(listed.entries.size(), 2u);
    const auto& old = listed.entries.back();  // the version-1 top-up
    EXPECT_EQ(old.cache_write_tokens + old.reasoning_tokens + old.images, 0);
    ledger.stop();
}

TEST_F(MigrationTest, AFileFromANewerBinaryIsRefused) {
    write_version1("INSERT INTO schema_version VALUES (99);");
    EXPECT_THROW(SqliteStore(path(), Durability::process), StoreError);
}

TEST_F(MigrationTest, ReadOnlyOpenRefusesAFileNotYetMigrated) {
    write_version1("");
    EXPECT_THROW(SqliteStore(path(), Durability::process, OpenMode::read_only), StoreError);
}

}  // namespace
}  // namespace creditgate
