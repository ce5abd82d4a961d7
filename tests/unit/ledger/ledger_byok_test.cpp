// Bring your own key in the ledger: the user pays the provider, the account pays the mark-up.
#include <gtest/gtest.h>

#include "ledger_fixture.hpp"

namespace creditgate {
namespace {

using testing::await;

class LedgerByokTest : public testing::LedgerTest {
  protected:
    static HoldRequest byok_hold(std::int64_t account, std::int64_t provider_nanos,
                                 std::int64_t markup_nanos) {
        auto request = hold_request(account, markup_nanos);
        request.byok = true;
        request.quote_provider_nanos = provider_nanos;
        request.quote_markup_nanos = markup_nanos;
        return request;
    }
    HoldOutcome hold_byok(const HoldRequest& request) {
        return await<HoldOutcome>([&](auto done) { ledger_->hold(request, std::move(done)); });
    }
    SettleOutcome settle_byok(std::int64_t hold_id, std::int64_t provider_nanos,
                              std::int64_t markup_nanos) {
        Charge charge;
        charge.cost = Cost{provider_nanos, markup_nanos, provider_nanos + markup_nanos};
        charge.byok = true;
        return await<SettleOutcome>(
            [&](auto done) { ledger_->settle(hold_id, std::move(charge), std::move(done)); });
    }
};

TEST_F(LedgerByokTest, TheHoldReservesTheMarkupOnlyAndTheChargeDebitsTheMarkupOnly) {
    auto payer = new_account(1'000);
    // The provider's part (100'000) is far above the balance: it is not the account's to pay.
    auto held = hold_byok(byok_hold(payer, 100'000, 300));
    ASSERT_EQ(held.result, LedgerResult::ok);
    EXPECT_EQ(account(payer).reserved_nanos, 300);
    auto settled = settle_byok(held.hold_id, 50'000, 200);
    ASSERT_EQ(settled.result, LedgerResult::ok);
    EXPECT_EQ(settled.entry.amount_nanos, -200);
    EXPECT_EQ(settled.entry.provider_cost_nanos, 50'000);
    EXPECT_EQ(settled.entry.markup_nanos, 200);
    EXPECT_EQ(settled.entry.flags, "byok");
    EXPECT_EQ(account(payer).balance_nanos, 800);
    EXPECT_EQ(account(payer).reserved_nanos, 0);
    // TearDown runs `ledger verify`, which accepts a byok charge of −mark-up.
}

TEST_F(LedgerByokTest, AByokHoldMustBeTheMarkupExactly) {
    auto payer = new_account(1'000);
    auto request = byok_hold(payer, 100, 30);
    request.amount_nanos = 130;  // the provider's part too: not a byok hold
    EXPECT_EQ(hold_byok(request).result, LedgerResult::invalid_amount);
}

TEST_F(LedgerByokTest, AnAbandonedByokHoldChargedAtItsQuoteTakesTheMarkupOnly) {
    on_abandoned_ = AbandonRule::charge_quote;
    reopen();
    auto payer = new_account(1'000);
    auto held = hold_byok(byok_hold(payer, 100'000, 300));
    ASSERT_EQ(held.result, LedgerResult::ok);
    advance(hold_timeout_ms_ + 1);
    sweep();
    EXPECT_EQ(account(payer).balance_nanos, 700);
    // A late byok charge after that takes what the mark-up adds beyond the quote, flagged byok.
    auto late = settle_byok(held.hold_id, 120'000, 350);
    ASSERT_EQ(late.result, LedgerResult::ok);
    EXPECT_EQ(late.entry.amount_nanos, -50);
    EXPECT_NE(late.entry.flags.find("byok"), std::string::npos);
    EXPECT_EQ(account(payer).balance_nanos, 650);
}

}  // namespace
}  // namespace creditgate
