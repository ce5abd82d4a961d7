#pragma once
// Every ledger operation answers with a named result; the HTTP layer maps them to errors in one
// place.

namespace creditgate {

enum class LedgerResult {
    ok,
    insufficient_credits,  // available < amount asked
    too_many_holds,        // the account has kLimit open holds: a concurrency limit, not money
    account_not_found,
    hold_not_found,        // no such hold: nothing moved
    hold_closed,           // the hold already ended (settled, voided, abandoned): nothing moved
    invalid_amount,        // zero or negative where a positive amount is required
    invalid_expiry,        // an expiry in the past, or on something that cannot expire
    overflow,              // the new balance would not fit in int64
    idempotency_conflict,  // same idempotency key, different request
    key_limited,           // a limit of the key or a key above it refused (HoldOutcome says which)
    key_revoked,           // the key, or one above it, was revoked since it was authenticated
    unavailable,           // the store failed; nothing was committed
};

const char* to_string(LedgerResult result);

}  // namespace creditgate
