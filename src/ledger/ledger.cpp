#include "creditgate/ledger/ledger.hpp"

#include <spdlog/spdlog.h>

#include <cassert>
#include <chrono>

namespace creditgate {

namespace {

bool add_overflows(std::int64_t a, std::int64_t b, std::int64_t& out) {
    return __builtin_add_overflow(a, b, &out);
}
bool sub_overflows(std::int64_t a, std::int64_t b, std::int64_t& out) {
    return __builtin_sub_overflow(a, b, &out);
}

}  // namespace

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
        case LedgerResult::account_not_found:
            return "account_not_found";
        case LedgerResult::hold_not_found:
            return "hold_not_found";
        case LedgerResult::invalid_amount:
            return "invalid_amount";
        case LedgerResult::overflow:
            return "overflow";
        case LedgerResult::idempotency_conflict:
            return "idempotency_conflict";
        case LedgerResult::unavailable:
            return "unavailable";
    }
    return "unavailable";
}

Ledger::Ledger(std::unique_ptr<Store> store)
    : writer_(std::move(store), [this](Store& s) { reload(s); }) {}

Ledger::~Ledger() {
    stop();
}

void Ledger::reload(Store& store) {
    accounts_.clear();
    open_holds_.clear();
    for (auto& a : store.load_accounts()) {
        accounts_[a.id] = AccountState{a.name, a.created_at_ms, a.balance_nanos, 0, 0};
    }
    for (auto& h : store.load_open_holds()) {
        auto& account = accounts_[h.account_id];
        account.reserved_nanos += h.amount_nanos;
        account.open_holds += 1;
        open_holds_[h.id] = std::move(h);
    }
}

std::size_t Ledger::start() {
    std::size_t abandoned = 0;
    writer_.with_store_before_start([&](Store& store) {
        store.begin();
        try {
            // No request of a previous process can still be in flight: its open holds are
            // voided and marked abandoned, so the money they reserved is available again.
            for (const auto& h : store.load_open_holds()) {
                store.close_hold(h.id, HoldState::abandoned, now_ms());
                spdlog::warn(
                    R"({{"event":"hold_abandoned","hold_id":{},"account_id":{},"amount_nanos":{},"request_id":"{}"}})",
                    h.id, h.account_id, h.amount_nanos, h.request_id);
                ++abandoned;
            }
            store.commit();
        } catch (...) {
            store.rollback();
            throw;
        }
        reload(store);
    });
    writer_.start();
    return abandoned;
}

void Ledger::stop() {
    writer_.stop();
}

AccountBalance Ledger::balance_of(std::int64_t id, const AccountState& s) const {
    return AccountBalance{id, s.name, s.created_at_ms, s.balance_nanos, s.reserved_nanos};
}

void Ledger::create_account(std::string name, Callback<std::optional<AccountBalance>> done) {
    auto result = std::make_shared<std::optional<AccountBalance>>();
    writer_.submit({[this, name = std::move(name), result](Store& store) {
                        auto created = now_ms();
                        auto id = store.insert_account(name, created);
                        accounts_[id] = AccountState{name, created, 0, 0, 0};
                        *result = balance_of(id, accounts_[id]);
                    },
                    [result, done = std::move(done)](bool committed) {
                        done(committed ? *result : std::nullopt);
                    }});
}

void Ledger::get_account(std::int64_t account_id, Callback<std::optional<AccountBalance>> done) {
    auto result = std::make_shared<std::optional<AccountBalance>>();
    writer_.submit({[this, account_id, result](Store&) {
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
             auto it = accounts_.find(request.account_id);
             if (it == accounts_.end()) {
                 result->result = LedgerResult::account_not_found;
                 return;
             }
             auto& account = it->second;
             result->available_nanos = account.balance_nanos - account.reserved_nanos;
             // A zero quote (a free model) still places a hold: every admission is recorded
             // and ends exactly once.
             if (request.amount_nanos < 0) {
                 result->result = LedgerResult::invalid_amount;
                 return;
             }
             if (account.open_holds >= kMaxOpenHoldsPerAccount) {
                 result->result = LedgerResult::insufficient_credits;
                 return;
             }
             std::int64_t reserved_after = 0;
             if (add_overflows(account.reserved_nanos, request.amount_nanos, reserved_after)) {
                 result->result = LedgerResult::overflow;
                 return;
             }
             // The check and the reservation happen in the same step on the one writer thread:
             // concurrent requests cannot both see the same available credits.
             if (result->available_nanos < request.amount_nanos) {
                 result->result = LedgerResult::insufficient_credits;
                 return;
             }
             HoldRecord record{0,
                               request.account_id,
                               request.key_id,
                               request.request_id,
                               request.model,
                               request.endpoint,
                               request.amount_nanos,
                               now_ms()};
             record.id = store.insert_hold(record);
             account.reserved_nanos = reserved_after;
             account.open_holds += 1;
             result->hold_id = record.id;
             result->available_nanos = account.balance_nanos - account.reserved_nanos;
             result->result = LedgerResult::ok;
             open_holds_[record.id] = std::move(record);
             assert(account.balance_nanos - account.reserved_nanos >= 0);
         },
         [result, done = std::move(done)](bool committed) {
             if (!committed) *result = HoldOutcome{LedgerResult::unavailable, 0, 0};
             done(*result);
         }});
}

