#pragma once
// Private helpers for the config parser: strict, path-aware reads of nlohmann::json values.
// Every failure throws ConfigError naming the JSON path of the offending field.
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace creditgate::config_detail {

using nlohmann::json;

// `parent.key`, or `key` at the top level.
std::string member_path(const std::string& parent, std::string_view key);
// `parent["key"]`: the form used for entries of a name-keyed map (providers, models).
std::string entry_path(const std::string& parent, std::string_view key);

// A short description of a JSON value's type for error messages ("a string", "an array").
std::string describe_type(const json& value);

// A JSON object whose field names are checked against a fixed list on construction, so a
// mistyped field is reported (with a suggestion) instead of being silently ignored.
class ObjectReader {
  public:
    ObjectReader(const json& object, std::string path,
                 std::initializer_list<std::string_view> fields);

    const json* optional(std::string_view key) const;  // nullptr when absent
    const json& required(std::string_view key) const;  // throws "missing required field"
    std::string path_of(std::string_view key) const { return member_path(path_, key); }
    const std::string& path() const { return path_; }

  private:
    const json& object_;
    std::string path_;
};

// Throws unless value is an object; path is used for the message.
void require_object(const json& value, const std::string& path);

std::string require_string(const json& value, const std::string& path);
std::string require_non_empty_string(const json& value, const std::string& path);

// An integer in [min_value, max_value]. Floats ("1.0", "1e3") and booleans are rejected.
std::int64_t require_integer(const json& value, const std::string& path, std::int64_t min_value,
                             std::int64_t max_value);

// A non-negative exact decimal string ("2.50") converted to nano-units.
std::int64_t require_decimal_nanos(const json& value, const std::string& path,
                                   std::string_view example);

// Name of an environment variable: [A-Za-z_][A-Za-z0-9_]*.
std::string require_env_name(const json& value, const std::string& path);

// The closest field name within edit distance 2, or empty.
std::string suggest_field(std::string_view unknown, std::initializer_list<std::string_view> fields);

}  // namespace creditgate::config_detail
