// A seeded random walk of holds, settles, releases, top-ups, idempotent retries and restarts,
// checked after every step against a plain model and against the ledger's own entries.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

#include "ledger_fixture.hpp"

namespace creditgate::testing {

namespace {
struct ModelAccount {
    std::int64_t balance = 0;
    std::int64_t reserved = 0;
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

    std::map<std::int64_t, ModelAccount> model;
    std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> open;  // hold -> account, amount
    std::vector<std::pair<std::int64_t, std::string>> used_keys;
    for (int i = 0; i < 4; ++i) model[new_account()] = {};
    auto any_account = [&] { return std::next(model.begin(), pick(0, model.size() - 1))->first; };

    for (int step = 0; step < steps; ++step) {
        auto roll = pick(0, 99);
        if (roll < 30) {  // hold
            auto id = any_account();
            auto amount = pick(0, 5'000);
            auto outcome = hold(id, amount);
            auto& m = model[id];
            bool fits = m.balance - m.reserved >= amount;
            ASSERT_EQ(outcome.result == LedgerResult::ok, fits) << "step " << step;
            if (fits) {
                m.reserved += amount;
                open[outcome.hold_id] = {id, amount};
            }
        } else if (roll < 55 && !open.empty()) {  // settle, sometimes above the hold
            auto it = std::next(open.begin(), pick(0, open.size() - 1));
            auto [id, amount] = it->second;
            auto cost = pick(0, amount + amount / 4);
            ASSERT_EQ(settle(it->first, cost).result, LedgerResult::ok) << "step " << step;
            model[id].reserved -= amount;
            model[id].balance -= cost;
            ASSERT_EQ(settle(it->first, cost).result, LedgerResult::hold_not_found);
            open.erase(it);
        } else if (roll < 65 && !open.empty()) {  // release
            auto it = std::next(open.begin(), pick(0, open.size() - 1));
            ASSERT_EQ(release(it->first), LedgerResult::ok);
            model[it->second.first].reserved -= it->second.second;
            open.erase(it);
        } else if (roll < 85) {  // top-up, or a retry of an earlier one
            if (!used_keys.empty() && pick(0, 3) == 0) {
                auto [id, key] = used_keys[pick(0, used_keys.size() - 1)];
                auto outcome = top_up(id, 1, key);  // same key, same body hash: a retry
                ASSERT_TRUE(outcome.replayed) << "step " << step;
            } else {
                auto id = any_account();
                std::string key = "k";  // (not "k" + ...: GCC 12 -Wrestrict false positive)
                key += std::to_string(step);
                auto amount = pick(1, 20'000);
                ASSERT_EQ(top_up(id, amount, key).result, LedgerResult::ok);
                model[id].balance += amount;
                used_keys.emplace_back(id, key);
            }
        } else if (roll < 87) {  // the process dies; open holds are abandoned at start
            reopen();
            ASSERT_EQ(abandoned_at_start_, open.size());
            for (auto& [id, m] : model) m.reserved = 0;
            open.clear();
        } else {  // compare with the model and with the entries
            for (auto& [id, m] : model) {
                auto a = account(id);
                ASSERT_EQ(a.balance_nanos, m.balance) << "step " << step;
                ASSERT_EQ(a.reserved_nanos, m.reserved) << "step " << step;
                std::int64_t sum = 0;
                auto list = entries(id);
                for (const auto& e : list) sum += e.amount_nanos;
                ASSERT_EQ(sum, m.balance) << "step " << step;
                if (!list.empty()) {
                    ASSERT_EQ(list.front().balance_after_nanos, m.balance);
                }
            }
        }
    }
}

}  // namespace creditgate::testing
