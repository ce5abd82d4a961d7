// A key's own limits, decided with the balance: budgets per period and in all (reserved plus
// spent), a sub-key's use counted on every key above it, rates, concurrency, revocation. First
// against KeyLimits itself, then through the Ledger with its clock in the test's hands.
#include "creditgate/ledger/key_limits.hpp"

#include <gtest/gtest.h>

#include <latch>
#include <thread>

#include "creditgate/pricing/decimal.hpp"
#include "creditgate/validate/time_text.hpp"
#include "ledger_fixture.hpp"

namespace creditgate {
namespace {

constexpr std::int64_t kCredit = kNanosPerCredit;

std::int64_t at(const char* text) {
    return *parse_time_ms(text);
}

KeyLimitSpec budget(BudgetPeriod period, std::int64_t nanos) {
    KeyLimitSpec spec;
    spec.budgets[index_of(period)] = nanos;
    return spec;
}

const std::int64_t kNoon = at("2027-03-10T12:00:00Z");

TEST(KeyLimits, ABudgetCountsWhatIsReservedAndWhatIsSpent) {
    KeyLimits limits;
    limits.add(1, std::nullopt);
    limits.set_spec(1, budget(BudgetPeriod::month, 100 * kCredit));
    EXPECT_FALSE(limits.admit(1, 60 * kCredit, 0, kNoon));
    const auto refusal = limits.admit(1, 50 * kCredit, 0, kNoon);
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->kind, KeyRefusalKind::budget);
    EXPECT_EQ(refusal->limit, "month");
    EXPECT_EQ(refusal->remaining_nanos, 40 * kCredit);
    EXPECT_EQ(refusal->resets_at_ms, at("2027-04-01T00:00:00Z"));
    limits.end_hold(1, 60 * kCredit, 0);
    limits.charge(1, 30 * kCredit, 0, kNoon);
    EXPECT_FALSE(limits.admit(1, 70 * kCredit, 0, kNoon));  // 30 spent + 70 held = the budget
    EXPECT_TRUE(limits.admit(1, 1, 0, kNoon));
    const auto usage = limits.usage(1, kNoon);
    EXPECT_EQ(usage->spent_nanos[index_of(BudgetPeriod::month)], 30 * kCredit);
    EXPECT_EQ(usage->spent_nanos[index_of(BudgetPeriod::lifetime)], 30 * kCredit);
    EXPECT_EQ(usage->reserved_nanos, 70 * kCredit);
}

TEST(KeyLimits, AChildsUseCountsAgainstItsParent) {
    KeyLimits limits;
    limits.add(1, std::nullopt);
    limits.add(2, 1);
    limits.add(3, 2);
    limits.set_spec(1, budget(BudgetPeriod::lifetime, 100 * kCredit));
    EXPECT_FALSE(limits.admit(3, 80 * kCredit, 0, kNoon));  // a grandchild without limits
    const auto refusal = limits.admit(2, 30 * kCredit, 0, kNoon);
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->key_id, 1);  // the parent's budget refused the child
    EXPECT_EQ(refusal->limit, "lifetime");
    EXPECT_FALSE(refusal->resets_at_ms);
    limits.end_hold(3, 80 * kCredit, 0);
    limits.charge(3, 80 * kCredit, 0, kNoon);
    EXPECT_EQ(limits.usage(1, kNoon)->spent_nanos[index_of(BudgetPeriod::lifetime)], 80 * kCredit);
    EXPECT_EQ(limits.usage(2, kNoon)->spent_nanos[index_of(BudgetPeriod::lifetime)], 80 * kCredit);
    EXPECT_TRUE(limits.admit(1, 21 * kCredit, 0, kNoon));
    EXPECT_FALSE(limits.admit(1, 20 * kCredit, 0, kNoon));
}

