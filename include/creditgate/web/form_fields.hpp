#pragma once
// The fields of an application/x-www-form-urlencoded text (a POST body or a query string),
// decoded ("+" is a space). Every occurrence is kept in order, so a field given twice is seen:
// the OAuth endpoints refuse duplicates.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace creditgate {

class FormFields {
  public:
    // nullopt when the text is not a valid encoded query (a bad percent escape).
    static std::optional<FormFields> parse(std::string_view encoded);
    // The query of a request target ("/path?a=1"); no query: no fields.
    static std::optional<FormFields> from_target(std::string_view target);

    // The first value of the field, if given.
    std::optional<std::string> get(std::string_view name) const;
    // The value, or "" when absent.
    std::string value_or_empty(std::string_view name) const;
    std::vector<std::string> all(std::string_view name) const;
    std::size_t count(std::string_view name) const;
    // The first field name given more than once, if any.
    std::optional<std::string> first_duplicate() const;

  private:
    std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace creditgate
