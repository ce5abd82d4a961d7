// The writer commits queued operations in one transaction per batch; an operation that fails
// is undone alone, whatever its place in the batch, and memory is rebuilt from what committed.
#include "creditgate/store/writer.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <random>

#include "creditgate/store/sqlite_store.hpp"

namespace creditgate::testing {

namespace {

class WriterTest : public ::testing::Test {
  protected:
    void SetUp() override {
        spdlog::set_level(spdlog::level::off);  // the failing operation is logged on purpose
        dir_ = std::filesystem::temp_directory_path() /
               ("creditgate-writer-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override {
        spdlog::set_level(spdlog::level::info);
        std::filesystem::remove_all(dir_);
    }
    std::string db_path() const { return (dir_ / "ledger.db").string(); }

    std::vector<std::string> account_names() {
        SqliteStore store(db_path(), Durability::process);
        std::vector<std::string> names;
        for (const auto& account : store.load_accounts()) names.push_back(account.name);
        return names;
    }

    std::filesystem::path dir_;
};

// A job that creates an account; `committed` receives its fate.
WriterJob create_account(const std::string& name, std::promise<bool>& committed) {
    return {[name](Store& store) { store.insert_account(name, 1); },
            [&committed](bool ok) { committed.set_value(ok); }};
}

}  // namespace

TEST_F(WriterTest, OneFailingJobInABatchUndoesOnlyItself) {
    int rebuilds = 0;
    Writer writer(std::make_unique<SqliteStore>(db_path(), Durability::process),
                  [&rebuilds](Store&) { ++rebuilds; });
    writer.start();

    // The first job holds the writer until the next three are queued, so they form one batch.
    std::promise<void> queued;
    std::promise<bool> first, before, failing, after;
    auto queued_future = queued.get_future();
    writer.submit({[&queued_future](Store& store) {
                       queued_future.wait();
                       store.insert_account("first", 1);
                   },
                   [&first](bool ok) { first.set_value(ok); }});
    writer.submit(create_account("before", before));
    writer.submit({[](Store& store) {
                       store.insert_account("failing", 1);
                       throw StoreError("disk full (simulated)");
                   },
                   [&failing](bool ok) { failing.set_value(ok); }});
    writer.submit(create_account("after", after));
    queued.set_value();

    EXPECT_TRUE(first.get_future().get());
    EXPECT_TRUE(before.get_future().get());
    EXPECT_FALSE(failing.get_future().get());
    EXPECT_TRUE(after.get_future().get());
    writer.stop();

    // Each committed job's rows exist exactly once, although the batch ran twice.
    EXPECT_EQ(account_names(), (std::vector<std::string>{"first", "before", "after"}));
    // The batch's first run changed memory before the failure: the owner rebuilt it.
    EXPECT_EQ(rebuilds, 1);
}

TEST_F(WriterTest, AFailedJobLeavesNoTraceInMemoryEither) {
    // The test's "memory" is kept as the ledger keeps its balances: jobs change it after their
    // SQL, and it is rebuilt from the store when a batch is rolled back. A job that changed it
    // and then failed (as a sweep inside a job followed by the job's own failing SQL) must
    // leave no trace in either.
    std::vector<std::string> memory;
    // What memory held each time a batch had committed: what the owner may announce then.
    std::vector<std::vector<std::string>> at_commit;
    Writer writer(
        std::make_unique<SqliteStore>(db_path(), Durability::process),
        [&memory](Store& store) {
            memory.clear();
            for (const auto& account : store.load_accounts()) memory.push_back(account.name);
        },
        [&] { at_commit.push_back(memory); });
    writer.start();

    std::promise<void> queued;
    std::promise<bool> first, failing, after;
    auto queued_future = queued.get_future();
    writer.submit({[&](Store& store) {
                       queued_future.wait();
                       store.insert_account("first", 1);
                       memory.push_back("first");
                   },
                   [&first](bool ok) { first.set_value(ok); }});
    writer.submit({[&memory](Store& store) {
                       store.insert_account("swept", 1);
                       memory.push_back("swept");
                       throw StoreError("disk full (simulated)");
                   },
                   [&failing](bool ok) { failing.set_value(ok); }});
    writer.submit({[&memory](Store& store) {
                       store.insert_account("after", 1);
                       memory.push_back("after");
                   },
                   [&after](bool ok) { after.set_value(ok); }});
    queued.set_value();
    EXPECT_TRUE(first.get_future().get());
    EXPECT_FALSE(failing.get_future().get());
    EXPECT_TRUE(after.get_future().get());
    writer.stop();

    EXPECT_EQ(memory, (std::vector<std::string>{"first", "after"}));
    EXPECT_EQ(account_names(), memory);
    ASSERT_FALSE(at_commit.empty());
    for (const auto& seen : at_commit) {
        EXPECT_EQ(std::count(seen.begin(), seen.end(), "swept"), 0)
            << "the failed job's work was never there to announce";
    }
    EXPECT_EQ(at_commit.back(), memory);
}

TEST_F(WriterTest, ABatchWithoutFailuresCommitsWithoutRebuildingMemory) {
    int rebuilds = 0;
    Writer writer(std::make_unique<SqliteStore>(db_path(), Durability::process),
                  [&rebuilds](Store&) { ++rebuilds; });
    writer.start();
    std::vector<std::promise<bool>> committed(50);
    for (std::size_t i = 0; i < committed.size(); ++i) {
        writer.submit(create_account("account-" + std::to_string(i), committed[i]));
    }
    for (auto& c : committed) EXPECT_TRUE(c.get_future().get());
    writer.stop();
    EXPECT_EQ(account_names().size(), committed.size());
    EXPECT_EQ(rebuilds, 0);
}

}  // namespace creditgate::testing
