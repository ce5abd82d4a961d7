#pragma once
// A client's POST /v1/images/generations request, validated at the edge, and the price it is
// held and charged at (by size and quality, from the model's per_image prices).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "creditgate/config/config.hpp"
#include "creditgate/http/api_error.hpp"

namespace creditgate {

inline constexpr std::int64_t kMaxImagesPerRequest = 10;  // the API's own limit on "n"
// The prompt's bytes bound its tokens (byte-level BPE); this covers the model's own framing.
inline constexpr std::int64_t kImagePromptTokensAllowance = 16;

struct ImagesRequest {
    nlohmann::json body;
    std::string model;
    std::int64_t prompt_bytes = 0;
    std::int64_t images = 1;  // "n"
    // As the client sent them; empty when absent or null. "auto": the provider chooses.
    std::string size;
    std::string quality;
};

// Errors name the offending field in `param`. `stream: true` is refused (partial images are
// not metered yet); every other field the API knows passes through once its type is checked.
std::variant<ImagesRequest, ApiError> parse_images_request(std::string_view body);

// The size and quality a request is priced by: what it names, the model's image_defaults for
// what it omits; empty or "auto" when the provider chooses.
struct ImageChoice {
    std::string_view size;
    std::string_view quality;
};
ImageChoice image_choice(const ImagesRequest& request, const ModelConfig& model);

// The price a request is held at: of the per_image entries whose size and quality match its
// image_choice (empty or "auto" matches every value), the dearest; it is also the charge when the
// reply does not say which one applied. A model without per_image prices is a 400 naming
// `model`; a size or quality the entry does not list (alone or in this combination) a 400 naming
// `size` or `quality`: nothing is sold at a price creditgate does not know.
std::variant<const ModelPrice*, ApiError> held_image_price(const ImagesRequest& request,
                                                           const ModelConfig& model);

// The price of the size and quality the reply reports, when it is one the request could have
// produced (matches the request's choices); nullptr otherwise (then the held price stands).
const ModelPrice* reported_image_price(const ImagesRequest& request, const ModelConfig& model,
                                       std::string_view reported_size,
                                       std::string_view reported_quality);

// The body sent upstream: the client's, with the provider's model name, and the model's
// image_defaults written in for what the request omits, so the provider makes what is charged.
std::string upstream_body(ImagesRequest& request, const ModelConfig& model);

}  // namespace creditgate
