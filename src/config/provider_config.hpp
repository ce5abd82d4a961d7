#pragma once
// Private: validation of one providers["name"] entry.
#include <nlohmann/json.hpp>
#include <string>

#include "creditgate/config/config.hpp"

namespace creditgate::config_detail {

ProviderConfig parse_provider(const std::string& name, const nlohmann::json& value,
                              const std::string& json_path, const EnvLookup& env);

}  // namespace creditgate::config_detail
