// Credit buckets: burn-down order, expiry, debts paid first, adjustments, idempotency.
#include <gtest/gtest.h>

#include "ledger_fixture.hpp"

namespace creditgate::testing {

namespace {
constexpr std::int64_t kHour = 3'600'000;

std::int64_t remaining_of(const AccountBalance& a, std::int64_t grant_id) {
    for (const auto& g : a.grants) {
        if (g.id == grant_id) return g.remaining_nanos();
    }
    return 0;
}
}  // namespace

TEST_F(LedgerTest, SpendingConsumesGrantsByPriorityThenEarliestExpiryThenPaidTopUpsLast) {
    auto id = new_account();
    auto paid = top_up(id, 1'000, "paid").grant->id;
    auto late = grant(id, 1'000, 48 * kHour, 50, "late").grant->id;
    auto soon = grant(id, 1'000, 24 * kHour, 50, "soon").grant->id;
    auto urgent = grant(id, 1'000, 0, 10, "urgent-never-expires").grant->id;
    auto a = account(id);
    ASSERT_EQ(a.grants.size(), 4u);
    EXPECT_EQ(a.grants[0].id, urgent);  // lowest priority number first, even without expiry
    EXPECT_EQ(a.grants[1].id, soon);
    EXPECT_EQ(a.grants[2].id, late);
    EXPECT_EQ(a.grants[3].id, paid);

    settle(hold(id, 2'500).hold_id, 2'500);
    a = account(id);
    EXPECT_EQ(remaining_of(a, urgent), 0);
    EXPECT_EQ(remaining_of(a, soon), 0);
    EXPECT_EQ(remaining_of(a, late), 500);
    EXPECT_EQ(remaining_of(a, paid), 1'000);
    EXPECT_EQ(a.balance_nanos, 1'500);
}

TEST_F(LedgerTest, AtExpiryTheUnspentRestLeavesWithItsOwnEntry) {
    auto id = new_account();
    top_up(id, 300, "paid");
    auto g = grant(id, 1'000, kHour, 50, "monthly");
    settle(hold(id, 400).hold_id, 400);  // from the grant: 600 left
    advance(kHour - 1);
    EXPECT_EQ(sweep(), 0u);
    EXPECT_EQ(account(id).balance_nanos, 900);
    advance(1);
    EXPECT_EQ(sweep(), 1u);
    auto a = account(id);
    EXPECT_EQ(a.balance_nanos, 300);
    EXPECT_EQ(remaining_of(a, g.grant->id), 0);
    auto expiry = entries(id).front();
    EXPECT_EQ(expiry.type, "expiry");
    EXPECT_EQ(expiry.amount_nanos, -600);
    EXPECT_EQ(expiry.balance_after_nanos, 300);
}

TEST_F(LedgerTest, AGrantSpentInFullBeforeItExpiresLeavesNoExpiryEntry) {
    auto id = new_account();
    grant(id, 500, kHour, 50, "small");
    settle(hold(id, 500).hold_id, 500);
    advance(2 * kHour);
    EXPECT_EQ(sweep(), 0u);
    EXPECT_EQ(entries(id).front().type, "charge");
}

TEST_F(LedgerTest, ExpiryIsAppliedBeforeTheNextOperationEvenWithoutASweep) {
    auto id = new_account();
    grant(id, 1'000, kHour, 50, "monthly");
    advance(kHour);
    EXPECT_EQ(hold(id, 1).result, LedgerResult::insufficient_credits);
    EXPECT_EQ(account(id).balance_nanos, 0);
}

TEST_F(LedgerTest, AGrantMustExpireInTheFuture) {
    auto id = new_account();
    CreditRequest request;
    request.kind = GrantKind::grant;
    request.account_id = id;
    request.amount_nanos = 100;
    request.expires_at_ms = clock_ms_.load();
    request.idempotency_key = "past";
    EXPECT_EQ(credit(request).result, LedgerResult::invalid_expiry);
    request.kind = GrantKind::topup;
    request.expires_at_ms = clock_ms_.load() + kHour;
    request.idempotency_key = "topup-with-expiry";
    EXPECT_EQ(credit(request).result, LedgerResult::invalid_expiry);
    EXPECT_EQ(account(id).balance_nanos, 0);
}

TEST_F(LedgerTest, AnOverrunIsOwedAndTheNextCreditPaysItFirst) {
    auto id = new_account(1'000);
    auto s = settle(hold(id, 800).hold_id, 1'500);
    EXPECT_EQ(s.entry.flags, "overrun");
    auto a = account(id);
    EXPECT_EQ(a.balance_nanos, -500);
    EXPECT_EQ(a.owed_nanos, 500);
    EXPECT_TRUE(a.grants.empty());
    auto g = grant(id, 2'000, kHour, 50, "plan");
    a = account(id);
    EXPECT_EQ(a.owed_nanos, 0);
    EXPECT_EQ(a.balance_nanos, 1'500);
    EXPECT_EQ(remaining_of(a, g.grant->id), 1'500);
    // The grant paid the debt, so only what is left of it can expire.
    advance(kHour);
    sweep();
    EXPECT_EQ(entries(id).front().amount_nanos, -1'500);
    EXPECT_EQ(account(id).balance_nanos, 0);
}

TEST_F(LedgerTest, ASettleThatLeavesTheAccountOwingIsFlaggedEvenWithinItsHold) {
    auto id = new_account();
    grant(id, 1'000, kHour / 6, 50, "expiring");
    auto h = hold(id, 1'000);
    advance(kHour / 6);  // the grant that backed the hold expires under it, within its deadline
    auto s = settle(h.hold_id, 600);
    ASSERT_EQ(s.result, LedgerResult::ok);
    EXPECT_EQ(s.entry.balance_after_nanos, -600);
    EXPECT_EQ(s.entry.flags, "overrun");
}

TEST_F(LedgerTest, AdjustmentsMoveMoneyBothWaysAndRecordWhoAndWhy) {
    auto id = new_account(1'000);
    auto up = adjust(id, 250, "refund-1");
    ASSERT_EQ(up.result, LedgerResult::ok);
    EXPECT_EQ(up.entry.type, "adjustment");
    EXPECT_EQ(up.entry.actor, "ops");
    EXPECT_EQ(up.entry.reference, "correction");
    auto down = adjust(id, -1'000, "clawback-1");
    ASSERT_EQ(down.result, LedgerResult::ok);
    EXPECT_EQ(down.entry.amount_nanos, -1'000);
    EXPECT_EQ(account(id).balance_nanos, 250);
}

TEST_F(LedgerTest, ANegativeAdjustmentNeverTakesWhatHoldsReserved) {
    auto id = new_account(1'000);
    ASSERT_EQ(hold(id, 800).result, LedgerResult::ok);
    EXPECT_EQ(adjust(id, -201, "too-much").result, LedgerResult::insufficient_credits);
    EXPECT_EQ(adjust(id, -200, "fits").result, LedgerResult::ok);
    EXPECT_EQ(account(id).available_nanos(), 0);
}

TEST_F(LedgerTest, GrantsAndAdjustmentsAreIdempotentPerKindAndAccount) {
    auto id = new_account();
    auto first = grant(id, 1'000, kHour, 50, "plan-2026-11");
    auto again = grant(id, 1'000, kHour, 50, "plan-2026-11");
    EXPECT_TRUE(again.replayed);
    EXPECT_EQ(again.entry.id, first.entry.id);
    ASSERT_TRUE(again.grant);
    EXPECT_EQ(again.grant->id, first.grant->id);
    EXPECT_EQ(grant(id, 2'000, kHour, 50, "plan-2026-11").result,
              LedgerResult::idempotency_conflict);
    // The same key names a different operation under another kind.
    EXPECT_EQ(top_up(id, 5, "plan-2026-11").result, LedgerResult::ok);
    EXPECT_EQ(account(id).balance_nanos, 1'005);
}

TEST_F(LedgerTest, GrantsAndDebtsSurviveARestart) {
    auto id = new_account(100);
    auto g = grant(id, 1'000, kHour, 50, "plan");
    settle(hold(id, 400).hold_id, 400);
    auto other = new_account(100);
    settle(hold(other, 100).hold_id, 350);  // owes 250
    reopen();
    auto a = account(id);
    EXPECT_EQ(remaining_of(a, g.grant->id), 600);
    EXPECT_EQ(a.balance_nanos, 700);
    EXPECT_EQ(account(other).owed_nanos, 250);
    top_up(other, 1'000, "pay");
    EXPECT_EQ(account(other).owed_nanos, 0);
    advance(kHour);
    sweep();
    EXPECT_EQ(account(id).balance_nanos, 100);
}

TEST_F(LedgerTest, AHoldPastItsDeadlineIsVoidedAndALateSettleStillChargesTheUsage) {
    auto id = new_account(1'000);
    auto h = hold(id, 700);
    advance(hold_timeout_ms_);
    EXPECT_EQ(sweep(), 1u);
    EXPECT_EQ(account(id).available_nanos(), 1'000);
    // The request outlived its hold; its usage is still billed, once, in an entry of its own.
    auto late = settle(h.hold_id, 500);
    ASSERT_EQ(late.result, LedgerResult::ok);
    EXPECT_EQ(late.entry.amount_nanos, -500);
    EXPECT_EQ(late.entry.flags, "late");
    EXPECT_FALSE(late.entry.hold_id.has_value());
    EXPECT_EQ(account(id).balance_nanos, 500);
    auto all = entries(id);
    ASSERT_GE(all.size(), 2u);
    EXPECT_EQ(all[0].flags, "late");
    EXPECT_EQ(all[1].flags, "abandoned");
    EXPECT_EQ(all[1].hold_id, h.hold_id);
    // A second settle of the same hold finds it closed and moves nothing.
    EXPECT_EQ(settle(h.hold_id, 500).result, LedgerResult::hold_closed);
    EXPECT_EQ(account(id).balance_nanos, 500);
}

TEST_F(LedgerTest, WithChargeQuoteALateSettleTakesOnlyWhatTheQuoteDidNotCover) {
    on_abandoned_ = AbandonRule::charge_quote;
    reopen();
    auto id = new_account(10'000);
    auto covered = hold(id, 700);
    auto exceeded = hold(id, 700);
    advance(hold_timeout_ms_);
    EXPECT_EQ(sweep(), 2u);
    EXPECT_EQ(account(id).balance_nanos, 10'000 - 1'400);
    auto within = settle(covered.hold_id, 500);
    ASSERT_EQ(within.result, LedgerResult::ok);
    EXPECT_EQ(within.entry.amount_nanos, 0);  // nothing more was due
    auto beyond = settle(exceeded.hold_id, 900);
    ASSERT_EQ(beyond.result, LedgerResult::ok);
    EXPECT_EQ(beyond.entry.amount_nanos, -200);
    EXPECT_EQ(beyond.entry.provider_cost_nanos + beyond.entry.markup_nanos, 200);
    EXPECT_EQ(account(id).balance_nanos, 10'000 - 1'400 - 200);
}

TEST_F(LedgerTest, WithChargeQuoteAnAbandonedHoldIsChargedItsQuoteWithTheSplitShown) {
    on_abandoned_ = AbandonRule::charge_quote;
    reopen();
    auto id = new_account(10'000);
    ASSERT_EQ(hold(id, 1'100).result, LedgerResult::ok);
    reopen();  // the process died with the hold open
    EXPECT_EQ(abandoned_at_start_, 1u);
    auto e = entries(id).front();
    EXPECT_EQ(e.type, "charge");
    EXPECT_EQ(e.amount_nanos, -1'100);
    EXPECT_EQ(e.provider_cost_nanos, 1'000);
    EXPECT_EQ(e.markup_nanos, 100);
    EXPECT_EQ(e.flags, "estimated,abandoned");
    EXPECT_EQ(account(id).balance_nanos, 8'900);
}

}  // namespace creditgate::testing
