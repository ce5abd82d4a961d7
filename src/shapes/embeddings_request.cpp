#include "creditgate/shapes/embeddings_request.hpp"

#include <cstdint>
#include <optional>

#include "creditgate/shapes/request_fields.hpp"

namespace creditgate {

std::variant<EmbeddingsRequest, ApiError> parse_embeddings_request(std::string_view text) {
    EmbeddingsRequest request;
    auto parsed = parse_json_object(text);
    if (auto* error = std::get_if<ApiError>(&parsed)) return std::move(*error);
    request.body = std::move(std::get<nlohmann::json>(parsed));
    const auto& body = request.body;
    if (auto error = read_model(body, request.model)) return *error;
    if (auto error = check_text_or_tokens(body, "input")) return *error;
    if (auto it = body.find("encoding_format"); it != body.end() && !it->is_null()) {
        if (*it != "float" && *it != "base64") {
            return invalid_field("'encoding_format' must be \"float\" or \"base64\".",
                                 "encoding_format");
        }
    }
    std::optional<std::int64_t> dimensions;
    if (auto error = read_positive(body, "dimensions", dimensions)) return *error;
    if (auto it = body.find("stream"); it != body.end() && !it->is_null() && *it != false) {
        return invalid_field("Embeddings are not streamed: remove 'stream'.", "stream");
    }
    if (auto error = read_service_tier(body, request.service_tier)) return *error;
    return request;
}

}  // namespace creditgate
