// Holds: admission, settlement, release, and the rule for holds nobody settles. Each is decided
// in memory under the ledger's mutex and appended to the writer in the same step.
#include <spdlog/spdlog.h>

#include "checked_math.hpp"
#include "creditgate/ledger/ledger.hpp"
#include "creditgate/observe/event_log.hpp"
#include "creditgate/observe/invariant.hpp"

namespace creditgate {

namespace {

void add_flag(std::string& flags, std::string_view flag) {
    if (flag.empty()) return;
    if (!flags.empty()) flags += ',';
    flags += flag;
}

std::int64_t debited_nanos(const Charge& charge) {
    return charge.byok ? charge.cost.markup_nanos : charge.cost.total_nanos;
}

}  // namespace

HoldOutcome Ledger::hold(const HoldRequest& request) {
    HoldOutcome out;
    // Nothing is admitted that the store could not keep: a hold must become durable before
    // its reply's first byte.
    if (!writer_.healthy()) return out;
    // A zero quote (a free model) still places a hold: every admission is recorded and ends
    // exactly once.
    const std::int64_t quoted = request.byok
                                    ? request.quote_markup_nanos
                                    : request.quote_provider_nanos + request.quote_markup_nanos;
    if (request.amount_nanos < 0 || quoted != request.amount_nanos) {
        out.result = LedgerResult::invalid_amount;
        return out;
    }
    std::lock_guard lock(mutex_);
    sweep_due();
    auto it = accounts_.find(request.account_id);
    if (it == accounts_.end()) {
        out.result = LedgerResult::account_not_found;
        return out;
    }
    auto& account = it->second;
    out.available_nanos = account.balance_nanos - account.reserved_nanos;
    if (account.open_holds >= kMaxOpenHoldsPerAccount) {
        out.result = LedgerResult::too_many_holds;
        return out;
    }
    std::int64_t reserved_after = 0;
    if (checked_add(account.reserved_nanos, request.amount_nanos, reserved_after)) {
        out.result = LedgerResult::overflow;
        return out;
    }
    // The check and the reservation are one step under the mutex: concurrent requests cannot
    // both see the same available credits.
    if (out.available_nanos < request.amount_nanos) {
        out.result = LedgerResult::insufficient_credits;
        return out;
    }
    const auto at = now();
    // The key's limits last: they change state when they pass, and nothing after may refuse.
    if (auto refusal =
            key_limits_.admit(request.key_id, request.amount_nanos, request.token_bound, at)) {
        out.result = refusal->kind == KeyRefusalKind::revoked ? LedgerResult::key_revoked
                                                              : LedgerResult::key_limited;
        out.key_refusal = std::move(refusal);
        return out;
    }
    HoldRecord record;
    record.id = ++last_ids_.hold;
    record.account_id = request.account_id;
    record.key_id = request.key_id;
    record.request_id = request.request_id;
    record.model = request.model;
    record.endpoint = request.endpoint;
    record.amount_nanos = request.amount_nanos;
    record.created_at_ms = at;
    // A byok hold records no provider quote: the abandonment rule may charge the quote, and
    // what it charges must stay provider + mark-up = amount.
    record.quote_provider_nanos = request.byok ? 0 : request.quote_provider_nanos;
    record.quote_markup_nanos = request.quote_markup_nanos;
    record.deadline_ms = record.created_at_ms + options_.hold_timeout_ms;
    record.price_version = request.price_version;
    account.reserved_nanos = reserved_after;
    account.open_holds += 1;
    CG_CHECK(account.balance_nanos - account.reserved_nanos >= 0,
             "a hold never reserves more than is available");
    out.hold_id = record.id;
    out.available_nanos = account.balance_nanos - account.reserved_nanos;
    out.result = LedgerResult::ok;
    hold_deadlines_.emplace(record.deadline_ms, record.id);
    auto insert = std::make_shared<HoldInsert>(record);
    out.durable_seq = append([this, insert](Store& store) { write_hold(store, *insert); });
    open_holds_.emplace(record.id,
                        OpenHold{std::move(record), std::move(insert), request.token_bound});
    return out;
}

void Ledger::write_hold(Store& store, HoldInsert& insert) const {
    const auto closed_by = insert.closed_by.load(std::memory_order_acquire);
    insert.inserted_closed = closed_by != 0 && closed_by <= writer_.running_batch_last();
    insert.row.state = insert.inserted_closed ? insert.closed_state : HoldState::open;
    insert.row.closed_at_ms = insert.inserted_closed ? insert.closed_at_ms : 0;
    store.insert_hold(insert.row);
}

void Ledger::announce_close(HoldInsert* insert, HoldState state, std::int64_t at) {
    if (!insert) return;
    insert->closed_state = state;
    insert->closed_at_ms = at;
}

// Until this runs the insert writes the row open even if its closing record is already in the
// running batch; the closing record then updates it. Either way one attempt is consistent.
void Ledger::publish_close(HoldInsert* insert, WriteSeq seq) {
    if (insert) insert->closed_by.store(seq, std::memory_order_release);
}

void Ledger::close_hold_row(Store& store, const HoldInsert* insert, std::int64_t hold_id,
                            HoldState state, std::int64_t at) {
    // Written closed by its insert, earlier in this same transaction attempt.
    if (insert && insert->inserted_closed) return;
    store.close_hold(hold_id, state, at);
}

EntryRecord Ledger::hold_entry(const HoldRecord& hold, const char* type, std::int64_t at) const {
    EntryRecord entry;
    entry.account_id = hold.account_id;
    entry.type = type;
    entry.hold_id = hold.id;
    entry.key_id = hold.key_id;
    entry.request_id = hold.request_id;
    entry.model = hold.model;
    entry.endpoint = hold.endpoint;
    entry.price_version = hold.price_version;
    entry.created_at_ms = at;
    return entry;
}

SettleOutcome Ledger::settle(std::int64_t hold_id, const Charge& charge) {
    SettleOutcome out;
    if (charge.cost.total_nanos < 0 || charge.cost.provider_nanos < 0 ||
        charge.cost.markup_nanos < 0 ||
        charge.cost.provider_nanos + charge.cost.markup_nanos != charge.cost.total_nanos) {
        out.result = LedgerResult::invalid_amount;
        return out;
    }
    // What the account pays: byok requests were paid to the provider by the user.
    const auto total = debited_nanos(charge);
    std::lock_guard lock(mutex_);
    sweep_due();
    auto hold_it = open_holds_.find(hold_id);
    if (hold_it == open_holds_.end()) {
        // Ended by its deadline before the charge came: the charge is still taken.
        if (auto late = abandoned_.find(hold_id); late != abandoned_.end()) {
            const auto abandoned = std::move(late->second);
            abandoned_.erase(late);  // a late charge too is taken once
            return settle_late(abandoned, charge);
        }
        out.result = hold_id > 0 && hold_id <= last_ids_.hold ? LedgerResult::hold_closed
                                                              : LedgerResult::hold_not_found;
        return out;
    }
    const HoldRecord hold = hold_it->second.record;
    const auto insert = hold_it->second.insert;
    auto& account = accounts_.at(hold.account_id);
    std::int64_t balance_after = 0;
    if (checked_sub(account.balance_nanos, total, balance_after)) {
        out.result = LedgerResult::overflow;
        return out;
    }
    const std::int64_t reserved_before = account.reserved_nanos;
    const std::int64_t reserved_after = reserved_before - hold.amount_nanos;
    // Cost above the hold is charged in full and flagged, never written off; so is a charge
    // that leaves the account owing (an earlier overrun or an expiry took what this hold had
    // reserved).
    std::string flags = charge.estimated ? "estimated" : "";
    if (charge.byok) add_flag(flags, "byok");
    add_flag(flags, charge.flags);
    if ((total > hold.amount_nanos && balance_after - reserved_after < 0) || balance_after < 0) {
        add_flag(flags, "overrun");
    }
    auto entry = hold_entry(hold, "charge", now());
    entry.prompt_tokens = charge.tokens.prompt_tokens;
    entry.cached_tokens = charge.tokens.cached_tokens;
    entry.completion_tokens = charge.tokens.completion_tokens;
    entry.cache_write_tokens = charge.tokens.cache_write_tokens;
    entry.reasoning_tokens = charge.tokens.reasoning_tokens;
    entry.images = charge.tokens.images;
    entry.provider_cost_nanos = charge.cost.provider_nanos;
    entry.markup_nanos = charge.cost.markup_nanos;
    entry.flags = std::move(flags);
    entry.raw_usage = charge.raw_usage;
    entry.price_version = charge.price_version;
    forget_hold(hold_it, account);
    auto movement = move_debit(account, std::move(entry), Debit{total, std::nullopt});
    CG_CHECK(account.reserved_nanos == reserved_after, "a settle releases exactly its hold");
    const auto at = movement.entry.created_at_ms;
    announce_close(insert.get(), HoldState::settled, at);
    out.durable_seq = append([movement, insert, hold_id, at](Store& store) {
        close_hold_row(store, insert.get(), hold_id, HoldState::settled, at);
        write_movement(store, movement);
    });
    publish_close(insert.get(), out.durable_seq);
    out.entry = std::move(movement.entry);
    out.available_nanos = account.balance_nanos - account.reserved_nanos;
    out.result = LedgerResult::ok;
    return out;
}

// The hold ended by the on_abandoned rule before its charge arrived (a request that outlived
// ledger.hold_timeout_s). Usage is never dropped because a timer fired first: what the rule did
// not already take is charged now, in an entry of its own flagged "late" (the hold's own entry
// already exists, so this one names the request but not the hold).
SettleOutcome Ledger::settle_late(const AbandonedHold& abandoned, const Charge& charge) {
    SettleOutcome out;
    auto& account = accounts_.at(abandoned.hold.account_id);
    const std::int64_t due = debited_nanos(charge) - abandoned.charged_nanos;
    out.result = LedgerResult::ok;
    if (due <= 0) {  // the rule charged the quote, which covered it
        out.available_nanos = account.balance_nanos - account.reserved_nanos;
        return out;
    }
    std::int64_t balance_after = 0;
    if (checked_sub(account.balance_nanos, due, balance_after)) {
        out.result = LedgerResult::overflow;
        return out;
    }
    auto entry = hold_entry(abandoned.hold, "charge", now());
    entry.hold_id.reset();
    entry.prompt_tokens = charge.tokens.prompt_tokens;
    entry.cached_tokens = charge.tokens.cached_tokens;
    entry.completion_tokens = charge.tokens.completion_tokens;
    entry.cache_write_tokens = charge.tokens.cache_write_tokens;
    entry.reasoning_tokens = charge.tokens.reasoning_tokens;
    entry.images = charge.tokens.images;
    // The split of what is due now keeps the charge's proportions, rounding toward mark-up
    // last: provider + markup = due exactly.
    // byok: all that is due is mark-up, and the provider cost stays for information.
    entry.markup_nanos = charge.byok ? due : std::min(charge.cost.markup_nanos, due);
    entry.provider_cost_nanos = charge.byok ? charge.cost.provider_nanos : due - entry.markup_nanos;
    entry.raw_usage = charge.raw_usage;
    entry.price_version = charge.price_version;
    entry.flags = charge.estimated ? "estimated,late" : "late";
    if (charge.byok) add_flag(entry.flags, "byok");
    add_flag(entry.flags, charge.flags);
    if (balance_after - account.reserved_nanos < 0) add_flag(entry.flags, "overrun");
    auto movement = move_debit(account, std::move(entry), Debit{due, std::nullopt});
    log_event(spdlog::level::warn, "late_charge",
              {{"hold_id", abandoned.hold.id},
               {"request_id", abandoned.hold.request_id},
               {"amount_nanos", due}});
    out.durable_seq = append([movement](Store& store) { write_movement(store, movement); });
    out.entry = std::move(movement.entry);
    out.available_nanos = account.balance_nanos - account.reserved_nanos;
    return out;
}

ReleaseOutcome Ledger::release(std::int64_t hold_id) {
    std::lock_guard lock(mutex_);
    auto hold_it = open_holds_.find(hold_id);
    if (hold_it == open_holds_.end()) {
        if (abandoned_.count(hold_id)) return {LedgerResult::ok, 0};  // its rule already ended it
        return {hold_id > 0 && hold_id <= last_ids_.hold ? LedgerResult::hold_closed
                                                         : LedgerResult::hold_not_found,
                0};
    }
    const auto insert = hold_it->second.insert;
    forget_hold(hold_it, accounts_.at(hold_it->second.record.account_id));
    const auto at = now();
    announce_close(insert.get(), HoldState::voided, at);
    const auto seq = append([insert, hold_id, at](Store& store) {
        close_hold_row(store, insert.get(), hold_id, HoldState::voided, at);
    });
    publish_close(insert.get(), seq);
    return {LedgerResult::ok, seq};
}

void Ledger::forget_hold(std::unordered_map<std::int64_t, OpenHold>::iterator it,
                         AccountState& account) {
    CG_CHECK(account.open_holds > 0, "an open hold is counted on its account");
    account.reserved_nanos -= it->second.record.amount_nanos;
    account.open_holds -= 1;
    CG_CHECK(account.reserved_nanos >= 0, "reserved never negative");
    CG_CHECK(account.open_holds > 0 || account.reserved_nanos == 0,
             "no open hold, nothing reserved");
    CG_CHECK(hold_deadlines_.erase({it->second.record.deadline_ms, it->first}) == 1,
             "a hold ends exactly once");
    key_limits_.end_hold(it->second.record.key_id, it->second.record.amount_nanos,
                         it->second.token_bound);
    open_holds_.erase(it);
}

// The one rule for holds nobody will settle: voided (nothing moves; a zero entry records it)
// or charged at the quote. Either way the entry is flagged "abandoned" and the hold is closed
// in the same record, so it ends exactly once.
WriteSeq Ledger::close_abandoned(const HoldRecord& hold, bool may_still_settle) {
    auto& account = accounts_.at(hold.account_id);
    const auto at = now();
    auto it = open_holds_.find(hold.id);
    CG_CHECK(it != open_holds_.end(), "only an open hold is abandoned");
    const auto insert = it->second.insert;
    forget_hold(it, account);
    Movement movement;
    std::int64_t charged = 0;
    if (options_.on_abandoned == AbandonRule::charge_quote && hold.amount_nanos > 0) {
        auto entry = hold_entry(hold, "charge", at);
        entry.provider_cost_nanos = hold.quote_provider_nanos;
        entry.markup_nanos = hold.quote_markup_nanos;
        const std::int64_t balance_after = account.balance_nanos - hold.amount_nanos;
        entry.flags = balance_after < 0 || balance_after - account.reserved_nanos < 0
                          ? "estimated,abandoned,overrun"
                          : "estimated,abandoned";
        movement = move_debit(account, std::move(entry), Debit{hold.amount_nanos, std::nullopt});
        charged = hold.amount_nanos;
    } else {
        movement.entry = hold_entry(hold, "void", at);
        movement.entry.flags = "abandoned";
        movement.entry.id = ++last_ids_.entry;
        movement.entry.amount_nanos = 0;
        movement.entry.balance_after_nanos = account.balance_nanos;
    }
    if (may_still_settle) {
        abandoned_.emplace(hold.id, AbandonedHold{hold, charged});
        abandoned_order_.push_back(hold.id);
        while (abandoned_order_.size() > kMaxRememberedAbandoned) {
            abandoned_.erase(abandoned_order_.front());
            abandoned_order_.pop_front();
        }
    }
    const char* rule = charged > 0 ? "charge_quote" : "void";
    announce_close(insert.get(), HoldState::abandoned, at);
    const auto seq = append(
        [movement, insert, hold_id = hold.id, at](Store& store) {
            close_hold_row(store, insert.get(), hold_id, HoldState::abandoned, at);
            write_movement(store, movement);
        },
        [line = event_line("hold_abandoned", {{"hold_id", hold.id},
                                              {"account_id", hold.account_id},
                                              {"amount_nanos", hold.amount_nanos},
                                              {"request_id", hold.request_id},
                                              {"rule", rule}})](bool committed) {
            if (committed) spdlog::warn(line);
        });
    publish_close(insert.get(), seq);
    return seq;
}

// Runs under mutex_ before every decision and from the sweeper; does nothing (no record, no
// transaction) unless a deadline or an expiry is due.
std::pair<std::size_t, WriteSeq> Ledger::sweep_due() {
    if ((hold_deadlines_.empty() && grant_expiries_.empty())) return {0, 0};
    const auto at = now();
    std::size_t resolved = 0;
    WriteSeq last = 0;
    while (!hold_deadlines_.empty() && hold_deadlines_.begin()->first <= at) {
        const HoldRecord hold = open_holds_.at(hold_deadlines_.begin()->second).record;
        last = close_abandoned(hold, /*may_still_settle=*/true);
        ++resolved;
    }
    while (!grant_expiries_.empty() && std::get<0>(*grant_expiries_.begin()) <= at) {
        const auto [expires_at, account_id, grant_id] = *grant_expiries_.begin();
        grant_expiries_.erase(grant_expiries_.begin());
        auto& account = accounts_.at(account_id);
        auto bucket = std::find_if(account.buckets.begin(), account.buckets.end(),
                                   [&](const GrantRecord& g) { return g.id == grant_id; });
        if (bucket == account.buckets.end()) continue;  // spent in full before it expired
        EntryRecord entry;
        entry.account_id = account_id;
        entry.type = "expiry";
        entry.reference = bucket->reference;
        entry.created_at_ms = at;
        // The unspent rest leaves the balance. It is never more than the balance: while a
        // bucket has something left, nothing is owed.
        auto movement =
            move_debit(account, std::move(entry), Debit{bucket->remaining_nanos(), grant_id});
        last = append([movement](Store& store) { write_movement(store, movement); });
        ++resolved;
    }
    return {resolved, last};
}

// --- The same operations, answering once durable ---------------------------------------------

void Ledger::hold(HoldRequest request, Callback<HoldOutcome> done) {
    auto outcome = hold(request);
    if (outcome.result != LedgerResult::ok) return done(outcome);
    writer_.when_durable(outcome.durable_seq, [outcome, done = std::move(done)](bool ok) {
        done(ok ? outcome : HoldOutcome{});
    });
}

void Ledger::settle(std::int64_t hold_id, Charge charge, Callback<SettleOutcome> done) {
    auto outcome = settle(hold_id, charge);
    if (outcome.result != LedgerResult::ok || !outcome.durable_seq) return done(outcome);
    writer_.when_durable(outcome.durable_seq,
                         [outcome = std::move(outcome), done = std::move(done)](bool ok) mutable {
                             if (!ok) outcome.result = LedgerResult::unavailable;
                             done(std::move(outcome));
                         });
}

void Ledger::release(std::int64_t hold_id, Callback<LedgerResult> done) {
    const auto outcome = release(hold_id);
    if (outcome.result != LedgerResult::ok || !outcome.durable_seq) return done(outcome.result);
    writer_.when_durable(outcome.durable_seq, [done = std::move(done)](bool ok) {
        done(ok ? LedgerResult::ok : LedgerResult::unavailable);
    });
}

}  // namespace creditgate
