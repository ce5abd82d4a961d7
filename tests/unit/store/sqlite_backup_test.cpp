// Online backups of the SQLite ledger: a consistent copy while the ledger's writer keeps
// committing, never blocked by the backup; the copy is checked, and nothing is ever overwritten.
#include "creditgate/store/sqlite_backup.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "../ledger/ledger_fixture.hpp"
#include "creditgate/store/sqlite_store.hpp"

namespace creditgate::testing {

namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// Every file in `dir` whose name starts with `stem` (OUT, OUT.partial, OUT.partial-journal...).
std::vector<std::string> files_named_like(const std::filesystem::path& dir,
                                          const std::string& stem) {
    std::vector<std::string> names;
    for (const auto& item : std::filesystem::directory_iterator(dir)) {
        auto name = item.path().filename().string();
        if (name.rfind(stem, 0) == 0) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

// The copy, opened as the server would open it after a restore.
struct CopyContents {
    std::vector<AccountRecord> accounts;
    std::size_t entries = 0;
    bool balances_match_entries = true;
    std::optional<EntryRecord> entry(std::int64_t id) { return store->find_entry(id); }
    std::unique_ptr<SqliteStore> store;
};

CopyContents open_copy(const std::string& path) {
    CopyContents c;
    c.store = std::make_unique<SqliteStore>(path, Durability::process);
    c.accounts = c.store->load_accounts();
    for (const auto& account : c.accounts) {
        auto entries = c.store->list_entries(account.id, 1'000'000, 0);
        c.entries += entries.size();
        std::int64_t sum = 0;
        for (const auto& e : entries) sum += e.amount_nanos;
        if (sum != account.balance_nanos) c.balances_match_entries = false;
    }
    return c;
}

}  // namespace

class SqliteBackupTest : public LedgerTest {
  protected:
    std::string out(const std::string& name) const { return (dir_ / name).string(); }
};

TEST_F(SqliteBackupTest, CopyHoldsEverythingCommittedBeforeItWhileTheWriterKeepsCommitting) {
    const auto a = new_account(1'000'000);
    const auto b = new_account(1'000'000);
    std::atomic<std::int64_t> committed{2};  // the two initial top-ups
    std::atomic<std::int64_t> newest_committed_id{0};
    std::atomic<int> failures{0};
    std::atomic<bool> stop{false};

    // Two client threads keep the writer busy for the whole test: top-ups on one account,
    // hold + settle cycles on the other.
    std::thread top_ups([&] {
        for (int i = 0; !stop; ++i) {
            auto r = top_up(a, 1, "bg-" + std::to_string(i));
            if (r.result != LedgerResult::ok) {
                ++failures;
                continue;
            }
            ++committed;
            newest_committed_id = std::max(newest_committed_id.load(), r.entry.id);
        }
    });
    std::thread charges([&] {
        while (!stop) {
            auto h = hold(b, 10);
            auto s = h.result == LedgerResult::ok ? settle(h.hold_id, 7) : SettleOutcome{};
            if (s.result != LedgerResult::ok) {
                ++failures;
                continue;
            }
            ++committed;
        }
    });

    struct Taken {
        std::string path;
        std::int64_t committed_before;
        std::int64_t newest_id_before;
        BackupSummary summary;
    };
    std::vector<Taken> taken;
    for (int i = 0; i < 5; ++i) {
        // Wait for new commits so each backup starts from a different state.
        const auto floor = committed.load() + 20;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (committed.load() < floor && failures.load() == 0 &&
               std::chrono::steady_clock::now() < deadline) {
            std::this_thread::yield();
        }
        Taken t{out("backup-" + std::to_string(i) + ".db"),
                committed.load(),
                newest_committed_id.load(),
                {}};
        t.summary = backup_sqlite(db_path(), t.path);
        taken.push_back(t);
    }
    stop = true;
    top_ups.join();
    charges.join();
    ASSERT_EQ(failures.load(), 0) << "a ledger operation failed while backups ran";
    const std::int64_t total = committed.load();

    for (auto& t : taken) {
        SCOPED_TRACE(t.path);
        EXPECT_EQ(t.summary.path, t.path);
        EXPECT_EQ(t.summary.schema_version, SqliteStore::kSchemaVersion);
        EXPECT_EQ(t.summary.accounts, 2);
        EXPECT_GE(t.summary.entries, t.committed_before);
        EXPECT_LE(t.summary.entries, total);
        EXPECT_EQ(t.summary.bytes, std::filesystem::file_size(t.path));
        auto copy = open_copy(t.path);
        EXPECT_EQ(static_cast<std::int64_t>(copy.entries), t.summary.entries);
        EXPECT_TRUE(copy.balances_match_entries) << "the copy is not one consistent snapshot";
        EXPECT_TRUE(copy.entry(t.newest_id_before).has_value());
    }
    EXPECT_EQ(files_named_like(dir_, "backup-").size(), taken.size()) << "a side file was left";
}

TEST_F(SqliteBackupTest, WriterCommitsWhileTheBackupHoldsItsSnapshot) {
    const auto id = new_account(1'000);
    for (int i = 0; i < 50; ++i) top_up(id, 1, "fill-" + std::to_string(i));
    const std::int64_t entries_before = 51;

    BackupOptions options;
    options.pages_per_step = 1;  // many steps, so the callback runs in the middle of the copy
    int calls = 0;
    int copied_at_first_call = 0;
    int total_pages = 0;
    CreditOutcome during;
    options.on_progress = [&](int copied, int total) {
        if (calls++ == 0) {
            copied_at_first_call = copied;
            total_pages = total;
            // Blocks until the ledger's writer has committed: it must not wait for the backup.
            during = top_up(id, 5, "during-backup");
        }
    };
    const auto summary = backup_sqlite(db_path(), out("copy.db"), options);

    ASSERT_EQ(during.result, LedgerResult::ok);
    EXPECT_LT(copied_at_first_call, total_pages) << "the write did not happen mid-copy";
    EXPECT_GT(calls, 1);
    // The copy is the snapshot taken before the write, not a mix of before and after.
    EXPECT_EQ(summary.entries, entries_before);
    auto copy = open_copy(out("copy.db"));
    EXPECT_EQ(copy.entries, static_cast<std::size_t>(entries_before));
    EXPECT_FALSE(copy.entry(during.entry.id).has_value());
    EXPECT_TRUE(copy.balances_match_entries);
    EXPECT_EQ(entries(id).size(), static_cast<std::size_t>(entries_before + 1));
}

TEST_F(SqliteBackupTest, CopyOfAStoppedLedgerRestoresItsBalances) {
    const auto id = new_account(7'000);
    auto h = hold(id, 2'000);
    ASSERT_EQ(settle(h.hold_id, 1'500).result, LedgerResult::ok);
    ledger_.reset();  // clean stop: the WAL is checkpointed and removed

    const auto summary = backup_sqlite(db_path(), out("copy.db"));
    EXPECT_EQ(summary.accounts, 1);
    EXPECT_EQ(summary.entries, 2);

    // Restore: a ledger started on the copy sees the same money.
    Ledger restored(std::make_unique<SqliteStore>(out("copy.db"), Durability::process));
    restored.start();
    auto balance = await<std::optional<AccountBalance>>(
        [&](auto done) { restored.get_account(id, std::move(done)); });
    ASSERT_TRUE(balance.has_value());
    EXPECT_EQ(balance->balance_nanos, 5'500);
    EXPECT_EQ(balance->reserved_nanos, 0);
}

TEST_F(SqliteBackupTest, ExistingOutputIsNeverOverwritten) {
    new_account(1'000);
    const auto target = out("precious.db");
    std::ofstream(target) << "an earlier backup";

    try {
        backup_sqlite(db_path(), target);
        FAIL() << "backup overwrote an existing file";
    } catch (const StoreError& e) {
        EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(read_file(target) == "an earlier backup") << "the existing file was changed";
    EXPECT_EQ(files_named_like(dir_, "precious"), std::vector<std::string>{"precious.db"});
}

TEST_F(SqliteBackupTest, LeftoverPartialFileIsReportedAndLeftAlone) {
    new_account(1'000);
    std::ofstream(out("copy.db.partial")) << "someone else's";

    EXPECT_THROW(backup_sqlite(db_path(), out("copy.db")), StoreError);
    EXPECT_TRUE(read_file(out("copy.db.partial")) == "someone else's")
        << "the .partial was changed";
    EXPECT_FALSE(std::filesystem::exists(out("copy.db")));
}

TEST_F(SqliteBackupTest, FailedCopyLeavesNoFileBehind) {
    const auto source = out("not-a-database.db");
    std::ofstream(source) << std::string(8192, 'x');

    EXPECT_THROW(backup_sqlite(source, out("copy.db")), StoreError);
    EXPECT_EQ(files_named_like(dir_, "copy.db"), std::vector<std::string>{});
}

TEST_F(SqliteBackupTest, MissingSourceIsAnErrorAndIsNotCreated) {
    const auto source = out("missing/creditgate.db");

    EXPECT_THROW(backup_sqlite(source, out("copy.db")), StoreError);
    EXPECT_FALSE(std::filesystem::exists(source));
    EXPECT_EQ(files_named_like(dir_, "copy.db"), std::vector<std::string>{});
}

}  // namespace creditgate::testing
