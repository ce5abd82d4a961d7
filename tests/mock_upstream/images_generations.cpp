#include "images_generations.hpp"

#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "openai_bodies.hpp"

namespace creditgate::mock {

namespace {

using json = nlohmann::json;

constexpr std::string_view kErrorPrefix = "mock-error-";
constexpr std::uint64_t kDefaultImageBytes = 64;
constexpr std::uint64_t kMaxImageBytes = 16 * 1024 * 1024;
// What gpt-image-1 reports for one 1024x1024 image of medium quality.
constexpr std::uint64_t kOutputTokensPerImage = 1056;
constexpr std::uint64_t kInputTokens = 10;

struct ImagesRequest {
    std::string model;
    std::int64_t n = 1;
    std::string response_format = "url";
    std::string size;
    std::string quality;
};

std::optional<std::string> parse(std::string_view text, ImagesRequest& out) {
    const json body = json::parse(text, nullptr, false);
    if (!body.is_object() || !body.contains("model") || !body["model"].is_string()) {
        return "you must provide a model parameter";
    }
    out.model = body["model"].get<std::string>();
    if (body.contains("n") && body["n"].is_number_integer()) out.n = body["n"].get<std::int64_t>();
    if (out.n < 1 || out.n > 10) return "n must be from 1 to 10";
    for (auto [field, target] :
         {std::pair{"response_format", &out.response_format}, std::pair{"size", &out.size},
          std::pair{"quality", &out.quality}}) {
        if (body.contains(field) && body[field].is_string())
            *target = body[field].get<std::string>();
    }
    return std::nullopt;
}

// x-mock-image-bytes: the size of each image's base64 text (a real one is megabytes).
std::optional<std::uint64_t> image_bytes(const Request& request) {
    const auto it = request.find("x-mock-image-bytes");
    if (it == request.end()) return kDefaultImageBytes;
    const std::string_view text = it->value();
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size() || value > kMaxImageBytes) {
        return std::nullopt;
    }
    return value;
}

std::int64_t now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string images_body(const ImagesRequest& request, std::int64_t count, std::uint64_t bytes,
                        bool gpt_image) {
    json data = json::array();
    for (std::int64_t i = 0; i < count; ++i) {
        if (gpt_image || request.response_format == "b64_json") {
            data.push_back({{"b64_json", std::string(bytes, 'A')}});
        } else {
            data.push_back({{"url", "https://images.mock.invalid/" + std::to_string(i) + ".png"},
                            {"revised_prompt", "A mock image."}});
        }
    }
    json body{{"created", now_s()}, {"data", std::move(data)}};
    if (gpt_image) {
        // gpt-image-1 says what it chose for "auto", and reports tokens.
        body["size"] = request.size.empty() || request.size == "auto" ? "1024x1024" : request.size;
        body["quality"] =
            request.quality.empty() || request.quality == "auto" ? "medium" : request.quality;
        body["background"] = "opaque";
        body["output_format"] = "png";
        const std::uint64_t output = kOutputTokensPerImage * static_cast<std::uint64_t>(count);
        body["usage"] = {
            {"input_tokens", kInputTokens},
            {"input_tokens_details", {{"text_tokens", kInputTokens}, {"image_tokens", 0}}},
            {"output_tokens", output},
            {"total_tokens", kInputTokens + output}};
    }
    return body.dump();
}

}  // namespace

Reply images_generations_reply(const Request& request) {
    const bool keep_alive = request.keep_alive();
    ImagesRequest images;
    if (const auto error = parse(request.body(), images)) {
        return openai_error_reply(400, *error, "invalid_request_error", std::nullopt, std::nullopt,
                                  keep_alive);
    }
    const auto bytes = image_bytes(request);
    if (!bytes) {
        return openai_error_reply(400, "x-mock-image-bytes: expected an integer from 0 to 16777216",
                                  "invalid_request_error", std::nullopt, std::nullopt, keep_alive);
    }
    if (images.model.starts_with(kErrorPrefix)) {
        const std::string status = images.model.substr(kErrorPrefix.size());
        unsigned code = 0;
        std::from_chars(status.data(), status.data() + status.size(), code);
        if (code < 400 || code > 599) code = 500;
        return openai_error_reply(code, "mock error " + std::to_string(code), "mock_error",
                                  std::nullopt, "mock_" + std::to_string(code), keep_alive);
    }
    const bool gpt_image = images.model == "mock-gpt-image";
    // A provider that returns more images than asked for.
    const std::int64_t count = images.model == "mock-image-extra" ? images.n + 1 : images.n;
    return json_reply(200, images_body(images, count, *bytes, gpt_image), keep_alive);
}

}  // namespace creditgate::mock
