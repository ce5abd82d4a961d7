#include "creditgate/views/accept_csv.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <charconv>
#include <ranges>

namespace creditgate {

namespace {

std::string_view trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// The q parameter of one media range's parameters (";q=0.5;level=1"), 1 when absent.
double weight(std::string_view parameters) {
    double q = 1;
    for (const auto& [name, value] : boost::beast::http::param_list(parameters)) {
        if (!boost::beast::iequals(name, "q")) continue;
        if (std::from_chars(value.data(), value.data() + value.size(), q).ec != std::errc()) {
            q = 0;  // an unreadable weight does not ask for anything
        }
    }
    return q;
}

}  // namespace

bool wants_csv(std::string_view accept) {
    double csv_q = 0, json_q = 0;
    bool csv_first = false, seen_any = false;
    // Media types hold a '/', which is not a token character: Beast's ext_list stops at it, so
    // the ranges are split on commas here and only their parameters go to param_list.
    for (const auto range : std::views::split(accept, ',')) {
        const std::string_view text(range.begin(), range.end());
        const auto semi = text.find(';');
        const auto type = trim(text.substr(0, semi));
        const double q = semi == std::string_view::npos ? 1 : weight(text.substr(semi));
        if (boost::beast::iequals(type, "text/csv")) {
            csv_q = std::max(csv_q, q);
            if (!seen_any) csv_first = true;
            seen_any = true;
        } else if (boost::beast::iequals(type, "application/json")) {
            json_q = std::max(json_q, q);
            seen_any = true;
        }
    }
    return csv_q > 0 && (csv_q > json_q || (csv_q == json_q && csv_first));
}

}  // namespace creditgate
