#include "creditgate/views/provider_key_view.hpp"

#include "creditgate/validate/time_text.hpp"

namespace creditgate {

nlohmann::json provider_key_json(const ProviderKeyInfo& key) {
    return {{"object", "provider_key"},
            {"provider", key.provider},
            {"last4", key.last4},
            {"created_at", format_time_ms(key.created_at_ms)},
            {"master_key_id", key.master_key_id}};
}

nlohmann::json provider_key_list_json(const std::vector<ProviderKeyInfo>& keys) {
    nlohmann::json data = nlohmann::json::array();
    for (const auto& key : keys) data.push_back(provider_key_json(key));
    return {{"object", "list"}, {"data", std::move(data)}};
}

}  // namespace creditgate
