#pragma once
// Private to the usage module: the one-pass validating scan of a chat completion chunk, so the
// common content chunk is inspected without a JSON parse (see inspect_chat_chunk).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace creditgate::usage_detail {

inline constexpr std::string_view kBom = "\xEF\xBB\xBF";

inline bool is_json_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Where one counted string's text sits in the data, between its quotes (escapes not decoded).
struct CountedString {
    std::size_t begin = 0;
    std::size_t end = 0;
    bool has_escape = false;
};

// A content chunk holds one or two counted strings; a chunk with more keeps only its bytes.
inline constexpr std::size_t kMaxCountedStrings = 4;

struct ChunkScan {
    bool ok = false;                // one JSON object, well formed, nested at most 128 deep
    std::int64_t output_bytes = 0;  // decoded bytes of the counted strings (see the .cpp)
    std::array<CountedString, kMaxCountedStrings> counted{};  // the first of them, in order
    std::size_t counted_strings = 0;                          // how many there were in all
    bool usage_is_object = false;  // the last top-level "usage" holds an object (not null)
    std::size_t usage_begin = 0;   // its bytes, when it does
    std::size_t usage_end = 0;
};

ChunkScan scan_chat_chunk(std::string_view data);

}  // namespace creditgate::usage_detail
