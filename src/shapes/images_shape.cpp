#include "creditgate/shapes/images_shape.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "creditgate/shapes/images_reply.hpp"

namespace creditgate {

std::optional<ApiError> ImagesShape::parse(std::string_view body) {
    auto parsed = parse_images_request(body);
    if (auto* error = std::get_if<ApiError>(&parsed)) return std::move(*error);
    request_ = std::move(std::get<ImagesRequest>(parsed));
    return std::nullopt;
}

// The prompt's tokens (bytes bound them) at the dearest prompt class, and "n" images at the held
// per-image price; the images' own output tokens are inside the per-image price.
RequestBounds ImagesShape::bounds(const ModelConfig&) const {
    return {request_.prompt_bytes + kImagePromptTokensAllowance, 0, request_.images};
}

const ModelPrice& ImagesShape::charged_price(const ModelConfig& model,
                                             const ModelPrice& held) const {
    const ModelPrice* reported =
        reported_image_price(request_, model, reported_size_, reported_quality_);
    // Held at the dearest matching price: what the reply reports can only lower it.
    if (reported == nullptr || reported->per_image_nanos > held.per_image_nanos) return held;
    return *reported;
}

std::string ImagesShape::upstream_body(const ModelConfig& model) {
    input_priced_ =
        model.price.input_nanos_per_mtok > 0 || model.price.cached_input_nanos_per_mtok > 0;
    return creditgate::upstream_body(request_, model);
}

// One rule for every image reply: the images delivered (at most "n": the provider bills what was
// asked for, and the hold covers no more) at the per-image price, plus the prompt's input tokens
// at the input price. Output tokens are never charged: the per-image price is their price.
void ImagesShape::inspect_body(std::string_view body) {
    const auto view = inspect_images_reply(body);
    reported_size_ = view.size;
    reported_quality_ = view.quality;
    ReportedUsage usage;
    usage.images = std::min(view.images, request_.images);
    usage.completion_tokens = 0;
    // Unknown input tokens are never billed as zero when they cost something: without a count,
    // prompt_tokens stays empty and the charge rule bills the prompt's bound, flagged estimated.
    if (view.input_tokens) {
        usage.prompt_tokens = *view.input_tokens;
    } else if (!input_priced_) {
        usage.prompt_tokens = 0;
    }
    nlohmann::json raw{{"images", view.images}};
    if (!view.size.empty()) raw["size"] = view.size;
    if (!view.quality.empty()) raw["quality"] = view.quality;
    if (view.input_tokens) raw["input_tokens"] = *view.input_tokens;
    if (view.output_tokens) raw["output_tokens"] = *view.output_tokens;
    if (view.total_tokens) raw["total_tokens"] = *view.total_tokens;
    usage.raw = raw.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    usage_ = std::move(usage);
}

}  // namespace creditgate
