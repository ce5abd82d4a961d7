#include "creditgate/pricing/decimal.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace creditgate {

namespace {

constexpr int kFractionDigits = 9;
constexpr std::uint64_t kNanosPerUnit = 1'000'000'000;
// |INT64_MIN| = 9223372036854775808 nano-units: the largest magnitude any result may have.
constexpr std::uint64_t kMaxMagnitude =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1;
// The integer part may have at most 10 digits (9223372036 is the largest that fits).
constexpr std::size_t kMaxIntegerDigits = 10;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

// Grammar (strict, documented in docs/pricing.md):
//   ['-'] ( '0' | [1-9][0-9]* ) [ '.' [0-9]{1,9} ]
// i.e. a JSON number without exponent, with at most 9 fractional digits. So "1." and ".5" are
// rejected, as are leading zeros ("01"), '+', whitespace and exponents.
std::optional<std::int64_t> parse_decimal_nanos(std::string_view text, bool allow_negative) {
    std::size_t pos = 0;
    bool negative = false;
    if (pos < text.size() && text[pos] == '-') {
        if (!allow_negative) return std::nullopt;
        negative = true;
        ++pos;
    }

    // Integer part: at least one digit, no leading zero unless it is the only digit.
    const std::size_t int_begin = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    const std::size_t int_digits = pos - int_begin;
    if (int_digits == 0) return std::nullopt;
    if (int_digits > 1 && text[int_begin] == '0') return std::nullopt;
    if (int_digits > kMaxIntegerDigits) return std::nullopt;

    std::uint64_t integer = 0;  // at most 10 digits: cannot overflow 64 bits
    for (std::size_t i = int_begin; i < pos; ++i) {
        integer = integer * 10 + static_cast<std::uint64_t>(text[i] - '0');
    }

    // Fraction: '.' then 1..9 digits, scaled to exactly 9 digits.
    std::uint64_t fraction = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        const std::size_t frac_begin = pos;
        while (pos < text.size() && is_digit(text[pos])) ++pos;
        const std::size_t frac_digits = pos - frac_begin;
        if (frac_digits == 0 || frac_digits > kFractionDigits) return std::nullopt;
        for (std::size_t i = frac_begin; i < pos; ++i) {
            fraction = fraction * 10 + static_cast<std::uint64_t>(text[i] - '0');
        }
        for (std::size_t i = frac_digits; i < kFractionDigits; ++i) fraction *= 10;
    }
    if (pos != text.size()) return std::nullopt;  // anything else: exponent, space, second '.'

    // integer < 10^10 and fraction < 10^9, so this is < 10^19 + 10^9 < 2^64: no wrap.
    const std::uint64_t magnitude = integer * kNanosPerUnit + fraction;
    const std::uint64_t limit = negative ? kMaxMagnitude : kMaxMagnitude - 1;
    if (magnitude > limit) return std::nullopt;
    if (negative) {
        // 0 - magnitude in unsigned arithmetic, then back: well defined for INT64_MIN too.
        return static_cast<std::int64_t>(~magnitude + 1);
    }
    return static_cast<std::int64_t>(magnitude);
}

std::string format_nanos(std::int64_t nanos) {
    // Work on the unsigned magnitude so INT64_MIN needs no special case.
    const bool negative = nanos < 0;
    const std::uint64_t magnitude =
        negative ? ~static_cast<std::uint64_t>(nanos) + 1 : static_cast<std::uint64_t>(nanos);
    std::uint64_t integer = magnitude / kNanosPerUnit;
    std::uint64_t fraction = magnitude % kNanosPerUnit;

    // Longest output: '-' + 10 integer digits + '.' + 9 fraction digits = 21 characters.
    std::array<char, 24> buf{};
    std::size_t end = buf.size();

    if (fraction != 0) {
        int digits = kFractionDigits;
        while (fraction % 10 == 0) {  // shortest form: drop trailing zeros
            fraction /= 10;
            --digits;
        }
        for (int i = 0; i < digits; ++i) {
            buf[--end] = static_cast<char>('0' + fraction % 10);
            fraction /= 10;
        }
        buf[--end] = '.';
    }
    do {
        buf[--end] = static_cast<char>('0' + integer % 10);
        integer /= 10;
    } while (integer != 0);
    if (negative) buf[--end] = '-';
    return std::string(buf.data() + end, buf.size() - end);
}

}  // namespace creditgate
