#pragma once
// A stored provider key as lists show it (admin and the caller's own routes): the provider, the
// last 4 characters and when it was stored; never the key.
#include <nlohmann/json.hpp>
#include <vector>

#include "creditgate/auth/provider_key_vault.hpp"

namespace creditgate {

nlohmann::json provider_key_json(const ProviderKeyInfo& key);
// {"object":"list","data":[...]}
nlohmann::json provider_key_list_json(const std::vector<ProviderKeyInfo>& keys);

}  // namespace creditgate
