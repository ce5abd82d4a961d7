// Admin-made money movements: paid top-ups, grants and signed adjustments. Each is idempotent:
// the idempotency record commits with the movement, so a retried or redelivered call finds it
// and moves nothing.
#include <spdlog/spdlog.h>

#include "checked_math.hpp"
#include "creditgate/ledger/ledger.hpp"

namespace creditgate {

namespace {

std::string idempotency_scope(const CreditRequest& request) {
    return std::string(to_string(request.kind)) + ":" + std::to_string(request.account_id);
}

}  // namespace

void Ledger::credit(CreditRequest request, Callback<CreditOutcome> done) {
    auto result = std::make_shared<CreditOutcome>();
    writer_.submit(
        {[this, request = std::move(request), result](Store& store) {
             sweep_due(store);
             auto it = accounts_.find(request.account_id);
             if (it == accounts_.end()) {
                 result->result = LedgerResult::account_not_found;
                 return;
             }
             auto& account = it->second;
             const std::string scope = idempotency_scope(request);
             if (auto seen = store.find_idempotency(scope, request.idempotency_key)) {
                 if (seen->request_hash != request.request_hash) {
                     result->result = LedgerResult::idempotency_conflict;
                     return;
                 }
                 auto entry = store.find_entry(seen->entry_id);
                 if (!entry) throw StoreError("idempotency record points to a missing entry");
                 result->entry = std::move(*entry);
                 if (auto grant = store.find_grant_by_entry(seen->entry_id)) {
                     grant->allocated_nanos = 0;  // as created: the reply is the first one
                     result->grant = std::move(grant);
                 }
                 result->replayed = true;
                 result->result = LedgerResult::ok;
                 return;
             }
             const auto at = now();
             const bool debit = request.amount_nanos < 0;
             if (request.amount_nanos == 0 || (debit && request.kind != GrantKind::adjustment)) {
                 result->result = LedgerResult::invalid_amount;
                 return;
             }
             if (request.expires_at_ms &&
                 (request.kind != GrantKind::grant || *request.expires_at_ms <= at)) {
                 result->result = LedgerResult::invalid_expiry;
                 return;
             }
             std::int64_t balance_after = 0;
             if (checked_add(account.balance_nanos, request.amount_nanos, balance_after)) {
                 result->result = LedgerResult::overflow;
                 return;
             }
             // A negative adjustment takes only what is available: it never reaches into what
             // open holds reserved, and never leaves the account owing.
             if (debit && balance_after - account.reserved_nanos < 0) {
                 result->result = LedgerResult::insufficient_credits;
                 return;
             }
             EntryRecord entry;
             entry.account_id = request.account_id;
             entry.type = to_string(request.kind);
             entry.reference = request.reference;
             entry.actor = request.actor;
             entry.created_at_ms = at;
             GrantRecord bucket;
             bucket.account_id = request.account_id;
             bucket.kind = request.kind;
             bucket.amount_nanos = request.amount_nanos;
             bucket.priority = request.kind == GrantKind::grant ? request.priority : 0;
             bucket.expires_at_ms = request.expires_at_ms;
             bucket.reference = request.reference;
             bucket.created_at_ms = at;
             BurnPlan debit_plan;
             CreditPlan credit_plan;
             if (debit) {
                 debit_plan =
                     persist_debit(store, account, entry, Debit{-request.amount_nanos, {}});
             } else {
                 credit_plan = persist_credit(store, account, entry, std::move(bucket));
             }
             store.insert_idempotency(IdempotencyRecord{scope, request.idempotency_key,
                                                        request.request_hash, entry.id, at});
             // Everything is stored: now memory follows.
             if (debit) {
                 apply_debit(account, entry, debit_plan);
             } else {
                 apply_credit(account, entry, credit_plan);
                 result->grant = credit_plan.bucket;
             }
             result->entry = std::move(entry);
             result->result = LedgerResult::ok;
         },
         [result, done = std::move(done)](bool committed) {
             if (!committed) result->result = LedgerResult::unavailable;
             done(std::move(*result));
         }});
}

}  // namespace creditgate
