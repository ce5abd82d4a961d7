#pragma once
// One router for both listeners. A route is a method and a path pattern; a path that matches
// some pattern but not under the request's method is a 405 whose Allow header lists exactly the
// methods registered for it. Paths match segment by segment, exactly (no trailing slash, no
// empty segments); `{id}` matches a positive decimal integer, `{name}` any one segment (not
// captured: the handler reads it from the path, e.g. a request id).
#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "creditgate/http/api_error.hpp"

namespace creditgate {

// The integers a pattern's `{id}` segments matched, in order.
using RouteIds = std::vector<std::int64_t>;

class RouteTable {
  public:
    struct Match {
        std::optional<std::size_t> route;  // registration index when a route matched
        RouteIds ids;
        std::string allow;  // "GET, POST" when the path exists under other methods only
    };

    void add(boost::beast::http::verb method, std::string_view pattern);
    Match match(boost::beast::http::verb method, std::string_view path) const;

  private:
    struct Route {
        boost::beast::http::verb method;
        std::vector<std::string> segments;  // "{id}" or a literal
    };
    std::vector<Route> routes_;
};

// The 404 or 405 (with `allow`) a request gets when no route takes it.
ApiError unrouted_error(const RouteTable::Match& match, std::string_view path);

// A RouteTable whose routes carry handlers taking (ids, Args...).
template <typename... Args>
class Router {
  public:
    using Handler = std::function<void(const RouteIds&, Args...)>;

    Router& add(boost::beast::http::verb method, std::string_view pattern, Handler handler) {
        table_.add(method, pattern);
        handlers_.push_back(std::move(handler));
        return *this;
    }

    // Calls the matching handler and returns nullopt, or returns the 404/405 to answer.
    std::optional<ApiError> dispatch(boost::beast::http::verb method, std::string_view path,
                                     Args... args) const {
        auto match = table_.match(method, path);
        if (!match.route) return unrouted_error(match, path);
        handlers_[*match.route](match.ids, std::forward<Args>(args)...);
        return std::nullopt;
    }

  private:
    RouteTable table_;
    std::vector<Handler> handlers_;
};

}  // namespace creditgate