TEST(KeyLimits, SpendRollsOverExactlyAtMidnightUtc) {
    KeyLimits limits;
    limits.add(1, std::nullopt);
    limits.set_spec(1, budget(BudgetPeriod::day, 10 * kCredit));
    const auto last_ms = at("2027-03-10T23:59:59.999Z");
    limits.charge(1, 10 * kCredit, 0, at("2027-03-10T00:00:00Z"));
    const auto refusal = limits.admit(1, 1, 0, last_ms);
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->resets_at_ms, at("2027-03-11T00:00:00Z"));
    EXPECT_FALSE(limits.admit(1, 10 * kCredit, 0, last_ms + 1));
    EXPECT_EQ(limits.usage(1, last_ms + 1)->spent_nanos[index_of(BudgetPeriod::day)], 0);
    EXPECT_EQ(limits.usage(1, last_ms + 1)->spent_nanos[index_of(BudgetPeriod::lifetime)],
              10 * kCredit);
}

TEST(KeyLimits, RequestsPerMinuteRefuseThe61stOfABurst) {
    KeyLimits limits;
    limits.add(1, std::nullopt);
    KeyLimitSpec spec;
    spec.rpm = 60;
    limits.set_spec(1, spec);
    for (int i = 0; i < 60; ++i) {
        ASSERT_FALSE(limits.admit(1, 0, 0, kNoon)) << i;
        limits.end_hold(1, 0, 0);
    }
    const auto refusal = limits.admit(1, 0, 0, kNoon);
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->kind, KeyRefusalKind::rate);
    EXPECT_EQ(refusal->limit, "rpm");
    EXPECT_EQ(refusal->retry_after_ms, 1000);
    EXPECT_TRUE(limits.admit(1, 0, 0, kNoon + 999));
    EXPECT_FALSE(limits.admit(1, 0, 0, kNoon + 1000));  // one request a second refills
    EXPECT_TRUE(limits.admit(1, 0, 0, kNoon + 1000));
}

TEST(KeyLimits, TokensPerMinuteReserveTheBoundAndTheChargeReplacesIt) {
    KeyLimits limits;
    limits.add(1, std::nullopt);
    KeyLimitSpec spec;
    spec.tpm = 1000;
    limits.set_spec(1, spec);
    EXPECT_FALSE(limits.admit(1, 0, 1000, kNoon));  // the whole minute's tokens, as a bound
    const auto refusal = limits.admit(1, 0, 1, kNoon);
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->limit, "tpm");
    limits.end_hold(1, 0, 1000);
    limits.charge(1, 0, 100, kNoon);  // it used 100: 900 are back
    EXPECT_FALSE(limits.admit(1, 0, 900, kNoon));
    EXPECT_TRUE(limits.admit(1, 0, 1, kNoon));
}

TEST(KeyLimits, ARequestWhoseBoundDoesNotFitInTheTokensLeftWaits) {
    KeyLimits limits;
    limits.add(1, std::nullopt);
    KeyLimitSpec spec;
    spec.tpm = 100;
    limits.set_spec(1, spec);
    EXPECT_FALSE(limits.admit(1, 0, 98, kNoon));
    limits.end_hold(1, 0, 98);
    limits.charge(1, 0, 98, kNoon);
    const auto refusal = limits.admit(1, 0, 98, kNoon);  // 2 left: 98 do not fit
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->limit, "tpm");
    EXPECT_EQ(refusal->retry_after_ms, 96 * 600);  // 96 tokens at 100 a minute
    EXPECT_FALSE(limits.admit(1, 0, 2, kNoon));    // but 2 do
}

