// POST /admin/accounts/{id}/topups | grants | adjustments: the admin calls that move money.
// Each needs an Idempotency-Key: the same key and body give the first reply again and move
// nothing; the same key with another body is 409 idempotency_conflict.
#include "admin_call.hpp"
#include "creditgate/auth/api_key.hpp"
#include "creditgate/http/routing.hpp"
#include "creditgate/pricing/decimal.hpp"
#include "creditgate/validate/time_text.hpp"
#include "creditgate/views/render.hpp"

namespace creditgate {

using namespace admin_detail;

namespace {

constexpr int kDefaultGrantPriority = 50;
constexpr int kMaxGrantPriority = 1000;

// "amount": a decimal string in credits; signed only for adjustments.
std::variant<std::int64_t, ApiError> amount_field(const nlohmann::json& body, bool signed_amount) {
    const char* expected = signed_amount
                               ? "'amount' must be a non-zero decimal string in credits with at "
                                 "most 9 decimal places, like \"10.5\" or \"-2\"."
                               : "'amount' must be a positive decimal string in credits with at "
                                 "most 9 decimal places, like \"10.5\".";
    auto it = body.find("amount");
    if (it == body.end() || it->is_null())
        return invalid("Missing required field 'amount'.", "amount");
    if (!it->is_string()) return invalid(expected, "amount");
    std::string_view text = it->get_ref<const std::string&>();
    const bool negative = signed_amount && text.starts_with('-');
    if (negative) text.remove_prefix(1);
    auto amount = text.size() <= 64 ? parse_decimal_nanos(text) : std::nullopt;
    if (!amount || *amount <= 0) return invalid(expected, "amount");
    return negative ? -*amount : *amount;
}

std::variant<std::optional<std::int64_t>, ApiError> expiry_field(const nlohmann::json& body) {
    auto it = body.find("expires_at");
    if (it == body.end() || it->is_null()) return std::optional<std::int64_t>();
    auto parsed = it->is_string() ? parse_time_ms(it->get_ref<const std::string&>()) : std::nullopt;
    if (!parsed) {
        return invalid(
            "'expires_at' must be an RFC 3339 time like \"2026-12-31T23:59:59Z\", or "
            "null for a grant that never expires.",
            "expires_at");
    }
    return std::optional<std::int64_t>(*parsed);
}

std::variant<int, ApiError> priority_field(const nlohmann::json& body) {
    auto it = body.find("priority");
    if (it == body.end() || it->is_null()) return kDefaultGrantPriority;
    if (!it->is_number_integer() || it->get<std::int64_t>() < 0 ||
        it->get<std::int64_t>() > kMaxGrantPriority) {
        return invalid("'priority' must be an integer from 0 to 1000 (lower is spent first).",
                       "priority");
    }
    return static_cast<int>(it->get<std::int64_t>());
}

// Reads the body of a top-up, grant or adjustment into a CreditRequest.
std::variant<CreditRequest, ApiError> parse_credit(const std::string& text, GrantKind kind) {
    auto parsed = kind == GrantKind::grant
                      ? object_body(text, {"amount", "expires_at", "priority", "reference"})
                  : kind == GrantKind::adjustment ? object_body(text, {"amount", "reason"})
                                                  : object_body(text, {"amount", "reference"});
    if (auto* error = std::get_if<ApiError>(&parsed)) return *error;
    const auto& body = std::get<nlohmann::json>(parsed);
    CreditRequest request;
    request.kind = kind;
    auto amount = amount_field(body, kind == GrantKind::adjustment);
    if (auto* error = std::get_if<ApiError>(&amount)) return *error;
    request.amount_nanos = std::get<std::int64_t>(amount);
    const bool adjustment = kind == GrantKind::adjustment;
    auto reference =
        string_field(body, adjustment ? "reason" : "reference", adjustment, kMaxReferenceLength);
    if (auto* error = std::get_if<ApiError>(&reference)) return *error;
    request.reference = std::get<std::string>(reference);
    if (adjustment && request.reference.empty()) {
        return invalid("'reason' must say why the balance is adjusted.", "reason");
    }
    if (kind == GrantKind::grant) {
        auto expiry = expiry_field(body);
        if (auto* error = std::get_if<ApiError>(&expiry)) return *error;
        request.expires_at_ms = std::get<std::optional<std::int64_t>>(expiry);
        auto priority = priority_field(body);
        if (auto* error = std::get_if<ApiError>(&priority)) return *error;
        request.priority = std::get<int>(priority);
    }
    request.request_hash = sha256_hex(body.dump());
    return request;
}

}  // namespace

void AdminApi::move_money(const std::shared_ptr<Call>& call, std::int64_t account_id,
                          GrantKind kind) {
    auto idempotency_key = std::string(call->request["Idempotency-Key"]);
    if (idempotency_key.empty() || idempotency_key.size() > kMaxIdempotencyKeyLength) {
        return call->fail(invalid(
            "An Idempotency-Key header (1 to 255 characters) is required for calls that move "
            "money.",
            "Idempotency-Key"));
    }
    auto parsed = parse_credit(call->request.body(), kind);
    if (auto* error = std::get_if<ApiError>(&parsed)) return call->fail(*error);
    auto request = std::get<CreditRequest>(std::move(parsed));
    request.account_id = account_id;
    request.actor = call->actor;
    request.idempotency_key = std::move(idempotency_key);
    ledger_.credit(std::move(request), call->on_session<CreditOutcome>([call](auto& outcome) {
        if (outcome.result != LedgerResult::ok) {
            // An operator's adjustment beyond the available balance is an invalid amount (400),
            // not a client that ran out of credits (402).
            if (outcome.result == LedgerResult::insufficient_credits) {
                return call->fail(api_error_from(
                    LedgerResult::invalid_amount,
                    "The adjustment is larger than the available balance (credits reserved by "
                    "requests in flight are not available)."));
            }
            return call->fail(api_error_from(outcome.result));
        }
        // Rendered only from what was stored when the money moved, so a replay is the first
        // reply again, byte for byte.
        auto body = entry_json(outcome.entry);
        if (outcome.grant) body["grant"] = grant_json(*outcome.grant);
        auto reply = json_reply(http::status::created, body.dump(), call->record.request_id);
        if (outcome.replayed) reply.set("Idempotent-Replayed", "true");
        call->reply(std::move(reply));
    }));
}

}  // namespace creditgate
