#include "creditgate/errors/result_errors.hpp"

namespace creditgate {

namespace {

// What a result means to a client when the caller has nothing to add.
struct ErrorRow {
    ErrorCode code;
    const char* message;
    const char* param = "";
};

ApiError make(const ErrorRow& entry, std::string message) {
    return api_error(entry.code, message.empty() ? std::string(entry.message) : std::move(message),
                     entry.param);
}

constexpr ErrorRow kUnavailable{ErrorCode::unavailable,
                                "The ledger is unavailable; nothing was charged. Retry later."};

ErrorRow row(LedgerResult result) {
    switch (result) {
        case LedgerResult::insufficient_credits:
            return {ErrorCode::insufficient_credits,
                    "Not enough credits for this request. Top up the account or lower "
                    "max_tokens."};
        case LedgerResult::too_many_holds:
            return {ErrorCode::rate_limited,
                    "Too many requests of this account are in flight at once. Retry when some "
                    "have finished."};
        case LedgerResult::account_not_found:
            return {ErrorCode::not_found, "No such account."};
        case LedgerResult::hold_not_found:
            return {ErrorCode::not_found, "No such hold."};
        case LedgerResult::hold_closed:
            return {ErrorCode::invalid_request, "The hold has already ended."};
        case LedgerResult::invalid_amount:
            return {ErrorCode::invalid_request, "The amount must be positive.", "amount"};
        case LedgerResult::invalid_expiry:
            return {ErrorCode::invalid_request,
                    "'expires_at' must be in the future, and only grants expire.", "expires_at"};
        case LedgerResult::overflow:
            return {ErrorCode::invalid_request, "The amount is too large.", "amount"};
        case LedgerResult::idempotency_conflict:
            return {ErrorCode::idempotency_conflict,
                    "This Idempotency-Key was already used with a different request body."};
        case LedgerResult::key_limited:
            return {ErrorCode::key_budget_exceeded, "A limit of this key was reached."};
        case LedgerResult::key_revoked:
            return {ErrorCode::invalid_api_key, "This API key has been revoked."};
        case LedgerResult::ok:
        case LedgerResult::unavailable:
            break;
    }
    return kUnavailable;
}

ErrorRow row(AuthResult result) {
    switch (result) {
        case AuthResult::account_not_found:
            return row(LedgerResult::account_not_found);
        case AuthResult::key_not_found:
            return {ErrorCode::not_found, "No such active key."};
        case AuthResult::too_many_keys:
            return {ErrorCode::invalid_request,
                    "This account has too many keys; revoke some first."};
        case AuthResult::ok:
        case AuthResult::unavailable:
            break;
    }
    return kUnavailable;
}

ErrorRow row(ReportResult result) {
    switch (result) {
        case ReportResult::account_not_found:
            return row(LedgerResult::account_not_found);
        case ReportResult::too_many_entries:
            return {ErrorCode::invalid_request,
                    "The period holds more entries than one report reads; ask for shorter "
                    "periods.",
                    "from"};
        case ReportResult::overflow:
            return {ErrorCode::invalid_request,
                    "A sum over this period does not fit in 64 bits; ask for shorter periods.",
                    "from"};
        case ReportResult::ok:
        case ReportResult::unavailable:
            break;
    }
    return kUnavailable;
}

ErrorRow row(CostResult result) {
    switch (result) {
        case CostResult::overflow:
            return {ErrorCode::invalid_request, "The request is too large to price."};
        case CostResult::negative_tokens:
        case CostResult::cached_exceeds_prompt:
        case CostResult::reasoning_exceeds_completion:
            return {ErrorCode::upstream_error, "The provider reported inconsistent usage."};
        case CostResult::ok:
            break;
    }
    return kUnavailable;
}

}  // namespace

ApiError api_error_from(LedgerResult result, std::string message) {
    return make(row(result), std::move(message));
}

ApiError api_error_from(AuthResult result, std::string message) {
    return make(row(result), std::move(message));
}

ApiError api_error_from(ReportResult result, std::string message) {
    return make(row(result), std::move(message));
}

ApiError api_error_from(CostResult result, std::string message) {
    return make(row(result), std::move(message));
}

std::variant<KeyScope, ApiError> key_scope_from_body(const std::string& body,
                                                     const KeyScope& base) {
    auto json = nlohmann::json::parse(body.empty() ? std::string("{}") : body, nullptr, false);
    if (json.is_discarded()) {
        return api_error(ErrorCode::invalid_request, "The request body is not valid JSON.");
    }
    if (!json.is_object()) {
        return api_error(ErrorCode::invalid_request, "The request body must be a JSON object.");
    }
    auto parsed = parse_key_scope(json, base);
    if (auto* error = std::get_if<ScopeError>(&parsed)) {
        return api_error(ErrorCode::invalid_request, error->message, error->field);
    }
    auto scope = std::get<KeyScope>(std::move(parsed));
    if (scope.expires_at_ms && *scope.expires_at_ms <= now_ms() &&
        scope.expires_at_ms != base.expires_at_ms) {
        return api_error(ErrorCode::invalid_request,
                         "'expires_at' must be in the future; to stop a key now, revoke it.",
                         "expires_at");
    }
    return scope;
}

}  // namespace creditgate
