#include "creditgate/ledger/ledger.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>
#include <chrono>

#include "checked_math.hpp"
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
        case LedgerResult::unavailable:
            return "unavailable";
    }
    return "unavailable";
}

Ledger::Ledger(std::unique_ptr<Store> store, LedgerOptions options)
    : options_(std::move(options)),
      writer_(
          std::move(store), [this](Store& s) { reload(s); }, [this] { log_pending(); }) {}

Ledger::~Ledger() {
    stop();
}

std::int64_t Ledger::now() {
    last_now_ms_ = std::max(last_now_ms_, options_.clock ? options_.clock() : now_ms());
    return last_now_ms_;
}

void Ledger::log_pending() {
    for (const auto& line : pending_log_lines_) spdlog::warn(line);
    pending_log_lines_.clear();
}

void Ledger::reload(Store& store) {
    pending_log_lines_.clear();  // about work that was rolled back
    accounts_.clear();
    open_holds_.clear();
    hold_deadlines_.clear();
    grant_expiries_.clear();
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
        open_holds_[h.id] = std::move(h);
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
}

std::size_t Ledger::start() {
    std::size_t abandoned = 0;
    writer_.with_store_before_start([&](Store& store) {
        reload(store);
        // Ledger time never goes back, across restarts either: a clock stepped back while the
        // process was down must not date new entries before old ones (statements cut the
        // ledger by time and by entry id alike).
        if (const auto newest = store.max_entry_id(); newest > 0) {
            if (auto entry = store.find_entry(newest)) {
                last_now_ms_ = std::max(last_now_ms_, entry->created_at_ms);
            }
        }
        store.begin();
        try {
            // No request of a previous process can still be in flight: its open holds end by
            // the on_abandoned rule, whatever their deadline.
            std::vector<HoldRecord> holds;
            for (const auto& [id, hold] : open_holds_) holds.push_back(hold);
            for (const auto& hold : holds) {
                close_abandoned(store, hold);
                ++abandoned;
            }
            sweep_due(store);  // grants that expired while nothing ran
            store.commit();
            log_pending();
        } catch (...) {
            store.rollback();
            reload(store);
            throw;
        }
    });
    writer_.start();
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

void Ledger::run_sweeper() {
    name_this_thread("cg-sweep");
    std::unique_lock lock(sweeper_mutex_);
    while (!sweeper_wake_.wait_for(lock, std::chrono::milliseconds(options_.sweep_interval_ms),
                                   [this] { return sweeper_stopping_; })) {
        lock.unlock();
        sweep([](std::size_t) {});
        lock.lock();
    }
}

AccountBalance Ledger::balance_of(std::int64_t id, const AccountState& s) const {
    AccountBalance out{id, s.name,   s.created_at_ms, s.balance_nanos, s.reserved_nanos,
                       0,  s.buckets};
    for (const auto& debt : s.debts) out.owed_nanos += debt.unpaid_nanos;
    return out;
}

BurnPlan Ledger::persist_debit(Store& store, const AccountState& account, EntryRecord& entry,
                               const Debit& debit) {
    BurnPlan plan;
    if (debit.only_grant) {
        plan.allocations.push_back(AllocationRecord{0, *debit.only_grant, debit.amount_nanos});
    } else {
        plan = plan_burn(account.buckets, debit.amount_nanos);
    }
    entry.amount_nanos = -debit.amount_nanos;
    entry.balance_after_nanos = account.balance_nanos - debit.amount_nanos;  // checked by caller
    entry.id = store.insert_entry(entry);
    for (auto& allocation : plan.allocations) {
        allocation.entry_id = entry.id;
        store.insert_allocation(allocation);
    }
    return plan;
}

void Ledger::apply_debit(AccountState& account, const EntryRecord& entry, const BurnPlan& plan) {
    apply_burn(account.buckets, plan.allocations);
    if (plan.unallocated_nanos > 0) account.debts.push_back({entry.id, plan.unallocated_nanos});
    account.balance_nanos = entry.balance_after_nanos;
}

Ledger::CreditPlan Ledger::persist_credit(Store& store, const AccountState& account,
                                          EntryRecord& entry, GrantRecord bucket) {
    entry.amount_nanos = bucket.amount_nanos;
    entry.balance_after_nanos = account.balance_nanos + bucket.amount_nanos;  // checked by caller
    entry.id = store.insert_entry(entry);
    bucket.entry_id = entry.id;
    bucket.id = store.insert_grant(bucket);
    // A credit first pays what overruns left owing, oldest first.
    CreditPlan plan{bucket, plan_repay(account.debts, bucket.amount_nanos)};
    for (auto& allocation : plan.repaid) {
        allocation.grant_id = bucket.id;
        store.insert_allocation(allocation);
    }
    return plan;
}

void Ledger::apply_credit(AccountState& account, const EntryRecord& entry, const CreditPlan& plan) {
    apply_repay(account.debts, plan.repaid);
    GrantRecord bucket = plan.bucket;
    for (const auto& allocation : plan.repaid) bucket.allocated_nanos += allocation.amount_nanos;
    account.balance_nanos = entry.balance_after_nanos;
    if (bucket.remaining_nanos() > 0) {
        if (bucket.expires_at_ms) {
            grant_expiries_.emplace(*bucket.expires_at_ms, bucket.account_id, bucket.id);
        }
        insert_bucket(account.buckets, std::move(bucket));
    }
}

void Ledger::forget_hold(std::unordered_map<std::int64_t, HoldRecord>::iterator it,
                         AccountState& account) {
    account.reserved_nanos -= it->second.amount_nanos;
    account.open_holds -= 1;
    assert(account.reserved_nanos >= 0);
    hold_deadlines_.erase({it->second.deadline_ms, it->first});
    open_holds_.erase(it);
}

// The one rule for holds nobody will settle: voided (nothing moves; a zero entry records it)
// or charged at the quote. Either way the entry is flagged "abandoned" and the hold is closed
// in the same savepoint, so it ends exactly once.
void Ledger::close_abandoned(Store& store, const HoldRecord& hold) {
    auto& account = accounts_.at(hold.account_id);
    const auto at = now();
    EntryRecord entry;
    entry.account_id = hold.account_id;
    entry.hold_id = hold.id;
    entry.key_id = hold.key_id;
    entry.request_id = hold.request_id;
    entry.model = hold.model;
    entry.endpoint = hold.endpoint;
    entry.price_version = hold.price_version;
    entry.created_at_ms = at;
    store.close_hold(hold.id, HoldState::abandoned, at);
    auto it = open_holds_.find(hold.id);
    if (options_.on_abandoned == AbandonRule::charge_quote && hold.amount_nanos > 0) {
        entry.type = "charge";
        entry.provider_cost_nanos = hold.quote_provider_nanos;
        entry.markup_nanos = hold.quote_markup_nanos;
        const std::int64_t reserved_after = account.reserved_nanos - hold.amount_nanos;
        const std::int64_t balance_after = account.balance_nanos - hold.amount_nanos;
        entry.flags = balance_after < 0 || balance_after - reserved_after < 0
                          ? "estimated,abandoned,overrun"
                          : "estimated,abandoned";
        auto plan = persist_debit(store, account, entry, Debit{hold.amount_nanos, std::nullopt});
        apply_debit(account, entry, plan);
    } else {
        entry.type = "void";
        entry.flags = "abandoned";
        entry.amount_nanos = 0;
        entry.balance_after_nanos = account.balance_nanos;
        entry.id = store.insert_entry(entry);
    }
    forget_hold(it, account);
    pending_log_lines_.push_back(fmt::format(
        R"({{"event":"hold_abandoned","hold_id":{},"account_id":{},"amount_nanos":{},"request_id":"{}","rule":"{}"}})",
        hold.id, hold.account_id, hold.amount_nanos, hold.request_id,
        options_.on_abandoned == AbandonRule::charge_quote ? "charge_quote" : "void"));
}

// Each due item runs in its own savepoint: one that fails is logged and retried next sweep,
// and never undoes the others or the operation that triggered the sweep.
std::size_t Ledger::sweep_due(Store& store) {
    const auto at = now();
    std::size_t resolved = 0;
    while (!hold_deadlines_.empty() && hold_deadlines_.begin()->first <= at) {
        const auto hold_id = hold_deadlines_.begin()->second;
        const HoldRecord hold = open_holds_.at(hold_id);
        store.savepoint();
        try {
            close_abandoned(store, hold);
            store.release_savepoint();
            ++resolved;
        } catch (const StoreError& e) {
            store.rollback_to_savepoint();
            spdlog::error(R"({{"event":"sweep_failed","hold_id":{},"error":"{}"}})", hold_id,
                          e.what());
            break;
        }
    }
    while (!grant_expiries_.empty() && std::get<0>(*grant_expiries_.begin()) <= at) {
        const auto [expires_at, account_id, grant_id] = *grant_expiries_.begin();
        auto& account = accounts_.at(account_id);
        auto bucket = std::find_if(account.buckets.begin(), account.buckets.end(),
                                   [&](const GrantRecord& g) { return g.id == grant_id; });
        if (bucket == account.buckets.end()) {  // spent in full before it expired
            grant_expiries_.erase(grant_expiries_.begin());
            continue;
        }
        EntryRecord entry;
        entry.account_id = account_id;
        entry.type = "expiry";
        entry.reference = bucket->reference;
        entry.created_at_ms = at;
        store.savepoint();
        try {
            // The unspent rest leaves the balance. It is never more than the balance: while a
            // bucket has something left, nothing is owed.
            auto plan =
                persist_debit(store, account, entry, Debit{bucket->remaining_nanos(), grant_id});
            store.release_savepoint();
            apply_debit(account, entry, plan);
            grant_expiries_.erase(grant_expiries_.begin());
            ++resolved;
        } catch (const StoreError& e) {
            store.rollback_to_savepoint();
            spdlog::error(R"({{"event":"sweep_failed","grant_id":{},"error":"{}"}})", grant_id,
                          e.what());
            break;
        }
    }
    return resolved;
}

void Ledger::sweep(Callback<std::size_t> done) {
    auto result = std::make_shared<std::size_t>(0);
    writer_.submit({[this, result](Store& store) { *result = sweep_due(store); },
                    [result, done = std::move(done)](bool) { done(*result); }});
}

void Ledger::create_account(std::string name, Callback<std::optional<AccountBalance>> done) {
    auto result = std::make_shared<std::optional<AccountBalance>>();
    writer_.submit({[this, name = std::move(name), result](Store& store) {
                        auto created = now();
                        auto id = store.insert_account(name, created);
                        auto& account = accounts_[id];
                        account.name = name;
                        account.created_at_ms = created;
                        *result = balance_of(id, account);
                    },
                    [result, done = std::move(done)](bool committed) {
                        done(committed ? *result : std::nullopt);
                    }});
}

void Ledger::get_account(std::int64_t account_id, Callback<std::optional<AccountBalance>> done) {
    auto result = std::make_shared<std::optional<AccountBalance>>();
    writer_.submit({[this, account_id, result](Store& store) {
                        sweep_due(store);
                        auto it = accounts_.find(account_id);
                        if (it != accounts_.end()) *result = balance_of(it->first, it->second);
                    },
                    [result, done = std::move(done)](bool) { done(*result); }});
}

void Ledger::list_entries(std::int64_t account_id, int limit, std::int64_t before_id,
                          Callback<EntriesOutcome> done) {
    auto result = std::make_shared<EntriesOutcome>();
    writer_.submit({[this, account_id, limit, before_id, result](Store& store) {
                        if (!accounts_.count(account_id)) {
                            result->result = LedgerResult::account_not_found;
                            return;
                        }
                        result->entries = store.list_entries(account_id, limit, before_id);
                        result->result = LedgerResult::ok;
                    },
                    [result, done = std::move(done)](bool committed) {
                        if (!committed) result->result = LedgerResult::unavailable;
                        done(std::move(*result));
                    }});
}

void Ledger::hold(HoldRequest request, Callback<HoldOutcome> done) {
    auto result = std::make_shared<HoldOutcome>();
    writer_.submit(
        {[this, request = std::move(request), result](Store& store) {
             sweep_due(store);
             auto it = accounts_.find(request.account_id);
             if (it == accounts_.end()) {
                 result->result = LedgerResult::account_not_found;
                 return;
             }
             auto& account = it->second;
             result->available_nanos = account.balance_nanos - account.reserved_nanos;
             // A zero quote (a free model) still places a hold: every admission is recorded
             // and ends exactly once.
             if (request.amount_nanos < 0 ||
                 request.quote_provider_nanos + request.quote_markup_nanos !=
                     request.amount_nanos) {
                 result->result = LedgerResult::invalid_amount;
                 return;
             }
             if (account.open_holds >= kMaxOpenHoldsPerAccount) {
                 result->result = LedgerResult::too_many_holds;
                 return;
             }
             std::int64_t reserved_after = 0;
             if (checked_add(account.reserved_nanos, request.amount_nanos, reserved_after)) {
                 result->result = LedgerResult::overflow;
                 return;
             }
             // The check and the reservation happen in the same step on the one writer thread:
             // concurrent requests cannot both see the same available credits.
             if (result->available_nanos < request.amount_nanos) {
                 result->result = LedgerResult::insufficient_credits;
                 return;
             }
             HoldRecord record;
             record.account_id = request.account_id;
             record.key_id = request.key_id;
             record.request_id = request.request_id;
             record.model = request.model;
             record.endpoint = request.endpoint;
             record.amount_nanos = request.amount_nanos;
             record.created_at_ms = now();
             record.quote_provider_nanos = request.quote_provider_nanos;
             record.quote_markup_nanos = request.quote_markup_nanos;
             record.deadline_ms = record.created_at_ms + options_.hold_timeout_ms;
             record.price_version = request.price_version;
             record.id = store.insert_hold(record);
             account.reserved_nanos = reserved_after;
             account.open_holds += 1;
             result->hold_id = record.id;
             result->available_nanos = account.balance_nanos - account.reserved_nanos;
             result->result = LedgerResult::ok;
             hold_deadlines_.emplace(record.deadline_ms, record.id);
             open_holds_[record.id] = std::move(record);
         },
         [result, done = std::move(done)](bool committed) {
             if (!committed) *result = HoldOutcome{LedgerResult::unavailable, 0, 0};
             done(*result);
         }});
}

namespace {

// A hold that is not open either never existed or has ended: the two answers differ so a
// second settle or void is named for what it is, and nothing moves either way.
LedgerResult missing_hold(Store& store, std::int64_t hold_id) {
    return store.find_hold_state(hold_id) ? LedgerResult::hold_closed
                                          : LedgerResult::hold_not_found;
}

}  // namespace

void Ledger::settle(std::int64_t hold_id, Charge charge, Callback<SettleOutcome> done) {
    auto result = std::make_shared<SettleOutcome>();
    writer_.submit(
        {[this, hold_id, charge = std::move(charge), result](Store& store) {
             sweep_due(store);
             auto hold_it = open_holds_.find(hold_id);
             if (hold_it == open_holds_.end()) {
                 result->result = missing_hold(store, hold_id);
                 return;
             }
             const HoldRecord& hold = hold_it->second;
             auto& account = accounts_.at(hold.account_id);
             const auto total = charge.cost.total_nanos;
             if (total < 0 || charge.cost.provider_nanos < 0 || charge.cost.markup_nanos < 0 ||
                 charge.cost.provider_nanos + charge.cost.markup_nanos != total) {
                 result->result = LedgerResult::invalid_amount;
                 return;
             }
             std::int64_t balance_after = 0;
             if (checked_sub(account.balance_nanos, total, balance_after)) {
                 result->result = LedgerResult::overflow;
                 return;
             }
             const std::int64_t reserved_after = account.reserved_nanos - hold.amount_nanos;
             // Cost above the hold is charged in full and flagged, never written off; so is a
             // charge that leaves the account owing (an earlier overrun or an expiry took what
             // this hold had reserved).
             std::string flags = charge.estimated ? "estimated" : "";
             if ((total > hold.amount_nanos && balance_after - reserved_after < 0) ||
                 balance_after < 0) {
                 flags += flags.empty() ? "overrun" : ",overrun";
             }
             EntryRecord entry;
             entry.account_id = hold.account_id;
             entry.type = "charge";
             entry.hold_id = hold.id;
             entry.key_id = hold.key_id;
             entry.request_id = hold.request_id;
             entry.model = hold.model;
             entry.endpoint = hold.endpoint;
             entry.prompt_tokens = charge.tokens.prompt_tokens;
             entry.cached_tokens = charge.tokens.cached_tokens;
             entry.completion_tokens = charge.tokens.completion_tokens;
             entry.provider_cost_nanos = charge.cost.provider_nanos;
             entry.markup_nanos = charge.cost.markup_nanos;
             entry.flags = std::move(flags);
             entry.raw_usage = charge.raw_usage;
             entry.price_version = charge.price_version;
             entry.created_at_ms = now();
             store.close_hold(hold.id, HoldState::settled, entry.created_at_ms);
             auto plan = persist_debit(store, account, entry, Debit{total, std::nullopt});
             apply_debit(account, entry, plan);
             forget_hold(hold_it, account);
             result->entry = std::move(entry);
             result->available_nanos = account.balance_nanos - account.reserved_nanos;
             result->result = LedgerResult::ok;
         },
         [result, done = std::move(done)](bool committed) {
             if (!committed) result->result = LedgerResult::unavailable;
             done(std::move(*result));
         }});
}

void Ledger::release(std::int64_t hold_id, Callback<LedgerResult> done) {
    auto result = std::make_shared<LedgerResult>(LedgerResult::unavailable);
    writer_.submit({[this, hold_id, result](Store& store) {
                        sweep_due(store);
                        auto hold_it = open_holds_.find(hold_id);
                        if (hold_it == open_holds_.end()) {
                            *result = missing_hold(store, hold_id);
                            return;
                        }
                        store.close_hold(hold_id, HoldState::voided, now());
                        forget_hold(hold_it, accounts_.at(hold_it->second.account_id));
                        *result = LedgerResult::ok;
                    },
                    [result, done = std::move(done)](bool committed) {
                        done(committed ? *result : LedgerResult::unavailable);
                    }});
}

}  // namespace creditgate
