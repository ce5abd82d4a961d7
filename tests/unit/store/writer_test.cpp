// The writer commits queued jobs in one transaction per batch. A query that fails is undone
// alone; a record (money memory has already moved) is never dropped: it is retried until the
// store commits it, and meanwhile the writer says it is unhealthy.
#include "creditgate/store/writer.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <random>
#include <thread>

#include "creditgate/store/sqlite_store.hpp"
#include "faulty_store.hpp"

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
WriterJob create_account(const std::string& name, std::promise<bool>& committed,
                         WriterJob::Kind kind = WriterJob::Kind::query) {
    return {[name](Store& store) { store.insert_account(name, 1); },
            [&committed](bool ok) { committed.set_value(ok); }, kind};
}

}  // namespace

TEST_F(WriterTest, OneFailingQueryInABatchUndoesOnlyItself) {
    Writer writer(std::make_unique<SqliteStore>(db_path(), Durability::process));
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
    writer.submit(create_account("before", before, WriterJob::Kind::record));
    writer.submit({[](Store& store) {
                       store.insert_account("failing", 1);
                       throw StoreError("constraint failed (simulated)");
                   },
                   [&failing](bool ok) { failing.set_value(ok); }});
    writer.submit(create_account("after", after, WriterJob::Kind::record));
    queued.set_value();

    EXPECT_TRUE(first.get_future().get());
    EXPECT_TRUE(before.get_future().get());
    EXPECT_FALSE(failing.get_future().get());
    EXPECT_TRUE(after.get_future().get());
    writer.stop();
    // Each committed job's rows exist exactly once, although the batch ran twice.
    EXPECT_EQ(account_names(), (std::vector<std::string>{"first", "before", "after"}));
}

TEST_F(WriterTest, ARecordIsRetriedUntilTheDiskTakesItAndNeverDropped) {
    auto faulty = std::make_unique<FaultyStore>(
        std::make_unique<SqliteStore>(db_path(), Durability::process));
    auto plan = faulty->plan();
    Writer writer(std::move(faulty));
    writer.start();
    // The disk is full until the test says otherwise.
    plan->fail(FaultyStore::Fault::insert_account, -1);
    std::promise<bool> committed;
    const auto seq = writer.submit(create_account("charge", committed, WriterJob::Kind::record));
    // Several attempts fail; meanwhile the writer refuses to look healthy.
    while (plan->failures < 3) std::this_thread::yield();
    EXPECT_FALSE(writer.healthy());
    EXPECT_FALSE(writer.durable(seq));
    plan->heal();
    EXPECT_TRUE(committed.get_future().get());
    EXPECT_TRUE(writer.durable(seq));
    EXPECT_TRUE(writer.healthy());
    writer.stop();
    EXPECT_EQ(account_names(), (std::vector<std::string>{"charge"}));
}

TEST_F(WriterTest, ACommitThatFailsThreeTimesIsRetriedAndEveryRecordLands) {
    auto faulty = std::make_unique<FaultyStore>(
        std::make_unique<SqliteStore>(db_path(), Durability::process));
    auto plan = faulty->plan();
    plan->fail(FaultyStore::Fault::commit, 3);
    Writer writer(std::move(faulty));
    writer.start();
    std::vector<std::promise<bool>> committed(20);
    for (std::size_t i = 0; i < committed.size(); ++i) {
        writer.submit(
            create_account("account-" + std::to_string(i), committed[i], WriterJob::Kind::record));
    }
    for (auto& c : committed) EXPECT_TRUE(c.get_future().get());
    writer.stop();
    EXPECT_EQ(plan->failures, 3);
    EXPECT_EQ(account_names().size(), committed.size());
}

TEST_F(WriterTest, WhenDurableWaitsForTheCommitAndRunsAtOnceAfterIt) {
    Writer writer(std::make_unique<SqliteStore>(db_path(), Durability::process));
    writer.start();
    std::promise<void> release;
    auto release_future = release.get_future();
    const auto seq = writer.submit({[&release_future](Store& store) {
                                        release_future.wait();
                                        store.insert_account("slow", 1);
                                    },
                                    {},
                                    WriterJob::Kind::record});
    std::promise<bool> heard;
    writer.when_durable(seq, [&heard](bool ok) { heard.set_value(ok); });
    auto heard_future = heard.get_future();
    EXPECT_FALSE(writer.durable(seq));
    release.set_value();
    EXPECT_TRUE(heard_future.get());
    // Already durable: the callback runs on the caller's thread before when_durable returns.
    bool at_once = false;
    writer.when_durable(seq, [&at_once](bool ok) { at_once = ok; });
    EXPECT_TRUE(at_once);
    writer.stop();
}

TEST_F(WriterTest, StoppingWithAStoreThatKeepsFailingGivesUpAndTellsEveryWaiter) {
    auto faulty = std::make_unique<FaultyStore>(
        std::make_unique<SqliteStore>(db_path(), Durability::process));
    auto plan = faulty->plan();
    plan->fail(FaultyStore::Fault::commit, -1);
    Writer writer(std::move(faulty));
    writer.start();
    std::promise<bool> committed, waited;
    const auto seq = writer.submit(create_account("lost", committed, WriterJob::Kind::record));
    writer.when_durable(seq, [&waited](bool ok) { waited.set_value(ok); });
    writer.stop(/*give_up_ms=*/50);
    EXPECT_FALSE(committed.get_future().get());
    EXPECT_FALSE(waited.get_future().get());
    EXPECT_TRUE(account_names().empty());
}

TEST_F(WriterTest, ManyJobsCommitInOrderWithRisingSequenceNumbers) {
    Writer writer(std::make_unique<SqliteStore>(db_path(), Durability::process));
    writer.start();
    std::vector<std::promise<bool>> committed(50);
    WriteSeq last = 0;
    for (std::size_t i = 0; i < committed.size(); ++i) {
        const auto seq = writer.submit(
            create_account("account-" + std::to_string(i), committed[i], WriterJob::Kind::record));
        EXPECT_EQ(seq, last + 1);
        last = seq;
    }
    for (auto& c : committed) EXPECT_TRUE(c.get_future().get());
    EXPECT_TRUE(writer.durable(last));
    writer.stop();
    EXPECT_EQ(account_names().size(), committed.size());
}

}  // namespace creditgate::testing
