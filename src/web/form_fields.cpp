#include "creditgate/web/form_fields.hpp"

#include <boost/url/pct_string_view.hpp>

#include <algorithm>
#include <set>

namespace creditgate {

std::optional<FormFields> FormFields::parse(std::string_view encoded) {
    boost::urls::encoding_opts options;
    options.space_as_plus = true;  // HTML forms encode a space as "+"
    FormFields form;
    // Split here, each piece checked and decoded by Boost.URL: Boost 1.81's parse_query gives
    // an empty last value ("...&scope=") the bytes that follow the text in memory.
    for (std::size_t start = 0; start < encoded.size();) {
        auto end = std::min(encoded.find('&', start), encoded.size());
        const auto piece = encoded.substr(start, end - start);
        start = end + 1;
        if (piece.empty()) continue;
        const auto equals = piece.find('=');
        auto key = boost::urls::make_pct_string_view(piece.substr(0, equals));
        auto value = boost::urls::make_pct_string_view(
            equals == std::string_view::npos ? std::string_view() : piece.substr(equals + 1));
        if (!key || !value) return std::nullopt;
        form.fields_.emplace_back(key->decode(options), value->decode(options));
    }
    return form;
}

std::optional<FormFields> FormFields::from_target(std::string_view target) {
    auto mark = target.find('?');
    if (mark == std::string_view::npos) return FormFields{};
    return parse(target.substr(mark + 1));
}

std::optional<std::string> FormFields::get(std::string_view name) const {
    for (const auto& [key, value] : fields_) {
        if (key == name) return value;
    }
    return std::nullopt;
}

std::string FormFields::value_or_empty(std::string_view name) const {
    return get(name).value_or(std::string());
}

std::vector<std::string> FormFields::all(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto& [key, value] : fields_) {
        if (key == name) out.push_back(value);
    }
    return out;
}

std::size_t FormFields::count(std::string_view name) const {
    return static_cast<std::size_t>(std::count_if(
        fields_.begin(), fields_.end(), [name](const auto& field) { return field.first == name; }));
}

std::optional<std::string> FormFields::first_duplicate() const {
    std::set<std::string_view> seen;
    for (const auto& field : fields_) {
        if (!seen.insert(field.first).second) return field.first;
    }
    return std::nullopt;
}

}  // namespace creditgate
