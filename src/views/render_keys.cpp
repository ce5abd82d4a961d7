#include "creditgate/views/render_keys.hpp"

#include <algorithm>

#include "creditgate/pricing/decimal.hpp"
#include "creditgate/validate/time_text.hpp"

namespace creditgate {

namespace {

nlohmann::json optional_time(const std::optional<std::int64_t>& ms) {
    return ms ? nlohmann::json(format_time_ms(*ms)) : nlohmann::json();
}

}  // namespace

nlohmann::json key_json(const KeyView& key) {
    const auto& k = key.record;
    nlohmann::json out = {
        {"id", k.id},
        {"object", "api_key"},
        {"account_id", k.account_id},
        {"parent_id", k.parent_id ? nlohmann::json(*k.parent_id) : nlohmann::json()},
        {"name", k.name},
        {"prefix", k.prefix},
        {"created_at", format_time_ms(k.created_at_ms)},
        {"revoked_at", optional_time(k.revoked_at_ms)}};
    const auto scope = key_scope_json(key.scope);
    for (auto it = scope.begin(); it != scope.end(); ++it) {
        if (it.key() != "name") out[it.key()] = it.value();
    }
    const KeyUsage usage = key.usage.value_or(KeyUsage{});
    nlohmann::json spend = nlohmann::json::object();
    nlohmann::json remaining = nlohmann::json::object();
    for (auto period : kBudgetPeriods) {
        const auto i = index_of(period);
        spend[to_string(period)] = format_nanos(usage.spent_nanos[i]);
        if (const auto& budget = key.scope.limits.budgets[i]) {
            remaining[to_string(period)] = format_nanos(
                std::max<std::int64_t>(*budget - usage.spent_nanos[i] - usage.reserved_nanos, 0));
        }
    }
    out["spend"] = std::move(spend);
    out["reserved"] = format_nanos(usage.reserved_nanos);
    out["remaining"] = std::move(remaining);
    return out;
}

nlohmann::json audit_json(const AuditRecord& row) {
    auto detail = nlohmann::json::parse(row.detail, nullptr, false);
    return {{"id", row.id},
            {"object", "audit_entry"},
            {"at", format_time_ms(row.at_ms)},
            {"actor", row.actor},
            {"action", row.action},
            {"account_id", row.account_id ? nlohmann::json(*row.account_id) : nlohmann::json()},
            {"target", row.target},
            {"detail", detail.is_discarded() ? nlohmann::json::object() : detail}};
}

}  // namespace creditgate
