#pragma once
// Exact decimal <-> nano-unit conversion. Money never passes through floating point.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace creditgate {

inline constexpr std::int64_t kNanosPerCredit = 1'000'000'000;

// Parses a plain decimal string ("2.50", "0.000000001", "10") into units of 10^-9.
// Rejects: empty text, exponents, more than 9 fractional digits (not exact), whitespace,
// a leading '+', a sign unless allow_negative, and values that do not fit in int64.
// Grammar: ['-'] ('0' | [1-9][0-9]*) ['.' [0-9]{1,9}] -- so ".5", "1." and "01" are rejected.
std::optional<std::int64_t> parse_decimal_nanos(std::string_view text, bool allow_negative = false);

// Formats nano-units as the shortest exact decimal: 2500000000 -> "2.5", 0 -> "0", -1 ->
// "-0.000000001".
std::string format_nanos(std::int64_t nanos);

}  // namespace creditgate
