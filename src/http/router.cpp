#include "creditgate/http/router.hpp"

#include <algorithm>
#include <boost/url/parse_path.hpp>
#include <charconv>

namespace creditgate {

namespace {

constexpr std::string_view kIdSegment = "{id}";
constexpr std::string_view kNameSegment = "{name}";

std::optional<std::int64_t> parse_positive_id(std::string_view text) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
    return value;
}

// The path's segments as written (still percent-encoded); nullopt for a malformed path.
std::optional<std::vector<std::string_view>> split(std::string_view path) {
    auto segments = boost::urls::parse_path(path);
    if (!segments || !segments->is_absolute()) return std::nullopt;
    std::vector<std::string_view> out;
    for (auto segment : *segments) out.emplace_back(segment.data(), segment.size());
    return out;
}

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string_view>& path,
             RouteIds& ids) {
    if (pattern.size() != path.size()) return false;
    ids.clear();
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == kNameSegment) {
            if (path[i].empty()) return false;
            continue;
        }
        if (pattern[i] != kIdSegment) {
            if (pattern[i] != path[i]) return false;
            continue;
        }
        auto id = parse_positive_id(path[i]);
        if (!id) return false;
        ids.push_back(*id);
    }
    return true;
}

}  // namespace

void RouteTable::add(boost::beast::http::verb method, std::string_view pattern) {
    // Split by hand: "{id}" is not valid in a URL path, so Boost.URL would refuse the pattern.
    Route route{method, {}};
    while (pattern.starts_with('/')) {
        pattern.remove_prefix(1);
        auto end = std::min(pattern.find('/'), pattern.size());
        route.segments.emplace_back(pattern.substr(0, end));
        pattern.remove_prefix(end);
    }
    routes_.push_back(std::move(route));
}

RouteTable::Match RouteTable::match(boost::beast::http::verb method, std::string_view path) const {
    Match match;
    auto segments = split(path);
    if (!segments) return match;
    RouteIds ids;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        if (!matches(routes_[i].segments, *segments, ids)) continue;
        if (routes_[i].method == method) {
            match.route = i;
            match.ids = std::move(ids);
            return match;
        }
        if (!match.allow.empty()) match.allow += ", ";
        const auto name = boost::beast::http::to_string(routes_[i].method);
        match.allow.append(name.data(), name.size());
    }
    return match;
}

ApiError unrouted_error(const RouteTable::Match& match, std::string_view path) {
    if (match.allow.empty()) {
        return api_error(ErrorCode::not_found, "Unknown path: " + std::string(path));
    }
    auto error = api_error(ErrorCode::method_not_allowed, "Use " + match.allow + " on this path.");
    error.allow = match.allow;
    return error;
}

}  // namespace creditgate
