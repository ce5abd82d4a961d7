// Admin-made money movements: paid top-ups, grants and signed adjustments. Each is idempotent:
// the idempotency record commits with the movement, so a retried or redelivered call finds it
// and moves nothing.
//
// A credit is decided in two steps on the writer thread: a query looks the key up in the store
// (which holds every credit already durable), then, once that query's batch is done, the
// decision runs in memory and appends its record. Credits decided but not yet durable are
// remembered (pending_credits_) until their record commits, so a replay in between is caught
// too: the store or the pending map always knows a key that was decided.
#include "checked_math.hpp"
#include "creditgate/ledger/ledger.hpp"

namespace creditgate {

namespace {

std::string idempotency_scope(const CreditRequest& request) {
    return std::string(to_string(request.kind)) + ":" + std::to_string(request.account_id);
}

struct Lookup {
    std::optional<IdempotencyRecord> seen;
    std::optional<EntryRecord> entry;
    std::optional<GrantRecord> grant;
};

}  // namespace

void Ledger::credit(CreditRequest request, Callback<CreditOutcome> done) {
    auto lookup = std::make_shared<Lookup>();
    const auto scope = idempotency_scope(request);
    writer_.submit(
        {[lookup, scope, key = request.idempotency_key](Store& store) {
             *lookup = Lookup{};
             lookup->seen = store.find_idempotency(scope, key);
             if (!lookup->seen) return;
             lookup->entry = store.find_entry(lookup->seen->entry_id);
             if (!lookup->entry) throw StoreError("idempotency record points to a missing entry");
             lookup->grant = store.find_grant_by_entry(lookup->seen->entry_id);
         },
         [this, lookup, request = std::move(request), done = std::move(done)](bool ok) mutable {
             if (!ok) return done(CreditOutcome{});
             decide_credit(request, std::move(lookup->seen), std::move(lookup->entry),
                           std::move(lookup->grant), std::move(done));
         }});
}

// Writer thread (a finish callback), so pending_credits_ needs no lock of its own.
void Ledger::decide_credit(const CreditRequest& request, std::optional<IdempotencyRecord> seen,
                           std::optional<EntryRecord> seen_entry,
                           std::optional<GrantRecord> seen_grant, Callback<CreditOutcome> done) {
    CreditOutcome out;
    const auto pending_key = std::make_pair(idempotency_scope(request), request.idempotency_key);
    if (auto pending = pending_credits_.find(pending_key); pending != pending_credits_.end()) {
        if (pending->second.request_hash != request.request_hash) {
            out.result = LedgerResult::idempotency_conflict;
            return done(out);
        }
        out = pending->second.outcome;
        out.replayed = true;
        return writer_.when_durable(pending->second.seq,
                                    [out, done = std::move(done)](bool ok) mutable {
                                        if (!ok) out = CreditOutcome{};
                                        done(out);
                                    });
    }
    if (seen) {
        if (seen->request_hash != request.request_hash) {
            out.result = LedgerResult::idempotency_conflict;
            return done(out);
        }
        out.entry = std::move(*seen_entry);
        if (seen_grant) {
            seen_grant->allocated_nanos = 0;  // as created: the reply is the first one
            out.grant = std::move(seen_grant);
        }
        out.replayed = true;
        out.result = LedgerResult::ok;
        return done(out);
    }

    std::unique_lock lock(mutex_);
    sweep_due();
    auto it = accounts_.find(request.account_id);
    if (it == accounts_.end()) {
        out.result = LedgerResult::account_not_found;
        return done(out);
    }
    auto& account = it->second;
    const auto at = now();
    const bool debit = request.amount_nanos < 0;
    if (request.amount_nanos == 0 || (debit && request.kind != GrantKind::adjustment)) {
        out.result = LedgerResult::invalid_amount;
        return done(out);
    }
    if (request.expires_at_ms &&
        (request.kind != GrantKind::grant || *request.expires_at_ms <= at)) {
        out.result = LedgerResult::invalid_expiry;
        return done(out);
    }
    std::int64_t balance_after = 0;
    if (checked_add(account.balance_nanos, request.amount_nanos, balance_after)) {
        out.result = LedgerResult::overflow;
        return done(out);
    }
    // A negative adjustment takes only what is available: it never reaches into what open
    // holds reserved, and never leaves the account owing.
    if (debit && balance_after - account.reserved_nanos < 0) {
        out.result = LedgerResult::insufficient_credits;
        return done(out);
    }
    EntryRecord entry;
    entry.account_id = request.account_id;
    entry.type = to_string(request.kind);
    entry.reference = request.reference;
    entry.actor = request.actor;
    entry.created_at_ms = at;
    Movement movement;
    if (debit) {
        movement = move_debit(account, std::move(entry), Debit{-request.amount_nanos, {}});
    } else {
        GrantRecord bucket;
        bucket.account_id = request.account_id;
        bucket.kind = request.kind;
        bucket.amount_nanos = request.amount_nanos;
        bucket.priority = request.kind == GrantKind::grant ? request.priority : 0;
        bucket.expires_at_ms = request.expires_at_ms;
        bucket.reference = request.reference;
        bucket.created_at_ms = at;
        movement = move_credit(account, std::move(entry), std::move(bucket));
    }
    IdempotencyRecord idempotency{pending_key.first, request.idempotency_key, request.request_hash,
                                  movement.entry.id, at};
    out.entry = movement.entry;
    out.grant = movement.bucket;
    out.result = LedgerResult::ok;
    // Remembered before the record is appended: a writer that is stopping finishes it at once.
    pending_credits_[pending_key] = PendingCredit{request.request_hash, out, 0};
    const auto seq = append(
        [movement, idempotency](Store& store) {
            write_movement(store, movement);
            store.insert_idempotency(idempotency);
        },
        [this, pending_key, out, done = std::move(done)](bool ok) {
            pending_credits_.erase(pending_key);
            done(ok ? out : CreditOutcome{});
        });
    if (auto pending = pending_credits_.find(pending_key); pending != pending_credits_.end()) {
        pending->second.seq = seq;
    }
}

}  // namespace creditgate
