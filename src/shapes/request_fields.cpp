#include "creditgate/shapes/request_fields.hpp"

#include <algorithm>

namespace creditgate {

namespace {

bool is_token_array(const nlohmann::json& value) {
    return value.is_array() && !value.empty() &&
           std::all_of(value.begin(), value.end(), [](const nlohmann::json& token) {
               return token.is_number_integer() && token.get<std::int64_t>() >= 0;
           });
}

}  // namespace

ApiError invalid_field(std::string message, std::string param) {
    return api_error(ErrorCode::invalid_request, std::move(message), std::move(param));
}

std::variant<nlohmann::json, ApiError> parse_json_object(std::string_view text) {
    auto body = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) return invalid_field("The request body is not valid JSON.", "");
    if (!body.is_object()) return invalid_field("The request body must be a JSON object.", "");
    return body;
}

std::optional<ApiError> read_model(const nlohmann::json& body, std::string& out) {
    auto model = body.find("model");
    if (model == body.end()) return invalid_field("Missing required parameter: 'model'.", "model");
    if (!model->is_string() || model->get_ref<const std::string&>().empty()) {
        return invalid_field("'model' must be a non-empty string.", "model");
    }
    out = model->get<std::string>();
    return std::nullopt;
}

std::optional<ApiError> read_bool(const nlohmann::json& body, const char* field, bool& out) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_boolean())
        return invalid_field(std::string("'") + field + "' must be a boolean.", field);
    out = it->get<bool>();
    return std::nullopt;
}

std::optional<ApiError> read_positive(const nlohmann::json& body, const char* field,
                                      std::optional<std::int64_t>& out) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1) {
        return invalid_field(std::string("'") + field + "' must be a positive integer.", field);
    }
    out = it->get<std::int64_t>();
    return std::nullopt;
}

std::optional<ApiError> read_count(const nlohmann::json& body, const char* field, std::int64_t max,
                                   std::int64_t& out) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > max) {
        return invalid_field(std::string("'") + field + "' must be an integer from 1 to " +
                                 std::to_string(max) + ".",
                             field);
    }
    out = it->get<std::int64_t>();
    return std::nullopt;
}

std::optional<ApiError> read_stream(const nlohmann::json& body, bool& stream,
                                    bool& client_wants_usage) {
    if (auto error = read_bool(body, "stream", stream)) return error;
    auto it = body.find("stream_options");
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_object())
        return invalid_field("'stream_options' must be an object.", "stream_options");
    auto usage = it->find("include_usage");
    if (usage == it->end() || usage->is_null()) return std::nullopt;
    if (!usage->is_boolean()) {
        return invalid_field("'stream_options.include_usage' must be a boolean.",
                             "stream_options.include_usage");
    }
    client_wants_usage = usage->get<bool>();
    return std::nullopt;
}

std::optional<ApiError> read_service_tier(const nlohmann::json& body, std::string& out) {
    auto it = body.find("service_tier");
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_string()) return invalid_field("'service_tier' must be a string.", "service_tier");
    out = it->get<std::string>();
    return std::nullopt;
}

std::variant<const ModelPrice*, ApiError> price_for_tier(const ModelConfig& model,
                                                         const std::string& service_tier) {
    if (const ModelPrice* price = price_for(model, service_tier)) return price;
    std::string offered = "\"auto\", \"default\"";
    for (const auto& [tier, price] : model.service_tier_prices) offered += ", \"" + tier + "\"";
    // The tier is not echoed: it is the client's text, and the list says what would work.
    return invalid_field("This service_tier is not available for the model '" + model.name +
                             "'. Use one of: " + offered + ".",
                         "service_tier");
}

std::optional<ApiError> check_text_or_tokens(const nlohmann::json& body, const char* field) {
    const std::string name(field);
    auto it = body.find(field);
    if (it == body.end() || it->is_null())
        return invalid_field("Missing required parameter: '" + name + "'.", name);
    const auto& value = *it;
    if (value.is_string() || is_token_array(value)) return std::nullopt;
    const std::string expected = "'" + name +
                                 "' must be a string, an array of strings, an array of token ids "
                                 "or an array of arrays of token ids.";
    if (!value.is_array() || value.empty()) return invalid_field(expected, name);
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (!value[i].is_string() && !is_token_array(value[i])) {
            return invalid_field(expected, name + "[" + std::to_string(i) + "]");
        }
    }
    return std::nullopt;
}

}  // namespace creditgate
