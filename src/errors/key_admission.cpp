#include "creditgate/errors/key_admission.hpp"

#include <string>

#include "creditgate/pricing/decimal.hpp"
#include "creditgate/validate/time_text.hpp"

namespace creditgate {

namespace {

std::string key_name(std::int64_t key_id) {
    return "key " + std::to_string(key_id);
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) {
        if (!out.empty()) out += ", ";
        out += name;
    }
    return out;
}

// The key, then each key above it: a key is limited by all of them.
template <typename Fn>
std::optional<ApiError> first_refusal(const KeyIdentity& key, Fn&& check) {
    if (auto error = check(*key.key)) return error;
    for (const auto& above : key.ancestors) {
        if (auto error = check(*above)) return error;
    }
    return std::nullopt;
}

}  // namespace

std::optional<ApiError> check_key_access(const KeyIdentity& key,
                                         const boost::asio::ip::address& client,
                                         std::int64_t now_ms) {
    return first_refusal(key, [&](const KeyState& state) -> std::optional<ApiError> {
        const auto& scope = state.scope;
        if (expired(scope, now_ms)) {
            return api_error(ErrorCode::key_expired,
                             "This API key expired at " + format_time_ms(*scope.expires_at_ms) +
                                 (state.record.id == key.key_id
                                      ? "."
                                      : " (the key that minted it, " + key_name(state.record.id) +
                                            ", expired)."));
        }
        if (!allows_address(scope, client)) {
            return api_error(ErrorCode::ip_not_allowed,
                             "This API key may not be used from " + client.to_string() + ".");
        }
        return std::nullopt;
    });
}

std::optional<ApiError> check_key_request(const KeyIdentity& key, std::string_view model,
                                          std::string_view endpoint) {
    return first_refusal(key, [&](const KeyState& state) -> std::optional<ApiError> {
        const auto& scope = state.scope;
        if (!allows_model(scope, model)) {
            return api_error(ErrorCode::model_not_allowed,
                             "This API key may not use the model '" + std::string(model) +
                                 "'. Allowed: " + joined(*scope.models) + ".",
                             "model");
        }
        if (!allows_endpoint(scope, endpoint)) {
            return api_error(ErrorCode::endpoint_not_allowed,
                             "This API key may not use the '" + std::string(endpoint) +
                                 "' endpoint. Allowed: " + joined(*scope.endpoints) + ".");
        }
        return std::nullopt;
    });
}

std::optional<ApiError> check_may_manage_keys(const KeyIdentity& key) {
    return first_refusal(key, [&](const KeyState& state) -> std::optional<ApiError> {
        if (has_right(state.scope, kManageKeysScope)) return std::nullopt;
        return api_error(
            ErrorCode::permission_denied,
            "This API key may not manage keys: " +
                (state.record.id == key.key_id ? std::string("it") : key_name(state.record.id)) +
                " lacks the 'keys:manage' scope.");
    });
}

std::optional<ApiError> check_within(const KeyScope& scope, const KeyIdentity& minter) {
    return first_refusal(minter, [&](const KeyState& state) -> std::optional<ApiError> {
        auto field = first_widened_field(scope, state.scope);
        if (!field) return std::nullopt;
        return api_error(ErrorCode::scope_too_wide,
                         "The key would be wider than " + key_name(state.record.id) + " in '" +
                             *field + "': a key can only grant what it has.",
                         *field);
    });
}

ApiError key_refusal_error(const KeyRefusal& refusal, std::int64_t quote_nanos) {
    const auto who = key_name(refusal.key_id);
    switch (refusal.kind) {
        case KeyRefusalKind::revoked:
            return api_error(ErrorCode::invalid_api_key, "This API key has been revoked.");
        case KeyRefusalKind::budget: {
            auto message = "The " + refusal.limit + " budget of " + who + " (" +
                           format_nanos(refusal.limit_value) +
                           " credits) is reached: " + format_nanos(refusal.remaining_nanos) +
                           " credits are left and this request may cost up to " +
                           format_nanos(quote_nanos) + ". ";
            message += refusal.resets_at_ms
                           ? "It resets at " + format_time_ms(*refusal.resets_at_ms) + "."
                           : std::string("A lifetime budget does not reset.");
            return api_error(ErrorCode::key_budget_exceeded, std::move(message),
                             "budgets." + refusal.limit);
        }
        case KeyRefusalKind::rate: {
            const auto seconds = std::max<std::int64_t>((refusal.retry_after_ms + 999) / 1000, 1);
            std::string what = refusal.limit == "rpm"   ? " requests per minute"
                               : refusal.limit == "tpm" ? " tokens per minute"
                                                        : " requests at once";
            auto error = api_error(ErrorCode::rate_limited,
                                   "Rate limit of " + who +
                                       " reached: " + std::to_string(refusal.limit_value) + what +
                                       ". Retry in " + std::to_string(seconds) + " s.");
            error.retry_after_s = static_cast<int>(std::min<std::int64_t>(seconds, 86'400));
            return error;
        }
    }
    return api_error(ErrorCode::invalid_api_key, "This API key has been revoked.");
}

}  // namespace creditgate
