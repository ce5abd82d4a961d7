#pragma once
// Strict, path-aware reads of JSON documents (the config file, admin request bodies): every
// failure names the JSON path of the offending field, and an object's unknown fields are an
// error (with a suggestion), so a mistyped field is never silently ignored.
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace creditgate::validate {

using nlohmann::json;

// What every read below throws: the JSON path ("models[\"gpt-4o\"].input", empty for the whole
// document) and the reason, kept apart so each caller words its own error.
class FieldError : public std::runtime_error {
  public:
    FieldError(std::string json_path, std::string reason)
        : std::runtime_error(json_path.empty() ? reason : json_path + ": " + reason),
          json_path_(std::move(json_path)),
          reason_(std::move(reason)) {}
    const std::string& json_path() const { return json_path_; }
    const std::string& reason() const { return reason_; }

  private:
    std::string json_path_;
    std::string reason_;
};

// `parent.key`, or `key` at the top level.
std::string member_path(const std::string& parent, std::string_view key);
// `parent["key"]`: the form used for entries of a name-keyed map (providers, models).
std::string entry_path(const std::string& parent, std::string_view key);

// A short description of a JSON value's type for error messages ("a string", "an array").
std::string describe_type(const json& value);

// A value quoted for an error message: JSON-escaped and cut short, so a pasted secret or a huge
// string never fills a log line.
std::string quote_for_message(std::string_view text);

// The closest field name within edit distance 2, or empty.
std::string suggest_field(std::string_view unknown, std::initializer_list<std::string_view> fields);

// A JSON object whose field names are checked against a fixed list on construction.
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

}  // namespace creditgate::validate
