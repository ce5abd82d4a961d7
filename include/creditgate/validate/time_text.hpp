#pragma once
// Times as the APIs write and read them (admin reports, key expiry): RFC 3339 in UTC.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace creditgate {

// "2026-11-23T13:45:00.123Z".
std::string format_time_ms(std::int64_t epoch_ms);

// Accepts "2026-11-23" (midnight UTC) and RFC 3339 date-times with an optional fraction
// (digits past milliseconds are dropped) and "Z" or a "+hh:mm" offset. Returns epoch milliseconds,
// or nothing for anything else (including impossible dates such as February 30th).
std::optional<std::int64_t> parse_time_ms(std::string_view text);

}  // namespace creditgate
