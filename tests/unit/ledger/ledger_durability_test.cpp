// Memory decides, the store remembers: a charge the ledger took is never dropped, whatever the
// disk does, and nothing is admitted while the store cannot commit.
#include <future>
#include <memory>
#include <thread>

#include "ledger_fixture.hpp"

namespace creditgate::testing {

namespace {

class LedgerDurabilityTest : public LedgerTest {
  protected:
    void SetUp() override {
        faulty_ = true;
        LedgerTest::SetUp();
    }
    bool durable_soon(WriteSeq seq) {
        return await<bool>([&](auto done) { ledger_->when_durable(seq, std::move(done)); });
    }
    Charge charge_of(std::int64_t nanos) {
        Charge charge;
        charge.cost = Cost{nanos, 0, nanos};
        return charge;
    }
    // Holds the writer in a job until the returned promise is set: whatever is decided
    // meanwhile is queued, and lands in one batch. Returns once the job runs, so that nothing
    // decided after the call can join the gate's own batch.
    std::promise<void> hold_writer() {
        std::promise<void> go;
        auto entered = std::make_shared<std::promise<void>>();
        auto running = entered->get_future();
        ledger_->submit({[gate = go.get_future().share(), entered](Store&) {
                             entered->set_value();
                             gate.wait();
                         },
                         {},
                         WriterJob::Kind::query});
        running.wait();
        return go;
    }
    std::optional<HoldState> stored_state(std::int64_t hold_id) {
        SqliteStore reader(db_path(), Durability::process, OpenMode::read_only);
        return reader.find_hold_state(hold_id);
    }
};

}  // namespace

TEST_F(LedgerDurabilityTest, ASettleWhoseWriteFailsIsRetriedUntilDurableAndNewRequestsWait) {
    auto id = new_account(1'000);
    auto h = ledger_->hold(hold_request(id, 600));
    ASSERT_EQ(h.result, LedgerResult::ok);
    ASSERT_TRUE(durable_soon(h.durable_seq));

    // The disk fills up: the settle's entry cannot be written.
    faults_->fail(FaultyStore::Fault::insert_entry, -1);
    auto s = ledger_->settle(h.hold_id, charge_of(400));
    ASSERT_EQ(s.result, LedgerResult::ok);  // memory took the charge
    while (faults_->failures < 2) std::this_thread::yield();
    EXPECT_FALSE(ledger_->durable(s.durable_seq));
    // While nothing can be made durable, nothing new is admitted.
    EXPECT_EQ(ledger_->hold(hold_request(id, 1)).result, LedgerResult::unavailable);

    faults_->heal();
    EXPECT_TRUE(durable_soon(s.durable_seq));
    auto after = ledger_->hold(hold_request(id, 1));
    EXPECT_EQ(after.result, LedgerResult::ok);
    EXPECT_EQ(ledger_->release(after.hold_id).result, LedgerResult::ok);

    // What the client was told it paid is what the file says after a restart.
    reopen();
    EXPECT_EQ(account(id).balance_nanos, 600);
    EXPECT_EQ(entries(id).front().amount_nanos, -400);
}

TEST_F(LedgerDurabilityTest, CommitsThatFailThreeTimesLoseNoChargeOfABusyBatch) {
    auto id = new_account(1'000'000);
    faults_->fail(FaultyStore::Fault::commit, 3);
    std::vector<WriteSeq> settled;
    std::int64_t charged = 0;
    for (int i = 0; i < 50; ++i) {
        auto h = ledger_->hold(hold_request(id, 1'000));
        if (h.result == LedgerResult::unavailable) {  // between failed commits: refused, not lost
            --i;
            std::this_thread::yield();
            continue;
        }
        ASSERT_EQ(h.result, LedgerResult::ok);
        auto s = ledger_->settle(h.hold_id, charge_of(100 + i));
        ASSERT_EQ(s.result, LedgerResult::ok);
        settled.push_back(s.durable_seq);
        charged += 100 + i;
    }
    for (auto seq : settled) EXPECT_TRUE(durable_soon(seq));
    EXPECT_EQ(faults_->failures, 3);
    reopen();
    EXPECT_EQ(account(id).balance_nanos, 1'000'000 - charged);
    EXPECT_EQ(account(id).reserved_nanos, 0);
}

TEST_F(LedgerDurabilityTest, AHoldIsDecidedInMemoryAtOnceAndDurableBeforeItIsAnswered) {
    auto id = new_account(1'000);
    // The hold's own record cannot be written yet: the decision stands, durability waits.
    faults_->fail(FaultyStore::Fault::insert_hold, 2);
    auto h = ledger_->hold(hold_request(id, 700));
    ASSERT_EQ(h.result, LedgerResult::ok);
    EXPECT_EQ(h.available_nanos, 300);
    // A second hold sees the first one's reservation although it is not durable yet.
    EXPECT_EQ(ledger_->hold(hold_request(id, 400)).result, LedgerResult::insufficient_credits);
    EXPECT_TRUE(durable_soon(h.durable_seq));
    EXPECT_EQ(faults_->failures, 2);
    EXPECT_EQ(ledger_->release(h.hold_id).result, LedgerResult::ok);
}

TEST_F(LedgerDurabilityTest, AHoldSettledInTheSameBatchIsWrittenOnceAlreadySettledOnEveryRetry) {
    auto id = new_account(1'000);
    auto go = hold_writer();
    // The settle's entry fails twice: the batch with the hold and its settle is rolled back and
    // run again, and each run must write the hold closed together with its entry.
    faults_->fail(FaultyStore::Fault::insert_entry, 2);
    auto h = ledger_->hold(hold_request(id, 600));
    ASSERT_EQ(h.result, LedgerResult::ok);
    auto s = ledger_->settle(h.hold_id, charge_of(400));
    ASSERT_EQ(s.result, LedgerResult::ok);
    go.set_value();
    ASSERT_TRUE(durable_soon(s.durable_seq));
    EXPECT_EQ(faults_->failures, 2);
    EXPECT_EQ(faults_->close_hold_calls, 0);  // one row write: no update after the insert
    EXPECT_EQ(stored_state(h.hold_id), HoldState::settled);

    reopen();
    EXPECT_EQ(abandoned_at_start_, 0u);
    EXPECT_EQ(account(id).balance_nanos, 600);
    EXPECT_EQ(entries(id).front().amount_nanos, -400);
}

TEST_F(LedgerDurabilityTest, AHoldReleasedInTheSameBatchIsWrittenOnceAlreadyVoided) {
    auto id = new_account(1'000);
    auto go = hold_writer();
    auto h = ledger_->hold(hold_request(id, 600));
    ASSERT_EQ(h.result, LedgerResult::ok);
    ASSERT_EQ(ledger_->release(h.hold_id).result, LedgerResult::ok);
    go.set_value();
    auto after = ledger_->hold(hold_request(id, 1));  // behind the release in the queue
    ASSERT_TRUE(durable_soon(after.durable_seq));
    EXPECT_EQ(faults_->close_hold_calls, 0);
    EXPECT_EQ(stored_state(h.hold_id), HoldState::voided);
    EXPECT_EQ(ledger_->release(after.hold_id).result, LedgerResult::ok);
}

TEST_F(LedgerDurabilityTest, AHoldDurableBeforeItsSettleIsStoredOpenThenClosedWithItsEntry) {
    auto id = new_account(1'000);
    auto h = ledger_->hold(hold_request(id, 600));
    ASSERT_TRUE(durable_soon(h.durable_seq));
    // A crash now finds it open (and abandons it at restart): it has no entry yet.
    EXPECT_EQ(stored_state(h.hold_id), HoldState::open);
    auto s = ledger_->settle(h.hold_id, charge_of(400));
    ASSERT_TRUE(durable_soon(s.durable_seq));
    EXPECT_EQ(faults_->close_hold_calls, 1);
    EXPECT_EQ(stored_state(h.hold_id), HoldState::settled);
}

}  // namespace creditgate::testing
