#include "creditgate/shapes/images_request.hpp"

#include <vector>

namespace creditgate {

namespace {

ApiError invalid(std::string message, std::string param) {
    return api_error(ErrorCode::invalid_request, std::move(message), std::move(param));
}

// A string field or null.
std::optional<ApiError> read_choice(const nlohmann::json& body, const char* field,
                                    std::string& out) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) return std::nullopt;
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
        return invalid(std::string("'") + field + "' must be a non-empty string.", field);
    }
    out = it->get<std::string>();
    return std::nullopt;
}

// Fields passed through untouched once their type is known to be what the API takes.
std::optional<ApiError> check_strings(const nlohmann::json& body) {
    for (const char* field : {"style", "background", "output_format", "moderation", "user"}) {
        auto it = body.find(field);
        if (it != body.end() && !it->is_null() && !it->is_string()) {
            return invalid(std::string("'") + field + "' must be a string.", field);
        }
    }
    if (auto it = body.find("response_format"); it != body.end() && !it->is_null()) {
        if (*it != "url" && *it != "b64_json") {
            return invalid("'response_format' must be \"url\" or \"b64_json\".", "response_format");
        }
    }
    return std::nullopt;
}

struct PriceKey {
    std::string_view size;
    std::string_view quality;
};

// Config keys are "SIZE/QUALITY", checked at load (one '/', neither side empty).
PriceKey split_key(std::string_view key) {
    const auto slash = key.find('/');
    return {key.substr(0, slash), key.substr(slash + 1)};
}

// Empty or "auto": the provider chooses, any listed value may be what it makes.
bool provider_chooses(std::string_view wanted) {
    return wanted.empty() || wanted == "auto";
}

bool matches(std::string_view wanted, std::string_view offered) {
    return provider_chooses(wanted) || wanted == offered;
}

std::string quoted_list(const std::vector<std::string_view>& values) {
    std::string text;
    for (const auto value : values) {
        if (!text.empty()) text += ", ";
        text += '"';
        text += value;
        text += '"';
    }
    return text;
}

void add_unique(std::vector<std::string_view>& values, std::string_view value) {
    for (const auto v : values) {
        if (v == value) return;
    }
    values.push_back(value);
}

}  // namespace

std::variant<ImagesRequest, ApiError> parse_images_request(std::string_view text) {
    ImagesRequest request;
    request.body = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    auto& body = request.body;
    if (body.is_discarded()) return invalid("The request body is not valid JSON.", "");
    if (!body.is_object()) return invalid("The request body must be a JSON object.", "");

    auto model = body.find("model");
    if (model == body.end()) return invalid("Missing required parameter: 'model'.", "model");
    if (!model->is_string() || model->get_ref<const std::string&>().empty()) {
        return invalid("'model' must be a non-empty string.", "model");
    }
    request.model = model->get<std::string>();

    auto prompt = body.find("prompt");
    if (prompt == body.end()) return invalid("Missing required parameter: 'prompt'.", "prompt");
    if (!prompt->is_string() || prompt->get_ref<const std::string&>().empty()) {
        return invalid("'prompt' must be a non-empty string.", "prompt");
    }
    request.prompt_bytes = static_cast<std::int64_t>(prompt->get_ref<const std::string&>().size());

    if (auto it = body.find("n"); it != body.end() && !it->is_null()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() < 1 ||
            it->get<std::int64_t>() > kMaxImagesPerRequest) {
            return invalid(
                "'n' must be an integer from 1 to " + std::to_string(kMaxImagesPerRequest) + ".",
                "n");
        }
        request.images = it->get<std::int64_t>();
    }
    if (auto error = read_choice(body, "size", request.size)) return *error;
    if (auto error = read_choice(body, "quality", request.quality)) return *error;
    if (auto error = check_strings(body)) return *error;
    if (auto it = body.find("stream"); it != body.end() && !it->is_null()) {
        if (!it->is_boolean()) return invalid("'stream' must be a boolean.", "stream");
        // Streamed partial images are billed by the provider apart: not metered here yet.
        if (it->get<bool>()) {
            return invalid(
                "Streamed image generation is not available through this gateway: "
                "remove 'stream'.",
                "stream");
        }
    }
    return request;
}

ImageChoice image_choice(const ImagesRequest& request, const ModelConfig& model) {
    return {
        request.size.empty() ? std::string_view(model.image_defaults.size) : request.size,
        request.quality.empty() ? std::string_view(model.image_defaults.quality) : request.quality};
}

std::variant<const ModelPrice*, ApiError> held_image_price(const ImagesRequest& request,
                                                           const ModelConfig& model) {
    if (model.image_prices.empty()) {
        return invalid("The model '" + model.name + "' does not generate images.", "model");
    }
    std::vector<std::string_view> sizes;
    std::vector<std::string_view> qualities;  // offered at the requested size
    const ModelPrice* dearest = nullptr;
    const auto wanted = image_choice(request, model);
    for (const auto& [key, price] : model.image_prices) {
        const auto [size, quality] = split_key(key);
        add_unique(sizes, size);
        if (!matches(wanted.size, size)) continue;
        add_unique(qualities, quality);
        if (!matches(wanted.quality, quality)) continue;
        if (dearest == nullptr || price.per_image_nanos > dearest->per_image_nanos) {
            dearest = &price;
        }
    }
    if (dearest != nullptr) return dearest;
    // The client's value is not echoed: the list says what would work.
    if (qualities.empty()) {
        return invalid("This size is not available for the model '" + model.name +
                           "'. Use one of: " + quoted_list(sizes) + " or \"auto\".",
                       "size");
    }
    return invalid("This quality is not available for the model '" + model.name +
                       "' at this size. Use one of: " + quoted_list(qualities) + " or \"auto\".",
                   "quality");
}

const ModelPrice* reported_image_price(const ImagesRequest& request, const ModelConfig& model,
                                       std::string_view reported_size,
                                       std::string_view reported_quality) {
    // A dimension the reply leaves out is the one the request named, if it named one.
    const auto wanted = image_choice(request, model);
    const std::string_view size = reported_size.empty() ? wanted.size : reported_size;
    const std::string_view quality = reported_quality.empty() ? wanted.quality : reported_quality;
    if (provider_chooses(size) || provider_chooses(quality)) return nullptr;
    if (!matches(wanted.size, size) || !matches(wanted.quality, quality)) return nullptr;
    std::string key;
    key.reserve(size.size() + 1 + quality.size());
    key.append(size).append("/").append(quality);
    const auto it = model.image_prices.find(key);
    return it == model.image_prices.end() ? nullptr : &it->second;
}

std::string upstream_body(ImagesRequest& request, const ModelConfig& model) {
    request.body["model"] = model.upstream_model;
    if (request.size.empty() && !model.image_defaults.size.empty()) {
        request.body["size"] = model.image_defaults.size;
    }
    if (request.quality.empty() && !model.image_defaults.quality.empty()) {
        request.body["quality"] = model.image_defaults.quality;
    }
    return request.body.dump();
}

}  // namespace creditgate
