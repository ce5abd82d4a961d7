#include "creditgate/web/form_fields.hpp"

#include <boost/url/params_encoded_view.hpp>
#include <boost/url/parse_query.hpp>

#include <algorithm>
#include <set>

namespace creditgate {

std::optional<FormFields> FormFields::parse(std::string_view encoded) {
    auto parsed = boost::urls::parse_query(encoded);
    if (!parsed) return std::nullopt;
    boost::urls::encoding_opts options;
    options.space_as_plus = true;  // HTML forms encode a space as "+"
    FormFields form;
    if (encoded.empty()) return form;
    // Each piece decoded on its own: Boost 1.81's params_view with options is declared but not
    // built into its library.
    for (auto param : *parsed) {
        form.fields_.emplace_back(param.key.decode(options), param.value.decode(options));
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
