#pragma once
// Private: config text that reaches HTTP headers or log lines (tokens, names, upstream model
// names) must not hold control characters: a CR or LF there could split a header or a line.
#include <algorithm>
#include <string_view>

namespace creditgate::config_detail {

inline bool has_control_character(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

}  // namespace creditgate::config_detail
