#include "creditgate/pricing/decimal_shift.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "creditgate/pricing/decimal.hpp"

namespace creditgate {

namespace {

constexpr std::int64_t kMaxFractionDigits = 9;  // nano-units
constexpr std::int64_t kMaxIntegerDigits = 10;  // 9223372036 is the largest integer part
// An exponent this far out is outside int64 nano-units whatever the digits; capping it keeps
// the point arithmetic below from overflowing for any text a file can hold.
constexpr std::int64_t kExponentCap = 1'000'000'000'000;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// The parts of an unsigned JSON number literal: digits before and after '.', and the exponent.
struct NumberParts {
    std::string_view integer;
    std::string_view fraction;
    std::int64_t exponent = 0;
};

std::size_t count_digits(std::string_view text, std::size_t from) {
    std::size_t end = from;
    while (end < text.size() && is_digit(text[end])) ++end;
    return end - from;
}

std::optional<NumberParts> split_json_number(std::string_view text) {
    NumberParts parts;
    std::size_t pos = 0;
    const std::size_t integer_digits = count_digits(text, pos);
    if (integer_digits == 0) return std::nullopt;
    if (integer_digits > 1 && text[0] == '0') return std::nullopt;  // "01": not JSON
    parts.integer = text.substr(pos, integer_digits);
    pos += integer_digits;

    if (pos < text.size() && text[pos] == '.') {
        const std::size_t fraction_digits = count_digits(text, ++pos);
        if (fraction_digits == 0) return std::nullopt;  // "1."
        parts.fraction = text.substr(pos, fraction_digits);
        pos += fraction_digits;
    }

    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
        ++pos;
        bool negative = false;
        if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
            negative = text[pos] == '-';
            ++pos;
        }
        const std::size_t exponent_digits = count_digits(text, pos);
        if (exponent_digits == 0) return std::nullopt;  // "1e", "1e+"
        std::int64_t magnitude = 0;
        for (std::size_t i = pos; i < pos + exponent_digits; ++i) {
            magnitude = std::min(kExponentCap, magnitude * 10 + (text[i] - '0'));
        }
        parts.exponent = negative ? -magnitude : magnitude;
        pos += exponent_digits;
    }
    if (pos != text.size()) return std::nullopt;
    return parts;
}

}  // namespace

DecimalShift shift_decimal_point(std::string_view number_text, int places) {
    const bool negative = !number_text.empty() && number_text.front() == '-';
    const std::optional<NumberParts> parts =
        split_json_number(negative ? number_text.substr(1) : number_text);
    if (!parts) return {DecimalShiftStatus::not_a_number, {}};
    if (negative) return {DecimalShiftStatus::negative, {}};

    // The value is 0.<digits> × 10^point: `point` counts the digits before the decimal point.
    std::string digits = std::string(parts->integer) + std::string(parts->fraction);
    std::int64_t point =
        static_cast<std::int64_t>(parts->integer.size()) + parts->exponent + places;
    const std::size_t first = digits.find_first_not_of('0');
    if (first == std::string::npos) return {DecimalShiftStatus::ok, "0"};
    digits.erase(0, first);
    point -= static_cast<std::int64_t>(first);
    digits.erase(digits.find_last_not_of('0') + 1);

    const auto size = static_cast<std::int64_t>(digits.size());
    if (point > kMaxIntegerDigits) return {DecimalShiftStatus::too_large, {}};
    if (size - point > kMaxFractionDigits) return {DecimalShiftStatus::too_precise, {}};

    std::string decimal;
    if (point <= 0) {
        decimal = "0." + std::string(static_cast<std::size_t>(-point), '0') + digits;
    } else if (point >= size) {
        decimal = digits + std::string(static_cast<std::size_t>(point - size), '0');
    } else {
        decimal = digits.substr(0, static_cast<std::size_t>(point)) + "." +
                  digits.substr(static_cast<std::size_t>(point));
    }
    // Ten integer digits can still pass int64 nano-units (9223372037 and up).
    if (!parse_decimal_nanos(decimal)) return {DecimalShiftStatus::too_large, {}};
    return {DecimalShiftStatus::ok, std::move(decimal)};
}

std::string_view describe(DecimalShiftStatus status) {
    switch (status) {
        case DecimalShiftStatus::ok:
            return "is exact";
        case DecimalShiftStatus::not_a_number:
            return "is not a JSON number";
        case DecimalShiftStatus::negative:
            return "is negative";
        case DecimalShiftStatus::too_precise:
            return "needs more than 9 decimal places per 1M tokens (finer than a nano-credit); "
                   "it is not rounded";
        case DecimalShiftStatus::too_large:
            return "is too large for a price (at most 9223372036.854775807 per 1M tokens)";
    }
    return "is not a JSON number";
}

}  // namespace creditgate