void Ledger::settle(std::int64_t hold_id, Charge charge, Callback<SettleOutcome> done) {
    auto result = std::make_shared<SettleOutcome>();
    writer_.submit(
        {[this, hold_id, charge = std::move(charge), result](Store& store) {
             auto hold_it = open_holds_.find(hold_id);
             if (hold_it == open_holds_.end()) {
                 result->result = LedgerResult::hold_not_found;  // closed already: no second move
                 return;
             }
             const HoldRecord& hold = hold_it->second;
             auto& account = accounts_.at(hold.account_id);
             if (charge.cost.total_nanos < 0) {
                 result->result = LedgerResult::invalid_amount;
                 return;
             }
             std::int64_t balance_after = 0;
             if (sub_overflows(account.balance_nanos, charge.cost.total_nanos, balance_after)) {
                 result->result = LedgerResult::overflow;
                 return;
             }
             const std::int64_t reserved_after = account.reserved_nanos - hold.amount_nanos;
             assert(reserved_after >= 0);
             // Cost above the hold is charged in full and flagged, never written off.
             std::string flags = charge.estimated ? "estimated" : "";
             if (charge.cost.total_nanos > hold.amount_nanos &&
                 balance_after - reserved_after < 0) {
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
             entry.amount_nanos = -charge.cost.total_nanos;
             entry.balance_after_nanos = balance_after;
             entry.flags = std::move(flags);
             entry.raw_usage = charge.raw_usage;
             entry.price_version = charge.price_version;
             entry.created_at_ms = now_ms();
             store.close_hold(hold.id, HoldState::settled, entry.created_at_ms);
             entry.id = store.insert_entry(entry);
             account.balance_nanos = balance_after;
             account.reserved_nanos = reserved_after;
             account.open_holds -= 1;
             open_holds_.erase(hold_it);
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
                        auto hold_it = open_holds_.find(hold_id);
                        if (hold_it == open_holds_.end()) {
                            *result = LedgerResult::hold_not_found;
                            return;
                        }
                        store.close_hold(hold_id, HoldState::voided, now_ms());
                        auto& account = accounts_.at(hold_it->second.account_id);
                        account.reserved_nanos -= hold_it->second.amount_nanos;
                        account.open_holds -= 1;
                        assert(account.reserved_nanos >= 0);
                        open_holds_.erase(hold_it);
                        *result = LedgerResult::ok;
                    },
                    [result, done = std::move(done)](bool committed) {
                        done(committed ? *result : LedgerResult::unavailable);
                    }});
}

void Ledger::top_up(TopUpRequest request, Callback<TopUpOutcome> done) {
    auto result = std::make_shared<TopUpOutcome>();
    writer_.submit(
        {[this, request = std::move(request), result](Store& store) {
             auto it = accounts_.find(request.account_id);
             if (it == accounts_.end()) {
                 result->result = LedgerResult::account_not_found;
                 return;
             }
             auto& account = it->second;
             const std::string scope = "topup:" + std::to_string(request.account_id);
             // The idempotency record and the credit commit together: a retried or redelivered
             // top-up finds the record and moves nothing.
             if (auto seen = store.find_idempotency(scope, request.idempotency_key)) {
                 if (seen->request_hash != request.request_hash) {
                     result->result = LedgerResult::idempotency_conflict;
                     return;
                 }
                 auto entry = store.find_entry(seen->entry_id);
                 if (!entry) throw StoreError("idempotency record points to a missing entry");
                 result->entry = std::move(*entry);
                 result->replayed = true;
                 result->balance = balance_of(it->first, account);
                 result->result = LedgerResult::ok;
                 return;
             }
             if (request.amount_nanos <= 0) {
                 result->result = LedgerResult::invalid_amount;
                 return;
             }
             std::int64_t balance_after = 0;
             if (add_overflows(account.balance_nanos, request.amount_nanos, balance_after)) {
                 result->result = LedgerResult::overflow;
                 return;
             }
             EntryRecord entry;
             entry.account_id = request.account_id;
             entry.type = "topup";
             entry.amount_nanos = request.amount_nanos;
             entry.balance_after_nanos = balance_after;
             entry.reference = request.reference;
             entry.created_at_ms = now_ms();
             entry.id = store.insert_entry(entry);
             store.insert_idempotency(IdempotencyRecord{scope, request.idempotency_key,
                                                        request.request_hash, entry.id,
                                                        entry.created_at_ms});
             account.balance_nanos = balance_after;
             result->entry = std::move(entry);
             result->balance = balance_of(it->first, account);
             result->result = LedgerResult::ok;
         },
         [result, done = std::move(done)](bool committed) {
             if (!committed) result->result = LedgerResult::unavailable;
             done(std::move(*result));
         }});
}

}  // namespace creditgate
