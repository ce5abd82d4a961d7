#include "admin_call.hpp"

#include <charconv>

#include "creditgate/http/routing.hpp"
#include "creditgate/validate/object_reader.hpp"

namespace creditgate {

namespace admin_detail {

std::optional<std::int64_t> parse_id(std::string_view text) {
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
    return value;
}

ApiError invalid(std::string message, std::string param) {
    return api_error(ErrorCode::invalid_request, std::move(message), std::move(param));
}

std::variant<nlohmann::json, ApiError> object_body(
    const std::string& text, std::initializer_list<std::string_view> allowed) {
    auto body = nlohmann::json::parse(text.empty() ? std::string("{}") : text, nullptr, false);
    if (body.is_discarded()) return invalid("The request body is not valid JSON.");
    if (!body.is_object()) return invalid("The request body must be a JSON object.");
    try {
        [[maybe_unused]] const validate::ObjectReader fields(body, "", allowed);
    } catch (const validate::FieldError& e) {
        return invalid(e.reason(), e.json_path());
    }
    return body;
}

std::variant<std::string, ApiError> string_field(const nlohmann::json& body, const char* name,
                                                 bool required, std::size_t max_length) {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) {
        if (required) return invalid(std::string("Missing required field '") + name + "'.", name);
        return std::string();
    }
    if (!it->is_string()) return invalid(std::string("'") + name + "' must be a string.", name);
    auto value = it->get<std::string>();
    if (value.size() > max_length) {
        return invalid(std::string("'") + name + "' is longer than " + std::to_string(max_length) +
                           " characters.",
                       name);
    }
    return value;
}

}  // namespace admin_detail

void AdminApi::Call::reply(http::status status, const nlohmann::json& body) {
    record.status = static_cast<int>(status);
    log_access(record);
    session->reply(json_reply(status, body.dump(), record.request_id));
}

void AdminApi::Call::reply(Response&& response) {
    record.status = response.result_int();
    log_access(record);
    session->reply(std::move(response));
}

void AdminApi::Call::fail(const ApiError& error) {
    record.status = static_cast<int>(error.status);
    record.error_code = code_name(error.code);
    log_access(record);
    session->reply_error(error, record.request_id);
}

}  // namespace creditgate
