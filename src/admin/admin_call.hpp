#pragma once
// Internal to the admin API: one request in progress, and the body and query helpers that
// every admin handler shares.
#include <boost/asio/post.hpp>
#include <functional>
#include <initializer_list>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "creditgate/admin/admin_api.hpp"
#include "creditgate/errors/result_errors.hpp"
#include "creditgate/http/api_error.hpp"
#include "creditgate/observe/access_log.hpp"

namespace creditgate {

namespace admin_detail {

constexpr std::size_t kMaxNameLength = 200;
constexpr std::size_t kMaxReferenceLength = 500;
constexpr std::size_t kMaxIdempotencyKeyLength = 255;

std::optional<std::int64_t> parse_id(std::string_view text);
ApiError invalid(std::string message, std::string param = {});

// Parses a JSON object body whose fields are all in `allowed`; an unknown field is an error (with
// its JSON path as `param` and a suggestion) so a mistyped field is never silently dropped.
std::variant<nlohmann::json, ApiError> object_body(const std::string& text,
                                                   std::initializer_list<std::string_view> allowed);
std::variant<std::string, ApiError> string_field(const nlohmann::json& body, const char* name,
                                                 bool required, std::size_t max_length);

// One page of a newest-first list that was read with one row more than `limit`: whether there
// is more is known, not guessed from a full page. `next_name` carries the cursor for the next.
template <typename Row, typename Render>
nlohmann::json page_json(std::vector<Row> rows, int limit, const char* next_name, Render render) {
    const bool has_more = static_cast<int>(rows.size()) > limit;
    if (has_more) rows.resize(static_cast<std::size_t>(limit));
    nlohmann::json data = nlohmann::json::array();
    for (const auto& row : rows) data.push_back(render(row));
    nlohmann::json reply = {{"object", "list"}, {"data", std::move(data)}, {"has_more", has_more}};
    if (has_more) reply[next_name] = rows.back().id;
    return reply;
}

}  // namespace admin_detail

struct AdminApi::Call {
    std::shared_ptr<HttpSession> session;
    Request request;
    AccessRecord record;
    std::string actor;  // the admin token's name

    // Ledger callbacks run on the writer thread: hop back to the session's thread to reply.
    template <typename T>
    Callback<T> on_session(std::function<void(T&)> fn) {
        return [keep = session, fn = std::move(fn)](T value) mutable {
            net::post(keep->executor(),
                      [fn = std::move(fn), value = std::move(value)]() mutable { fn(value); });
        };
    }
    void reply(http::status status, const nlohmann::json& body);
    void reply(Response&& response);
    void fail(const ApiError& error);
};

}  // namespace creditgate