TEST(KeyLimits, ALongPauseRefillsTokensBelowZeroInFull) {
    KeyLimits limits;
    limits.add(1, std::nullopt);
    KeyLimitSpec spec;
    spec.tpm = 1000;
    limits.set_spec(1, spec);
    EXPECT_FALSE(limits.admit(1, 0, 0, kNoon));
    limits.end_hold(1, 0, 0);
    limits.charge(1, 0, 10'000, kNoon);  // ten minutes' worth, more than any bound said
    // Nine minutes pay the debt back to zero; one token more takes 60 ms at 1000 a minute.
    EXPECT_TRUE(limits.admit(1, 0, 1, kNoon + 9 * 60'000 + 59));
    EXPECT_FALSE(limits.admit(1, 0, 1, kNoon + 9 * 60'000 + 60));
}

TEST(KeyLimits, MaxConcurrentCountsOpenHolds) {
    KeyLimits limits;
    limits.add(1, std::nullopt);
    KeyLimitSpec spec;
    spec.max_concurrent = 2;
    limits.set_spec(1, spec);
    EXPECT_FALSE(limits.admit(1, 0, 0, kNoon));
    EXPECT_FALSE(limits.admit(1, 0, 0, kNoon));
    const auto refusal = limits.admit(1, 0, 0, kNoon);
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->limit, "max_concurrent");
    limits.end_hold(1, 0, 0);
    EXPECT_FALSE(limits.admit(1, 0, 0, kNoon));
}

TEST(KeyLimits, RevokingCutsEveryDescendantAndOpenHoldsStillEnd) {
    KeyLimits limits;
    limits.add(1, std::nullopt);
    limits.add(2, 1);
    limits.add(3, 2);
    limits.add(4, 1);
    EXPECT_FALSE(limits.admit(3, 5 * kCredit, 0, kNoon));
    auto revoked = limits.revoke(2);
    std::sort(revoked.begin(), revoked.end());
    EXPECT_EQ(revoked, (std::vector<std::int64_t>{2, 3}));
    EXPECT_EQ(limits.admit(3, 1, 0, kNoon)->kind, KeyRefusalKind::revoked);
    EXPECT_EQ(limits.admit(2, 1, 0, kNoon)->kind, KeyRefusalKind::revoked);
    EXPECT_FALSE(limits.admit(4, 1, 0, kNoon));
    limits.end_hold(3, 5 * kCredit, 0);
    limits.charge(3, 5 * kCredit, 0, kNoon);
    EXPECT_EQ(limits.usage(1, kNoon)->spent_nanos[index_of(BudgetPeriod::lifetime)], 5 * kCredit);
    EXPECT_TRUE(limits.revoke(3).empty());  // already revoked
}

TEST(KeyLimits, UnknownKeysHaveNoLimits) {
    KeyLimits limits;
    EXPECT_FALSE(limits.admit(0, kCredit, 1'000'000, kNoon));
    EXPECT_FALSE(limits.usage(0, kNoon));
}

class KeyLimitsLedger : public testing::LedgerTest {
  protected:
    void SetUp() override {
        clock_ms_ = at("2027-03-10T23:59:59.000Z");
        LedgerTest::SetUp();
        account_ = new_account(1000 * kCredit);
    }
    // A key in the store, as the registry would make it, and its limits in the ledger.
    std::int64_t stored_key(const KeyLimitSpec& spec, std::optional<std::int64_t> parent = {}) {
        ledger_.reset();
        std::int64_t id = 0;
        {
            SqliteStore store(db_path(), Durability::process);
            KeyRecord key;
            key.account_id = account_;
            key.name = "k";
            key.hash = "hash-" + std::to_string(++keys_made_);
            key.prefix = "cg-";
            key.created_at_ms = clock_ms_;
            key.parent_id = parent;
            id = store.insert_key(key);
        }
        open();
        ledger_->set_key_limits(id, spec);
        return id;
    }
    HoldOutcome key_hold(std::int64_t key_id, std::int64_t nanos) {
        auto request = hold_request(account_, nanos);
        request.key_id = key_id;
        return ledger_->hold(request);
    }
    std::int64_t spent(std::int64_t key_id, BudgetPeriod period) {
        return ledger_->key_usage(key_id)->spent_nanos[index_of(period)];
    }

    std::int64_t account_ = 0;
    int keys_made_ = 0;
};

TEST_F(KeyLimitsLedger, AChargeRollsOverExactlyAtMidnight) {
    const auto key = stored_key(budget(BudgetPeriod::day, 10 * kCredit));
    auto held = key_hold(key, 10 * kCredit);
    ASSERT_EQ(held.result, LedgerResult::ok);
    EXPECT_EQ(settle(held.hold_id, 10 * kCredit).result, LedgerResult::ok);
    clock_ms_ = at("2027-03-10T23:59:59.999Z");
    const auto refused = key_hold(key, 1);
    EXPECT_EQ(refused.result, LedgerResult::key_limited);
    ASSERT_TRUE(refused.key_refusal);
    EXPECT_EQ(refused.key_refusal->limit, "day");
    EXPECT_EQ(refused.key_refusal->resets_at_ms, at("2027-03-11T00:00:00Z"));
    EXPECT_EQ(account(account_).available_nanos(), 990 * kCredit);  // the refusal held nothing
    advance(1);
    EXPECT_EQ(key_hold(key, 10 * kCredit).result, LedgerResult::ok);
    EXPECT_EQ(spent(key, BudgetPeriod::day), 0);
    EXPECT_EQ(spent(key, BudgetPeriod::lifetime), 10 * kCredit);
}

TEST_F(KeyLimitsLedger, SpendIsRebuiltFromTheStoreAfterARestart) {
    const auto parent = stored_key(budget(BudgetPeriod::month, 5 * kCredit));
    const auto child = stored_key({}, parent);
    for (auto key : {parent, child}) {
        auto held = key_hold(key, 2 * kCredit);
        ASSERT_EQ(held.result, LedgerResult::ok);
        ASSERT_EQ(settle(held.hold_id, kCredit + key).result, LedgerResult::ok);
    }
    const auto charged = 2 * kCredit + parent + child;
    advance(1000);  // into the next day: the day's spend is gone, the week's and month's stay
    reopen();
    ledger_->set_key_limits(parent, budget(BudgetPeriod::month, 5 * kCredit));
    EXPECT_EQ(spent(parent, BudgetPeriod::day), 0);
    EXPECT_EQ(spent(parent, BudgetPeriod::week), charged);
    EXPECT_EQ(spent(parent, BudgetPeriod::month), charged);
    EXPECT_EQ(spent(parent, BudgetPeriod::lifetime), charged);
    EXPECT_EQ(spent(child, BudgetPeriod::lifetime), kCredit + child);
    EXPECT_EQ(key_hold(child, 5 * kCredit - charged + 1).result, LedgerResult::key_limited);
    EXPECT_EQ(key_hold(child, 5 * kCredit - charged).result, LedgerResult::ok);
}

TEST_F(KeyLimitsLedger, AHoldOpenAtARestartEndsWithoutUnbalancingItsKey) {
    KeyLimitSpec spec;
    spec.max_concurrent = 1;
    const auto key = stored_key(spec);
    ASSERT_EQ(key_hold(key, kCredit).result, LedgerResult::ok);
    reopen();  // the previous process's hold is abandoned at start
    EXPECT_EQ(abandoned_at_start_, 1u);
    ledger_->set_key_limits(key, spec);
    EXPECT_EQ(ledger_->key_usage(key)->concurrent, 0);
    EXPECT_EQ(ledger_->key_usage(key)->reserved_nanos, 0);
    EXPECT_EQ(key_hold(key, kCredit).result, LedgerResult::ok);
}

TEST_F(KeyLimitsLedger, RevokingAParentCutsItsChildrenAndAnOpenHoldStillSettles) {
    const auto parent = stored_key({});
    const auto child = stored_key({}, parent);
    auto held = key_hold(child, 2 * kCredit);
    ASSERT_EQ(held.result, LedgerResult::ok);
    EXPECT_EQ(ledger_->revoke_key_tree(parent), (std::vector<std::int64_t>{parent, child}));
    EXPECT_EQ(key_hold(child, 1).result, LedgerResult::key_revoked);
    EXPECT_EQ(settle(held.hold_id, kCredit).result, LedgerResult::ok);
    EXPECT_EQ(spent(parent, BudgetPeriod::lifetime), kCredit);
    EXPECT_EQ(account(account_).balance_nanos, 999 * kCredit);
}

TEST_F(KeyLimitsLedger, SixtyFourRacingRequestsNeverHoldMoreThanTheBudget) {
    const auto key = stored_key(budget(BudgetPeriod::day, 10 * kCredit));
    constexpr int kThreads = 64;
    constexpr std::int64_t kEach = 300'000'000;  // 0.3 credits: 33 fit in 10
    std::latch go(kThreads);
    std::atomic<int> admitted = 0;
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&] {
            go.arrive_and_wait();
            const auto outcome = key_hold(key, kEach);
            if (outcome.result == LedgerResult::ok) admitted += 1;
            EXPECT_TRUE(outcome.result == LedgerResult::ok ||
                        outcome.result == LedgerResult::key_limited);
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(admitted.load(), 33);
    EXPECT_EQ(ledger_->key_usage(key)->reserved_nanos, 33 * kEach);
    EXPECT_EQ(account(account_).reserved_nanos, 33 * kEach);  // the balance was never the limit
}

}  // namespace
}  // namespace creditgate
