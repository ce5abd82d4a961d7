#include "json_fields.hpp"

#include <algorithm>

#include "creditgate/config/config.hpp"
#include "creditgate/pricing/decimal.hpp"

namespace creditgate::config_detail {

std::int64_t require_decimal_nanos(const json& value, const std::string& path,
                                   std::string_view example) {
    const std::string expected = "expected a decimal string like \"" + std::string(example) + "\"";
    if (value.is_number()) {
        // A JSON number may already have been rounded by a binary float: money is text.
        throw ConfigError(path, expected + " (a JSON string, not a number)");
    }
    if (!value.is_string()) throw ConfigError(path, expected + ", got " + describe_type(value));
    const std::string text = value.get<std::string>();
    if (!text.empty() && text.front() == '-') {
        throw ConfigError(path, "must not be negative, got " + quote_for_message(text));
    }
    const std::optional<std::int64_t> nanos = parse_decimal_nanos(text);
    if (!nanos) {
        throw ConfigError(path, expected +
                                    " (digits with an optional '.', at most 9 decimal places, no "
                                    "sign or exponent), got " +
                                    quote_for_message(text));
    }
    return *nanos;
}

std::string require_env_name(const json& value, const std::string& path) {
    std::string name = require_non_empty_string(value, path);
    const auto is_word = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
               (c >= '0' && c <= '9');
    };
    const bool valid = (name.front() < '0' || name.front() > '9') &&
                       std::all_of(name.begin(), name.end(), is_word);
    if (!valid) {
        throw ConfigError(path,
                          "expected the name of an environment variable (letters, digits, "
                          "'_'), got " +
                              quote_for_message(name));
    }
    return name;
}

}  // namespace creditgate::config_detail
