#include "creditgate/admin/render.hpp"

#include <ctime>

#include "creditgate/pricing/decimal.hpp"

namespace creditgate {

std::string format_time_ms(std::int64_t epoch_ms) {
    std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[40];
    auto n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(epoch_ms % 1000));
    return text;
}

nlohmann::json account_json(const AccountBalance& a) {
    return {{"id", a.id},
            {"object", "account"},
            {"name", a.name},
            {"created_at", format_time_ms(a.created_at_ms)},
            {"balance", format_nanos(a.balance_nanos)},
            {"reserved", format_nanos(a.reserved_nanos)},
            {"available", format_nanos(a.available_nanos())},
            {"balance_nanos", a.balance_nanos},
            {"reserved_nanos", a.reserved_nanos},
            {"available_nanos", a.available_nanos()}};
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
            {"usage", std::move(raw_usage)},
            {"price_version",
             e.price_version.empty() ? nlohmann::json() : nlohmann::json(e.price_version)},
            {"created_at", format_time_ms(e.created_at_ms)}};
}

}  // namespace creditgate
