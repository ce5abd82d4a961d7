// The money rules of the ledger, one behaviour per test, on a real SQLite file.
#include <gtest/gtest.h>

#include <thread>

#include "ledger_fixture.hpp"

namespace creditgate::testing {

TEST_F(LedgerTest, HoldIsRefusedWhenAvailableIsBelowTheQuote) {
    auto id = new_account(1'000);
    EXPECT_EQ(hold(id, 1'001).result, LedgerResult::insufficient_credits);
    EXPECT_EQ(account(id).reserved_nanos, 0);
    EXPECT_EQ(hold(id, 1'000).result, LedgerResult::ok);
    EXPECT_EQ(account(id).available_nanos(), 0);
}

TEST_F(LedgerTest, SettleDebitsTheActualCostAndReleasesTheRest) {
    auto id = new_account(10'000);
    auto h = hold(id, 4'000);
    ASSERT_EQ(h.result, LedgerResult::ok);
    auto s = settle(h.hold_id, 1'100);
    ASSERT_EQ(s.result, LedgerResult::ok);
    EXPECT_EQ(s.entry.amount_nanos, -1'100);
    EXPECT_EQ(s.entry.balance_after_nanos, 8'900);
    EXPECT_EQ(s.entry.provider_cost_nanos + s.entry.markup_nanos, 1'100);
    auto a = account(id);
    EXPECT_EQ(a.balance_nanos, 8'900);
    EXPECT_EQ(a.reserved_nanos, 0);
}

TEST_F(LedgerTest, SettlingOrReleasingTwiceMovesMoneyOnce) {
    auto id = new_account(10'000);
    auto h = hold(id, 4'000);
    ASSERT_EQ(settle(h.hold_id, 1'000).result, LedgerResult::ok);
    EXPECT_EQ(settle(h.hold_id, 1'000).result, LedgerResult::hold_closed);
    EXPECT_EQ(release(h.hold_id), LedgerResult::hold_closed);
    EXPECT_EQ(release(123'456), LedgerResult::hold_not_found);
    EXPECT_EQ(account(id).balance_nanos, 9'000);
    EXPECT_EQ(entries(id).size(), 2u);  // the top-up and one charge
}

TEST_F(LedgerTest, ReleaseReturnsTheWholeHoldAndWritesNoEntry) {
    auto id = new_account(5'000);
    auto h = hold(id, 5'000);
    EXPECT_EQ(release(h.hold_id), LedgerResult::ok);
    auto a = account(id);
    EXPECT_EQ(a.balance_nanos, 5'000);
    EXPECT_EQ(a.available_nanos(), 5'000);
    EXPECT_EQ(entries(id).size(), 1u);
}

TEST_F(LedgerTest, CostAboveTheHoldIsChargedInFullAndFlaggedOverrun) {
    auto id = new_account(1'000);
    auto h = hold(id, 800);
    auto s = settle(h.hold_id, 1'500);
    ASSERT_EQ(s.result, LedgerResult::ok);
    EXPECT_EQ(s.entry.balance_after_nanos, -500);
    EXPECT_EQ(s.entry.flags, "overrun");
    // A negative balance refuses further requests, even free ones.
    EXPECT_EQ(hold(id, 0).result, LedgerResult::insufficient_credits);
}

TEST_F(LedgerTest, EstimatedChargesAreFlagged) {
    auto id = new_account(1'000);
    auto s = settle(hold(id, 500).hold_id, 300, /*estimated=*/true);
    EXPECT_EQ(s.entry.flags, "estimated");
}

TEST_F(LedgerTest, TopUpWithTheSameIdempotencyKeyMovesMoneyOnce) {
    auto id = new_account();
    auto first = top_up(id, 7'000, "invoice-1");
    auto again = top_up(id, 7'000, "invoice-1");
    ASSERT_EQ(first.result, LedgerResult::ok);
    ASSERT_EQ(again.result, LedgerResult::ok);
    EXPECT_FALSE(first.replayed);
    EXPECT_TRUE(again.replayed);
    EXPECT_EQ(again.entry.id, first.entry.id);
    EXPECT_EQ(account(id).balance_nanos, 7'000);
}

TEST_F(LedgerTest, TheSameIdempotencyKeyWithAnotherBodyIsAConflict) {
    auto id = new_account();
    top_up(id, 7'000, "invoice-1", "hash-a");
    EXPECT_EQ(top_up(id, 9'000, "invoice-1", "hash-b").result, LedgerResult::idempotency_conflict);
    EXPECT_EQ(account(id).balance_nanos, 7'000);
}

TEST_F(LedgerTest, TopUpMustBePositiveAndMustNotOverflow) {
    auto id = new_account();
    EXPECT_EQ(top_up(id, 0, "zero").result, LedgerResult::invalid_amount);
    EXPECT_EQ(top_up(id, -5, "negative").result, LedgerResult::invalid_amount);
    ASSERT_EQ(top_up(id, INT64_MAX, "max").result, LedgerResult::ok);
    EXPECT_EQ(top_up(id, 1, "one-more").result, LedgerResult::overflow);
    EXPECT_EQ(account(id).balance_nanos, INT64_MAX);
}

TEST_F(LedgerTest, UnknownAccountIsANamedResult) {
    EXPECT_EQ(hold(999, 1).result, LedgerResult::account_not_found);
    EXPECT_EQ(top_up(999, 1, "k").result, LedgerResult::account_not_found);
}

TEST_F(LedgerTest, BalancesAndChargesSurviveARestart) {
    auto id = new_account(10'000);
    settle(hold(id, 2'000).hold_id, 1'234);
    reopen();
    EXPECT_EQ(abandoned_at_start_, 0u);
    auto a = account(id);
    EXPECT_EQ(a.balance_nanos, 10'000 - 1'234);
    EXPECT_EQ(a.reserved_nanos, 0);
}

TEST_F(LedgerTest, LedgerTimeNeverGoesBackAcrossARestart) {
    auto id = new_account(10'000);
    advance(60'000);
    settle(hold(id, 2'000).hold_id, 1'000);
    const auto last_before_restart = entries(id).front().created_at_ms;
    advance(-30'000);  // the clock is stepped back while the process is down
    reopen();
    settle(hold(id, 2'000).hold_id, 1'000);
    EXPECT_GE(entries(id).front().created_at_ms, last_before_restart);
}

TEST_F(LedgerTest, HoldsLeftOpenByADeadProcessAreVoidedAtStartAndFlaggedAbandoned) {
    auto id = new_account(10'000);
    auto h = hold(id, 6'000);
    ASSERT_EQ(h.result, LedgerResult::ok);
    reopen();
    EXPECT_EQ(abandoned_at_start_, 1u);
    auto a = account(id);
    EXPECT_EQ(a.reserved_nanos, 0);
    EXPECT_EQ(a.available_nanos(), 10'000);
    auto newest = entries(id).front();
    EXPECT_EQ(newest.type, "void");
    EXPECT_EQ(newest.hold_id, h.hold_id);
    EXPECT_EQ(newest.amount_nanos, 0);
    EXPECT_EQ(newest.flags, "abandoned");
    EXPECT_EQ(settle(h.hold_id, 100).result, LedgerResult::hold_closed);
}

TEST_F(LedgerTest, ConcurrentHoldsNeverReserveMoreThanTheBalance) {
    constexpr int kThreads = 8;
    constexpr int kPerThread = 50;
    auto id = new_account(20 * 1'000);  // exactly 20 holds of 1,000
    std::atomic<int> granted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < kPerThread; ++i) {
                if (hold(id, 1'000).result == LedgerResult::ok) granted.fetch_add(1);
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(granted.load(), 20);
    auto a = account(id);
    EXPECT_EQ(a.reserved_nanos, 20'000);
    EXPECT_EQ(a.available_nanos(), 0);
}

}  // namespace creditgate::testing
