#include "creditgate/validate/object_reader.hpp"

#include <algorithm>
#include <vector>

namespace creditgate::validate {

std::string quote_for_message(std::string_view text) {
    constexpr std::size_t kMaxShown = 40;
    std::string shown(text.substr(0, kMaxShown));
    std::string out = json(shown).dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > kMaxShown) out.insert(out.size() - 1, "...");
    return out;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string field_list(std::initializer_list<std::string_view> fields) {
    std::string out;
    for (std::string_view field : fields) {
        if (!out.empty()) out += ", ";
        out += field;
    }
    return out;
}

}  // namespace

std::string member_path(const std::string& parent, std::string_view key) {
    if (parent.empty()) return std::string(key);
    std::string out = parent;
    out += '.';
    out += key;
    return out;
}

std::string entry_path(const std::string& parent, std::string_view key) {
    return parent + "[" +
           json(std::string(key)).dump(-1, ' ', false, json::error_handler_t::replace) + "]";
}

std::string describe_type(const json& value) {
    switch (value.type()) {
        case json::value_t::null:
            return "null";
        case json::value_t::object:
            return "an object";
        case json::value_t::array:
            return "an array";
        case json::value_t::string:
            return "a string";
        case json::value_t::boolean:
            return "a boolean";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
            return "an integer";
        case json::value_t::number_float:
            return "a fractional number";
        default:
            return "an unsupported value";
    }
}

std::string suggest_field(std::string_view unknown,
                          std::initializer_list<std::string_view> fields) {
    std::string best;
    std::size_t best_distance = 3;  // suggest only close matches: distance 1 or 2
    for (std::string_view field : fields) {
        const std::size_t distance = edit_distance(unknown, field);
        if (distance < best_distance) {
            best_distance = distance;
            best = std::string(field);
        }
    }
    return best;
}

ObjectReader::ObjectReader(const json& object, std::string path,
                           std::initializer_list<std::string_view> fields)
    : object_(object), path_(std::move(path)) {
    require_object(object_, path_);
    for (const auto& item : object_.items()) {
        const std::string& key = item.key();
        if (std::find(fields.begin(), fields.end(), key) != fields.end()) continue;
        std::string message = "unknown field " + quote_for_message(key);
        if (const std::string suggestion = suggest_field(key, fields); !suggestion.empty()) {
            message += " (did you mean \"" + suggestion + "\"?)";
        }
        message += "; allowed fields: " + field_list(fields);
        throw FieldError(member_path(path_, key), message);
    }
}

const json* ObjectReader::optional(std::string_view key) const {
    const auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
}

const json& ObjectReader::required(std::string_view key) const {
    const json* value = optional(key);
    if (value == nullptr) throw FieldError(path_of(key), "missing required field");
    return *value;
}

void require_object(const json& value, const std::string& path) {
    if (!value.is_object()) {
        throw FieldError(path, "expected an object, got " + describe_type(value));
    }
}

std::string require_string(const json& value, const std::string& path) {
    if (!value.is_string())
        throw FieldError(path, "expected a string, got " + describe_type(value));
    std::string text = value.get<std::string>();
    // "\u0000" is valid JSON but truncates a path or a header value silently.
    if (text.find('\0') != std::string::npos) {
        throw FieldError(path, "must not contain a NUL character");
    }
    return text;
}

std::string require_non_empty_string(const json& value, const std::string& path) {
    std::string text = require_string(value, path);
    if (text.empty()) throw FieldError(path, "must not be empty");
    return text;
}

std::int64_t require_integer(const json& value, const std::string& path, std::int64_t min_value,
                             std::int64_t max_value) {
    const std::string expected = "expected an integer from " + std::to_string(min_value) + " to " +
                                 std::to_string(max_value);
    if (!value.is_number_integer()) {
        throw FieldError(path, expected + ", got " + describe_type(value));
    }
    if (value.is_number_unsigned()) {
        const auto number = value.get<std::uint64_t>();
        // Non-negative numbers parse as unsigned: both bounds still apply.
        if (number > static_cast<std::uint64_t>(max_value) ||
            static_cast<std::int64_t>(number) < min_value) {
            throw FieldError(path, expected + ", got " + std::to_string(number));
        }
        return static_cast<std::int64_t>(number);
    }
    const auto number = value.get<std::int64_t>();
    if (number < min_value || number > max_value) {
        throw FieldError(path, expected + ", got " + std::to_string(number));
    }
    return number;
}

}  // namespace creditgate::validate
