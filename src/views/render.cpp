#include "creditgate/views/render.hpp"

#include "creditgate/views/time_text.hpp"
#include "creditgate/pricing/decimal.hpp"
#include "creditgate/store/store.hpp"

namespace creditgate {

nlohmann::json account_json(const AccountBalance& a) {
    // What is left of each credit, in the order spending consumes them.
    nlohmann::json grants = nlohmann::json::array();
    for (const auto& g : a.grants) grants.push_back(grant_json(g));
    return {{"id", a.id},
            {"object", "account"},
            {"name", a.name},
            {"created_at", format_time_ms(a.created_at_ms)},
            {"balance", format_nanos(a.balance_nanos)},
            {"reserved", format_nanos(a.reserved_nanos)},
            {"available", format_nanos(a.available_nanos())},
            {"balance_nanos", a.balance_nanos},
            {"reserved_nanos", a.reserved_nanos},
            {"available_nanos", a.available_nanos()},
            {"owed", format_nanos(a.owed_nanos)},
            {"owed_nanos", a.owed_nanos},
            {"grants", std::move(grants)}};
}

nlohmann::json grant_json(const GrantRecord& g) {
    return {
        {"id", g.id},
        {"object", "credit_grant"},
        {"kind", to_string(g.kind)},
        {"entry_id", g.entry_id},
        {"amount", format_nanos(g.amount_nanos)},
        {"remaining", format_nanos(g.remaining_nanos())},
        {"amount_nanos", g.amount_nanos},
        {"remaining_nanos", g.remaining_nanos()},
        {"priority", g.kind == GrantKind::grant ? nlohmann::json(g.priority) : nlohmann::json()},
        {"expires_at",
         g.expires_at_ms ? nlohmann::json(format_time_ms(*g.expires_at_ms)) : nlohmann::json()},
        {"reference", g.reference.empty() ? nlohmann::json() : nlohmann::json(g.reference)},
        {"created_at", format_time_ms(g.created_at_ms)}};
}

nlohmann::json key_json(const KeyRecord& k) {
    return {{"id", k.id},
            {"object", "api_key"},
            {"account_id", k.account_id},
            {"name", k.name},
            {"prefix", k.prefix},
            {"created_at", format_time_ms(k.created_at_ms)},
            {"revoked_at", k.revoked_at_ms ? nlohmann::json(format_time_ms(*k.revoked_at_ms))
                                           : nlohmann::json()}};
}

nlohmann::json entry_json(const EntryRecord& e) {
    nlohmann::json flags = nlohmann::json::array();
    for (std::size_t start = 0; start < e.flags.size();) {
        auto comma = e.flags.find(',', start);
        if (comma == std::string::npos) comma = e.flags.size();
        flags.push_back(e.flags.substr(start, comma - start));
        start = comma + 1;
    }
    nlohmann::json raw_usage = nullptr;
    if (!e.raw_usage.empty()) raw_usage = nlohmann::json::parse(e.raw_usage, nullptr, false);
    if (raw_usage.is_discarded()) raw_usage = e.raw_usage;
    return {{"id", e.id},
            {"object", "ledger_entry"},
            {"account_id", e.account_id},
            {"type", e.type},
            {"request_id", e.request_id.empty() ? nlohmann::json() : nlohmann::json(e.request_id)},
            {"key_id", e.key_id ? nlohmann::json(*e.key_id) : nlohmann::json()},
            {"hold_id", e.hold_id ? nlohmann::json(*e.hold_id) : nlohmann::json()},
            {"model", e.model.empty() ? nlohmann::json() : nlohmann::json(e.model)},
            {"endpoint", e.endpoint.empty() ? nlohmann::json() : nlohmann::json(e.endpoint)},
            {"prompt_tokens", e.prompt_tokens},
            {"cached_tokens", e.cached_tokens},
            {"completion_tokens", e.completion_tokens},
            {"provider_cost", format_nanos(e.provider_cost_nanos)},
            {"markup", format_nanos(e.markup_nanos)},
            {"amount", format_nanos(e.amount_nanos)},
            {"balance_after", format_nanos(e.balance_after_nanos)},
            {"provider_cost_nanos", e.provider_cost_nanos},
            {"markup_nanos", e.markup_nanos},
            {"amount_nanos", e.amount_nanos},
            {"balance_after_nanos", e.balance_after_nanos},
            {"flags", std::move(flags)},
            {"reference", e.reference.empty() ? nlohmann::json() : nlohmann::json(e.reference)},
            {"actor", e.actor.empty() ? nlohmann::json() : nlohmann::json(e.actor)},
            {"usage", std::move(raw_usage)},
            {"price_version",
             e.price_version.empty() ? nlohmann::json() : nlohmann::json(e.price_version)},
            {"created_at", format_time_ms(e.created_at_ms)}};
}

}  // namespace creditgate
