#pragma once
// Private to pricing: the byte arithmetic every prompt bound uses. Byte-level BPE never yields
// more tokens than the UTF-8 bytes it encodes, so bytes bound tokens.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

namespace creditgate::bounds_detail {

inline constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

// All counts are non-negative: saturate at INT64_MAX instead of wrapping. A saturated bound
// makes compute_quote report overflow, so the request is refused rather than under-held.
inline std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
    return (a > kInt64Max - b) ? kInt64Max : a + b;
}

inline std::int64_t to_count(std::size_t n) {
    return n > static_cast<std::size_t>(kInt64Max) ? kInt64Max : static_cast<std::int64_t>(n);
}

// Bytes of the compact serialization. Invalid UTF-8 (only possible in a json built in memory,
// the parser rejects it) becomes U+FFFD, 3 bytes for each bad byte: more, never less.
inline std::int64_t serialized_bytes(const nlohmann::json& value) {
    return to_count(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size());
}

// A field expected to be a string: its UTF-8 bytes; any other type: its serialized bytes.
inline std::int64_t text_bytes(const nlohmann::json& value) {
    if (value.is_string()) return to_count(value.get_ref<const std::string&>().size());
    return serialized_bytes(value);
}

}  // namespace creditgate::bounds_detail
