// A seeded random walk of holds, settles, releases, top-ups, grants with expiries and
// priorities, adjustments, idempotent retries, hold deadlines and restarts, checked against a
// plain model of the rules after every few steps, then proved by `ledger verify`.
//
// CI runs a short walk. A long one: CREDITGATE_SIM_STEPS=200000 (and CREDITGATE_SIM_SEED=N to
// replay a failure; the seed is printed with every failure).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <tuple>

#include "ledger_fixture.hpp"

namespace creditgate::testing {

namespace {

// The rules, written again as simply as possible.
struct ModelBucket {
    std::int64_t id = 0;
    bool paid = false;  // top-ups and adjustments burn after every grant
    int priority = 0;
    std::int64_t expires_at = INT64_MAX;
    std::int64_t remaining = 0;
    auto order() const { return std::make_tuple(paid, paid ? 0 : priority, expires_at, id); }
};

struct ModelAccount {
    std::int64_t balance = 0;
    std::int64_t reserved = 0;
    std::int64_t owed = 0;
    std::vector<ModelBucket> buckets;

    void debit(std::int64_t amount) {
        balance -= amount;
        std::sort(buckets.begin(), buckets.end(),
                  [](const auto& a, const auto& b) { return a.order() < b.order(); });
        for (auto& b : buckets) {
            auto take = std::min(amount, b.remaining);
            b.remaining -= take;
            amount -= take;
        }
        owed += amount;
        std::erase_if(buckets, [](const auto& b) { return b.remaining == 0; });
    }
    void credit(ModelBucket bucket) {
        balance += bucket.remaining;
        auto pay = std::min(owed, bucket.remaining);
        owed -= pay;
        bucket.remaining -= pay;
        if (bucket.remaining > 0) buckets.push_back(bucket);
    }
    // Expires what is due at `now`; returns how much left the balance.
    std::int64_t expire(std::int64_t now) {
        std::int64_t gone = 0;
        for (auto& b : buckets) {
            if (b.expires_at <= now) {
                gone += b.remaining;
                b.remaining = 0;
            }
        }
        balance -= gone;
        std::erase_if(buckets, [](const auto& b) { return b.remaining == 0; });
        return gone;
    }
};

struct ModelHold {
    std::int64_t account = 0;
    std::int64_t amount = 0;
    std::int64_t deadline = 0;
};

}  // namespace

TEST_F(LedgerTest, RandomisedSimulationKeepsEveryInvariant) {
    const char* env_seed = std::getenv("CREDITGATE_SIM_SEED");
    const char* env_steps = std::getenv("CREDITGATE_SIM_STEPS");
    const std::uint64_t seed =
        env_seed ? std::strtoull(env_seed, nullptr, 10) : std::random_device{}();
    const int steps = env_steps ? std::atoi(env_steps) : 3'000;
    SCOPED_TRACE("seed " + std::to_string(seed) +
                 " (rerun with CREDITGATE_SIM_SEED=" + std::to_string(seed) + ")");
    std::mt19937_64 random(seed);
    auto pick = [&](std::int64_t low, std::int64_t high) {
        return std::uniform_int_distribution<std::int64_t>(low, high)(random);
    };
    on_abandoned_ = pick(0, 1) ? AbandonRule::charge_quote : AbandonRule::void_hold;
    hold_timeout_ms_ = 60'000;
    reopen();

    std::map<std::int64_t, ModelAccount> model;
    std::map<std::int64_t, ModelHold> open;
    std::vector<std::tuple<std::int64_t, std::string, std::int64_t>> used_keys;  // acct, key, amt
    for (int i = 0; i < 4; ++i) model[new_account()] = {};
    auto any_account = [&] { return std::next(model.begin(), pick(0, model.size() - 1))->first; };
    auto now = [&] { return clock_ms_.load(); };
    // Holds past their deadline, then grants past their expiry, as the ledger sweeps them.
    auto model_sweep = [&] {
        for (auto it = open.begin(); it != open.end();) {
            if (it->second.deadline > now()) {
                ++it;
                continue;
            }
            auto& m = model[it->second.account];
            m.reserved -= it->second.amount;
            if (on_abandoned_ == AbandonRule::charge_quote) m.debit(it->second.amount);
            it = open.erase(it);
        }
        for (auto& [id, m] : model) m.expire(now());
    };
    auto fresh_key = [&](int step) {
        std::string key = "k";  // (not "k" + ...: GCC 12 -Wrestrict false positive)
        key += std::to_string(step);
        return key;
    };

    for (int step = 0; step < steps; ++step) {
        SCOPED_TRACE("step " + std::to_string(step));
        auto roll = pick(0, 99);
        if (roll < 25) {  // hold
            auto id = any_account();
            auto amount = pick(0, 5'000);
            model_sweep();  // every operation sweeps first
            auto outcome = hold(id, amount);
            auto& m = model[id];
            bool fits = m.balance - m.reserved >= amount;
            ASSERT_EQ(outcome.result == LedgerResult::ok, fits);
            if (fits) {
                m.reserved += amount;
                open[outcome.hold_id] = {id, amount, now() + hold_timeout_ms_};
            }
        } else if (roll < 45 && !open.empty()) {  // settle, sometimes above the hold
            model_sweep();
            if (open.empty()) continue;
            auto it = std::next(open.begin(), pick(0, open.size() - 1));
            auto [id, amount, deadline] = it->second;
            auto cost = pick(0, amount + amount / 4);
            ASSERT_EQ(settle(it->first, cost).result, LedgerResult::ok);
            model[id].reserved -= amount;
            model[id].debit(cost);
            ASSERT_EQ(settle(it->first, cost).result, LedgerResult::hold_closed);
            open.erase(it);
        } else if (roll < 52 && !open.empty()) {  // release
            model_sweep();
            if (open.empty()) continue;
            auto it = std::next(open.begin(), pick(0, open.size() - 1));
            ASSERT_EQ(release(it->first), LedgerResult::ok);
            model[it->second.account].reserved -= it->second.amount;
            open.erase(it);
        } else if (roll < 64) {  // top-up, or a retry of an earlier credit
            model_sweep();
            if (!used_keys.empty() && pick(0, 3) == 0) {
                auto [id, key, amount] = used_keys[pick(0, used_keys.size() - 1)];
                auto outcome = top_up(id, amount, key);  // same key, same body: a retry
                ASSERT_TRUE(outcome.replayed);
                ASSERT_EQ(top_up(id, amount + 1, key, "other body").result,
                          LedgerResult::idempotency_conflict);
            } else {
                auto id = any_account();
                auto key = fresh_key(step);
                auto amount = pick(1, 20'000);
                auto outcome = top_up(id, amount, key);
                ASSERT_EQ(outcome.result, LedgerResult::ok);
                model[id].credit({outcome.grant->id, true, 0, INT64_MAX, amount});
                used_keys.emplace_back(id, key, amount);
            }
        } else if (roll < 74) {  // a grant, often expiring
            model_sweep();
            auto id = any_account();
            auto amount = pick(1, 10'000);
            auto expires_in = pick(0, 2) == 0 ? 0 : pick(1, 120'000);
            auto priority = static_cast<int>(pick(0, 3));
            auto outcome = grant(id, amount, expires_in, priority, fresh_key(step));
            ASSERT_EQ(outcome.result, LedgerResult::ok);
            model[id].credit({outcome.grant->id, false, priority,
                              expires_in ? now() + expires_in : INT64_MAX, amount});
        } else if (roll < 79) {  // an adjustment either way
            model_sweep();
            auto id = any_account();
            auto amount = pick(-3'000, 3'000);
            auto outcome = adjust(id, amount, fresh_key(step));
            auto& m = model[id];
            if (amount == 0) {
                ASSERT_EQ(outcome.result, LedgerResult::invalid_amount);
            } else if (amount < 0 && m.balance + amount - m.reserved < 0) {
                ASSERT_EQ(outcome.result, LedgerResult::insufficient_credits);
            } else {
                ASSERT_EQ(outcome.result, LedgerResult::ok);
                if (amount > 0) {
                    m.credit({outcome.grant->id, true, 0, INT64_MAX, amount});
                } else {
                    m.debit(-amount);
                }
            }
        } else if (roll < 88) {  // time passes; deadlines and expiries are swept
            advance(pick(1, 40'000));
            sweep();
            model_sweep();
        } else if (roll < 90) {  // the process dies; open holds are abandoned at start
            reopen();
            ASSERT_EQ(abandoned_at_start_, open.size());
            for (auto& [hold_id, h] : open) h.deadline = now();  // all of them, by the rule
            model_sweep();
        } else {  // compare with the model and with the entries
            sweep();
            model_sweep();
            for (auto& [id, m] : model) {
                auto a = account(id);
                ASSERT_EQ(a.balance_nanos, m.balance);
                ASSERT_EQ(a.reserved_nanos, m.reserved);
                ASSERT_EQ(a.owed_nanos, m.owed);
                std::int64_t remaining = 0;
                for (const auto& g : a.grants) remaining += g.remaining_nanos();
                ASSERT_EQ(remaining - a.owed_nanos, a.balance_nanos);
                std::int64_t sum = 0;
                auto list = entries(id);
                for (const auto& e : list) sum += e.amount_nanos;
                ASSERT_EQ(sum, m.balance);
            }
        }
    }
    auto report = verify();
    ASSERT_TRUE(report.ok());
    std::int64_t balances = 0;
    for (auto& [id, m] : model) balances += m.balance;
    EXPECT_EQ(report.money_in_nanos - report.money_out_nanos, balances);
    EXPECT_EQ(report.balances_nanos, balances);
}

}  // namespace creditgate::testing
