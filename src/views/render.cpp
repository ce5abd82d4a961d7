#include "creditgate/views/render.hpp"

#include <algorithm>

#include "creditgate/pricing/decimal.hpp"
#include "creditgate/store/store.hpp"
#include "creditgate/validate/time_text.hpp"

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

namespace {

void add_flag_words(nlohmann::json& flags, const std::string& text) {
    for (std::size_t start = 0; start < text.size();) {
        auto comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        auto word = text.substr(start, comma - start);
        if (std::find(flags.begin(), flags.end(), word) == flags.end()) flags.push_back(word);
        start = comma + 1;
    }
}

}  // namespace

nlohmann::json request_charge_json(const std::vector<EntryRecord>& entries) {
    const EntryRecord& first = entries.front();
    const EntryRecord& usage = entries.back();
    std::int64_t provider_nanos = 0, markup_nanos = 0, amount_nanos = 0;
    nlohmann::json flags = nlohmann::json::array();
    for (const auto& e : entries) {
        // Entries of one request are a charge and at most a late charge: far from overflowing.
        provider_nanos += e.provider_cost_nanos;
        markup_nanos += e.markup_nanos;
        amount_nanos += e.amount_nanos;
        add_flag_words(flags, e.flags);
    }
    return {{"object", "request_charge"},
            {"request_id", first.request_id},
            {"model", first.model},
            {"endpoint", first.endpoint},
            {"key_id", first.key_id ? nlohmann::json(*first.key_id) : nlohmann::json()},
            {"created_at", format_time_ms(first.created_at_ms)},
            {"tokens",
             {{"prompt_tokens", usage.prompt_tokens},
              {"cached_tokens", usage.cached_tokens},
              {"cache_write_tokens", usage.cache_write_tokens},
              {"completion_tokens", usage.completion_tokens},
              {"reasoning_tokens", usage.reasoning_tokens},
              {"images", usage.images}}},
            {"provider_cost", format_nanos(provider_nanos)},
            {"markup", format_nanos(markup_nanos)},
            {"total", format_nanos(-amount_nanos)},
            {"provider_cost_nanos", provider_nanos},
            {"markup_nanos", markup_nanos},
            {"total_nanos", -amount_nanos},
            {"flags", std::move(flags)},
            {"price_version",
             usage.price_version.empty() ? nlohmann::json() : nlohmann::json(usage.price_version)},
            {"entry_ids", [&] {
                 nlohmann::json ids = nlohmann::json::array();
                 for (const auto& e : entries) ids.push_back(e.id);
                 return ids;
             }()}};
}

nlohmann::json entry_json(const EntryRecord& e) {
    nlohmann::json flags = nlohmann::json::array();
    add_flag_words(flags, e.flags);
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
            {"cache_write_tokens", e.cache_write_tokens},
            {"reasoning_tokens", e.reasoning_tokens},
            {"images", e.images},
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
