// The ledger's life cycle, its clock and sweeper, and accounts. Money moves in
// ledger_moves.cpp; holds in ledger_holds.cpp; admin credits in ledger_credits.cpp.
#include "creditgate/ledger/ledger.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <future>

#include "creditgate/observe/invariant.hpp"
#include "creditgate/observe/thread_name.hpp"

namespace creditgate {

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

const char* to_string(LedgerResult result) {
    switch (result) {
        case LedgerResult::ok:
            return "ok";
        case LedgerResult::insufficient_credits:
            return "insufficient_credits";
        case LedgerResult::too_many_holds:
            return "too_many_holds";
        case LedgerResult::account_not_found:
            return "account_not_found";
        case LedgerResult::hold_not_found:
            return "hold_not_found";
        case LedgerResult::hold_closed:
            return "hold_closed";
        case LedgerResult::invalid_amount:
            return "invalid_amount";
        case LedgerResult::invalid_expiry:
            return "invalid_expiry";
        case LedgerResult::overflow:
            return "overflow";
        case LedgerResult::idempotency_conflict:
            return "idempotency_conflict";
        case LedgerResult::key_limited:
            return "key_limited";
        case LedgerResult::key_revoked:
            return "key_revoked";
        case LedgerResult::unavailable:
            return "unavailable";
    }
    return "unavailable";
}

Ledger::Ledger(std::unique_ptr<Store> store, LedgerOptions options)
    : options_(std::move(options)), writer_(std::move(store)) {}

Ledger::~Ledger() {
    stop();
}

std::int64_t Ledger::now() {
    last_now_ms_ = std::max(last_now_ms_, options_.clock ? options_.clock() : now_ms());
    return last_now_ms_;
}

WriteSeq Ledger::append(std::function<void(Store&)> write, std::function<void(bool)> after) {
    return writer_.submit({std::move(write), std::move(after), WriterJob::Kind::record});
}

void Ledger::reload(Store& store) {
    accounts_.clear();
    open_holds_.clear();
    hold_deadlines_.clear();
    grant_expiries_.clear();
    const auto at = now();
    key_limits_.load(store.load_all_keys(),
                     store.load_key_spend(period_start(BudgetPeriod::day, at),
                                          period_start(BudgetPeriod::week, at),
                                          period_start(BudgetPeriod::month, at)),
                     at);
    for (auto& a : store.load_accounts()) {
        auto& account = accounts_[a.id];
        account.name = a.name;
        account.created_at_ms = a.created_at_ms;
        account.balance_nanos = a.balance_nanos;
    }
    for (auto& h : store.load_open_holds()) {
        auto& account = accounts_[h.account_id];
        account.reserved_nanos += h.amount_nanos;
        account.open_holds += 1;
        hold_deadlines_.emplace(h.deadline_ms, h.id);
        key_limits_.restore_hold(h.key_id, h.amount_nanos);  // ends like any other
        const auto id = h.id;
        open_holds_[id] = OpenHold{std::move(h), nullptr};
    }
    for (auto& g : store.load_open_grants()) {
        if (g.expires_at_ms) grant_expiries_.emplace(*g.expires_at_ms, g.account_id, g.id);
        insert_bucket(accounts_[g.account_id].buckets, std::move(g));
    }
    // What buckets do not cover is owed: Σ remaining − owed = balance.
    for (auto& [id, account] : accounts_) {
        std::int64_t remaining = 0;
        for (const auto& g : account.buckets) remaining += g.remaining_nanos();
        if (remaining - account.balance_nanos > 0) {
            for (auto [entry_id, unpaid] : store.load_debts(id)) {
                account.debts.push_back({entry_id, unpaid});
            }
        }
    }
    last_ids_ = store.max_ids();
}

std::size_t Ledger::start() {
    std::size_t abandoned = 0;
    writer_.with_store_before_start([&](Store& store) {
        std::lock_guard lock(mutex_);
        reload(store);
        // Ledger time never goes back, across restarts either: a clock stepped back while the
        // process was down must not date new entries before old ones (statements cut the
        // ledger by time and by entry id alike).
        if (last_ids_.entry > 0) {
            if (auto entry = store.find_entry(last_ids_.entry)) {
                last_now_ms_ = std::max(last_now_ms_, entry->created_at_ms);
            }
        }
        abandoned = open_holds_.size();
    });
    writer_.start();
    // No request of a previous process can still be in flight: its open holds end by the
    // on_abandoned rule, whatever their deadline. start() returns once that is durable.
    WriteSeq last = 0;
    {
        std::lock_guard lock(mutex_);
        std::vector<HoldRecord> holds;
        for (const auto& [id, hold] : open_holds_) holds.push_back(hold.record);
        std::sort(holds.begin(), holds.end(),
                  [](const HoldRecord& a, const HoldRecord& b) { return a.id < b.id; });
        // Their requests died with that process: no settle can follow.
        for (const auto& hold : holds) last = close_abandoned(hold, /*may_still_settle=*/false);
        if (auto [resolved, seq] = sweep_due(); seq) last = seq;  // grants that expired meanwhile
    }
    if (last) {
        std::promise<bool> written;
        writer_.when_durable(last, [&written](bool ok) { written.set_value(ok); });
        if (!written.get_future().get()) throw StoreError("could not record abandoned holds");
    }
    if (options_.sweep_interval_ms > 0) sweeper_ = std::thread([this] { run_sweeper(); });
    return abandoned;
}

void Ledger::stop() {
    {
        std::lock_guard lock(sweeper_mutex_);
        sweeper_stopping_ = true;
    }
    sweeper_wake_.notify_all();
    if (sweeper_.joinable()) sweeper_.join();
    writer_.stop();
}

// Wakes every interval, but touches nothing (no transaction, no lock held long) unless a
// deadline or expiry is due.
void Ledger::run_sweeper() {
    name_this_thread("cg-sweep");
    std::unique_lock lock(sweeper_mutex_);
    while (!sweeper_wake_.wait_for(lock, std::chrono::milliseconds(options_.sweep_interval_ms),
                                   [this] { return sweeper_stopping_; })) {
        lock.unlock();
        {
            std::lock_guard state(mutex_);
            sweep_due();
        }
        lock.lock();
    }
}

void Ledger::sweep(Callback<std::size_t> done) {
    std::size_t resolved = 0;
    WriteSeq seq = 0;
    {
        std::lock_guard lock(mutex_);
        std::tie(resolved, seq) = sweep_due();
    }
    if (!seq) return done(resolved);
    writer_.when_durable(seq, [resolved, done = std::move(done)](bool) { done(resolved); });
}

AccountBalance Ledger::balance_of(std::int64_t id, const AccountState& s) const {
    AccountBalance out{id, s.name,   s.created_at_ms, s.balance_nanos, s.reserved_nanos,
                       0,  s.buckets};
    for (const auto& debt : s.debts) out.owed_nanos += debt.unpaid_nanos;
    return out;
}

void Ledger::add_key(std::int64_t key_id, std::optional<std::int64_t> parent_id,
                     const KeyLimitSpec& spec) {
    std::lock_guard lock(mutex_);
    key_limits_.add(key_id, parent_id);
    key_limits_.set_spec(key_id, spec);
}

void Ledger::set_key_limits(std::int64_t key_id, const KeyLimitSpec& spec) {
    std::lock_guard lock(mutex_);
    key_limits_.set_spec(key_id, spec);
}

std::vector<std::int64_t> Ledger::revoke_key_tree(std::int64_t key_id) {
    std::lock_guard lock(mutex_);
    return key_limits_.revoke(key_id);
}

std::optional<KeyUsage> Ledger::key_usage(std::int64_t key_id) {
    std::lock_guard lock(mutex_);
    return key_limits_.usage(key_id, now());
}

bool Ledger::account_exists(std::int64_t account_id) const {
    std::lock_guard lock(mutex_);
    return accounts_.count(account_id) != 0;
}

void Ledger::create_account(std::string name, Callback<std::optional<AccountBalance>> done) {
    std::optional<AccountBalance> created;
    WriteSeq seq = 0;
    {
        std::lock_guard lock(mutex_);
        const auto id = ++last_ids_.account;
        auto& account = accounts_[id];
        account.name = name;
        account.created_at_ms = now();
        created = balance_of(id, account);
        seq = append([id, name = std::move(name), at = account.created_at_ms](Store& store) {
            store.insert_account(name, at, id);
        });
    }
    writer_.when_durable(
        seq, [created, done = std::move(done)](bool ok) { done(ok ? created : std::nullopt); });
}

void Ledger::get_account(std::int64_t account_id, Callback<std::optional<AccountBalance>> done) {
    std::optional<AccountBalance> out;
    {
        std::lock_guard lock(mutex_);
        sweep_due();
        auto it = accounts_.find(account_id);
        if (it != accounts_.end()) out = balance_of(it->first, it->second);
    }
    done(std::move(out));
}

void Ledger::list_entries(std::int64_t account_id, int limit, std::int64_t before_id,
                          Callback<EntriesOutcome> done) {
    if (!account_exists(account_id)) return done({LedgerResult::account_not_found, {}});
    // A query behind every decision already made: it reads them all.
    auto result = std::make_shared<EntriesOutcome>();
    writer_.submit({[account_id, limit, before_id, result](Store& store) {
                        result->entries = store.list_entries(account_id, limit, before_id);
                        result->result = LedgerResult::ok;
                    },
                    [result, done = std::move(done)](bool committed) {
                        if (!committed) *result = {LedgerResult::unavailable, {}};
                        done(std::move(*result));
                    }});
}

void Ledger::find_request_entries(std::int64_t account_id, std::string request_id,
                                  Callback<EntriesOutcome> done) {
    auto result = std::make_shared<EntriesOutcome>();
    writer_.submit({[account_id, request_id = std::move(request_id), result](Store& store) {
                        result->entries = store.find_request_entries(account_id, request_id);
                        result->result = LedgerResult::ok;
                    },
                    [result, done = std::move(done)](bool committed) {
                        if (!committed) *result = {LedgerResult::unavailable, {}};
                        done(std::move(*result));
                    }});
}

void Ledger::check_invariants() const {
    std::lock_guard lock(mutex_);
    std::unordered_map<std::int64_t, std::pair<std::int64_t, std::size_t>> held;
    for (const auto& [id, open] : open_holds_) {
        const auto& hold = open.record;
        CG_CHECK(hold.id == id, "an open hold is filed under its own id");
        auto& [amount, count] = held[hold.account_id];
        amount += hold.amount_nanos;
        count += 1;
    }
    CG_CHECK(hold_deadlines_.size() == open_holds_.size(), "every open hold has one deadline");
    for (const auto& [id, account] : accounts_) {
        const auto& [amount, count] = held[id];
        CG_CHECK(account.reserved_nanos == amount, "reserved = the sum of open holds");
        CG_CHECK(account.open_holds == count, "open-hold count = the open holds");
        std::int64_t remaining = 0;
        for (const auto& bucket : account.buckets) remaining += bucket.remaining_nanos();
        std::int64_t owed = 0;
        for (const auto& debt : account.debts) owed += debt.unpaid_nanos;
        CG_CHECK(remaining - owed == account.balance_nanos, "balance = buckets - owed");
    }
}

}  // namespace creditgate
