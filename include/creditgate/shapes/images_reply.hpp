#pragma once
// What a non-streamed images reply says for the bill, read in one pass without building the
// document: replies carry megabytes of base64 that the proxy relays untouched and never needs.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace creditgate {

struct ImagesReplyView {
    bool valid_json = false;
    std::int64_t images = 0;  // entries of the top-level "data" array
    // gpt-image-1 echoes what it chose for "auto"; empty when absent.
    std::string size;
    std::string quality;
    // The top-level "usage" counts, when present as non-negative integers.
    std::optional<std::int64_t> input_tokens;
    std::optional<std::int64_t> output_tokens;
    std::optional<std::int64_t> total_tokens;
};

// Never throws; a body that is not one JSON object gives valid_json = false and 0 images.
ImagesReplyView inspect_images_reply(std::string_view body);

}  // namespace creditgate
