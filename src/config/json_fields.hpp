#pragma once
// Private helpers for the config parser: the config-specific reads on top of the shared,
// path-aware JSON reader (validate/object_reader.hpp). Its FieldError becomes a ConfigError at
// parse_config's edge.
#include <cstdint>
#include <string>
#include <string_view>

#include "creditgate/validate/object_reader.hpp"

namespace creditgate::config_detail {

using nlohmann::json;
using validate::describe_type;
using validate::entry_path;
using validate::member_path;
using validate::ObjectReader;
using validate::quote_for_message;
using validate::require_integer;
using validate::require_non_empty_string;
using validate::require_object;
using validate::require_string;

// A non-negative exact decimal string ("2.50") converted to nano-units.
std::int64_t require_decimal_nanos(const json& value, const std::string& path,
                                   std::string_view example);

// Name of an environment variable: [A-Za-z_][A-Za-z0-9_]*.
std::string require_env_name(const json& value, const std::string& path);

}  // namespace creditgate::config_detail
