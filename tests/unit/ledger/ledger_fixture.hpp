#pragma once
// A ledger on a real SQLite file in a fresh temporary directory, with blocking helpers.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <future>
#include <random>

#include "creditgate/ledger/ledger.hpp"
#include "creditgate/store/sqlite_store.hpp"

namespace creditgate::testing {

// Runs an asynchronous ledger call and waits for its callback.
template <typename T, typename Call>
T await(Call&& call) {
    std::promise<T> promise;
    auto future = promise.get_future();
    call([&promise](T value) { promise.set_value(std::move(value)); });
    return future.get();
}

class LedgerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        spdlog::set_level(spdlog::level::err);  // abandoned-hold warnings are expected here
        dir_ = std::filesystem::temp_directory_path() /
               ("creditgate-ledger-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(dir_);
        open();
    }
    void TearDown() override {
        ledger_.reset();
        std::filesystem::remove_all(dir_);
    }
    void open() {
        ledger_ =
            std::make_unique<Ledger>(std::make_unique<SqliteStore>(db_path(), Durability::process));
        abandoned_at_start_ = ledger_->start();
    }
    // Simulates a process exit: the writer commits what was queued, memory is dropped.
    void reopen() {
        ledger_.reset();
        open();
    }
    std::string db_path() const { return (dir_ / "ledger.db").string(); }

    std::int64_t new_account(std::int64_t top_up_nanos = 0) {
        auto account = await<std::optional<AccountBalance>>(
            [&](auto done) { ledger_->create_account("test", std::move(done)); });
        if (top_up_nanos > 0)
            top_up(account->id, top_up_nanos, "initial-" + std::to_string(account->id));
        return account->id;
    }
    TopUpOutcome top_up(std::int64_t account, std::int64_t nanos, const std::string& key,
                        const std::string& body_hash = "h") {
        return await<TopUpOutcome>([&](auto done) {
            ledger_->top_up(TopUpRequest{account, nanos, "ref", key, body_hash}, std::move(done));
        });
    }
    HoldOutcome hold(std::int64_t account, std::int64_t nanos) {
        return await<HoldOutcome>([&](auto done) {
            ledger_->hold(HoldRequest{account, 1, "req", "model", "/v1/chat/completions", nanos},
                          std::move(done));
        });
    }
    SettleOutcome settle(std::int64_t hold_id, std::int64_t total_nanos, bool estimated = false) {
        Charge charge;
        charge.cost = Cost{total_nanos - total_nanos / 11, total_nanos / 11, total_nanos};
        charge.estimated = estimated;
        return await<SettleOutcome>(
            [&](auto done) { ledger_->settle(hold_id, std::move(charge), std::move(done)); });
    }
    LedgerResult release(std::int64_t hold_id) {
        return await<LedgerResult>([&](auto done) { ledger_->release(hold_id, std::move(done)); });
    }
    AccountBalance account(std::int64_t id) {
        return *await<std::optional<AccountBalance>>(
            [&](auto done) { ledger_->get_account(id, std::move(done)); });
    }
    std::vector<EntryRecord> entries(std::int64_t id) {
        return await<EntriesOutcome>(
                   [&](auto done) { ledger_->list_entries(id, 1000, 0, std::move(done)); })
            .entries;
    }

    std::filesystem::path dir_;
    std::unique_ptr<Ledger> ledger_;
    std::size_t abandoned_at_start_ = 0;
};

}  // namespace creditgate::testing
