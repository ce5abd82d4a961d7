#pragma once
// A ledger on a real SQLite file in a fresh temporary directory, with blocking helpers.
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <random>

#include "../store/faulty_store.hpp"
#include "creditgate/ledger/ledger.hpp"
#include "creditgate/ledger/verify.hpp"
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
    // Whatever a test did, the stored ledger must prove itself afterwards.
    void TearDown() override {
        if (ledger_) ledger_->check_invariants();
        if (ledger_ && verify_at_teardown_) verify();
        ledger_.reset();
        std::filesystem::remove_all(dir_);
    }
    // Time is the test's: it moves only when a test advances it, and sweeps run only when a
    // test asks (or an operation runs), so deadlines and expiries are exact.
    void open() {
        LedgerOptions options;
        options.hold_timeout_ms = hold_timeout_ms_;
        options.on_abandoned = on_abandoned_;
        options.sweep_interval_ms = 0;
        options.clock = [this] { return clock_ms_.load(); };
        std::unique_ptr<Store> store =
            std::make_unique<SqliteStore>(db_path(), Durability::process);
        if (faulty_) {
            auto faulty = std::make_unique<FaultyStore>(std::move(store));
            faults_ = faulty->plan();
            store = std::move(faulty);
        }
        ledger_ = std::make_unique<Ledger>(std::move(store), std::move(options));
        abandoned_at_start_ = ledger_->start();
    }
    void advance(std::int64_t ms) { clock_ms_ += ms; }
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
    CreditOutcome credit(CreditRequest request) {
        return await<CreditOutcome>(
            [&](auto done) { ledger_->credit(std::move(request), std::move(done)); });
    }
    CreditOutcome top_up(std::int64_t account, std::int64_t nanos, const std::string& key,
                         const std::string& body_hash = "h") {
        CreditRequest request;
        request.kind = GrantKind::topup;
        request.account_id = account;
        request.amount_nanos = nanos;
        request.reference = "ref";
        request.idempotency_key = key;
        request.request_hash = body_hash;
        return credit(std::move(request));
    }
    // A grant expiring `expires_in_ms` from now (0: never).
    CreditOutcome grant(std::int64_t account, std::int64_t nanos, std::int64_t expires_in_ms,
                        int priority, const std::string& key) {
        CreditRequest request;
        request.kind = GrantKind::grant;
        request.account_id = account;
        request.amount_nanos = nanos;
        request.reference = "plan";
        if (expires_in_ms > 0) request.expires_at_ms = clock_ms_.load() + expires_in_ms;
        request.priority = priority;
        request.idempotency_key = key;
        request.request_hash = "h" + std::to_string(nanos);
        return credit(std::move(request));
    }
    CreditOutcome adjust(std::int64_t account, std::int64_t nanos, const std::string& key) {
        CreditRequest request;
        request.kind = GrantKind::adjustment;
        request.account_id = account;
        request.amount_nanos = nanos;
        request.reference = "correction";
        request.actor = "ops";
        request.idempotency_key = key;
        request.request_hash = "h" + std::to_string(nanos);
        return credit(std::move(request));
    }
    static HoldRequest hold_request(std::int64_t account, std::int64_t nanos) {
        HoldRequest request;
        request.account_id = account;
        request.key_id = 1;
        request.request_id = "req";
        request.model = "model";
        request.endpoint = "/v1/chat/completions";
        request.amount_nanos = nanos;
        request.quote_markup_nanos = nanos / 11;
        request.quote_provider_nanos = nanos - nanos / 11;
        return request;
    }
    // Answers once the hold is durable.
    HoldOutcome hold(std::int64_t account, std::int64_t nanos) {
        return await<HoldOutcome>(
            [&](auto done) { ledger_->hold(hold_request(account, nanos), std::move(done)); });
    }
    std::size_t sweep() {
        return await<std::size_t>([&](auto done) { ledger_->sweep(std::move(done)); });
    }
    // `ledger verify` on the file, from a second, read-only connection beside the running
    // ledger, as an operator would run it.
    VerifyReport verify() {
        SqliteStore reader(db_path(), Durability::process, OpenMode::read_only);
        auto report = verify_ledger(reader);
        for (const auto& line : report.discrepancies) ADD_FAILURE() << line;
        return report;
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
    // All of an account's entries, newest first (every page).
    std::vector<EntryRecord> entries(std::int64_t id) {
        std::vector<EntryRecord> all;
        for (std::int64_t before = 0;;) {
            auto page = await<EntriesOutcome>([&](auto done) {
                            ledger_->list_entries(id, 1000, before, std::move(done));
                        }).entries;
            all.insert(all.end(), page.begin(), page.end());
            if (page.size() < 1000) return all;
            before = page.back().id;
        }
    }

    std::filesystem::path dir_;
    std::atomic<std::int64_t> clock_ms_{1'800'000'000'000};  // 2027-01-15
    std::int64_t hold_timeout_ms_ = 15 * 60 * 1000;
    AbandonRule on_abandoned_ = AbandonRule::void_hold;
    std::unique_ptr<Ledger> ledger_;
    std::size_t abandoned_at_start_ = 0;
    bool verify_at_teardown_ = true;
    bool faulty_ = false;  // open() wraps the store in a FaultyStore; faults_ steers it
    std::shared_ptr<FaultyStore::Plan> faults_;
};

}  // namespace creditgate::testing
