// shift_decimal_point: a price list's per-token number text becomes our per-1M-token decimal
// string exactly, or is refused with the reason; never rounded, never through double.
#include "creditgate/pricing/decimal_shift.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "creditgate/pricing/decimal.hpp"

namespace creditgate {

// A failing row shows the status by its meaning rather than as raw bytes.
void PrintTo(DecimalShiftStatus status, std::ostream* os) {
    *os << describe(status);
}

namespace {

struct ShiftRow {
    const char* name;
    const char* text;
    int places;
    DecimalShiftStatus status;
    const char* decimal;  // the expected text when ok
};

void PrintTo(const ShiftRow& row, std::ostream* os) {
    *os << row.name;
}

std::string row_name(const testing::TestParamInfo<ShiftRow>& info) {
    return info.param.name;
}

constexpr auto kOk = DecimalShiftStatus::ok;
constexpr auto kNotANumber = DecimalShiftStatus::not_a_number;
constexpr auto kNegative = DecimalShiftStatus::negative;
constexpr auto kTooPrecise = DecimalShiftStatus::too_precise;
constexpr auto kTooLarge = DecimalShiftStatus::too_large;

class PricingDecimalShift : public testing::TestWithParam<ShiftRow> {};

TEST_P(PricingDecimalShift, Case) {
    const ShiftRow& row = GetParam();
    const DecimalShift shift = shift_decimal_point(row.text, row.places);
    EXPECT_EQ(shift.status, row.status) << "text: \"" << row.text << "\"";
    if (row.status == kOk) {
        EXPECT_EQ(shift.decimal, row.decimal) << "text: \"" << row.text << "\"";
    } else {
        EXPECT_EQ(shift.decimal, "") << "a refused value carries no text";
    }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, PricingDecimalShift,
    testing::Values(
        // LiteLLM's own spellings (Python's repr of a float), per token -> per 1M tokens.
        ShiftRow{"NegativeExponentGpt4oMiniInput", "1.5e-07", 6, kOk, "0.15"},
        ShiftRow{"NegativeExponentGpt4oInput", "2.5e-06", 6, kOk, "2.5"},
        ShiftRow{"PlainFractionWithLeadingZeros", "0.000015", 6, kOk, "15"},
        ShiftRow{"WholeMantissaNegativeExponent", "3e-06", 6, kOk, "3"},
        ShiftRow{"UpperCaseExponent", "1E-7", 6, kOk, "0.1"},
        ShiftRow{"LongMantissa", "5.46875e-07", 6, kOk, "0.546875"},
        ShiftRow{"TinyPriceNeedsAllNineDecimals", "1e-15", 6, kOk, "0.000000001"},
        ShiftRow{"NineDecimalsWithMantissa", "1.23456789e-7", 6, kOk, "0.123456789"},
        // Zeros
        ShiftRow{"ZeroInteger", "0", 6, kOk, "0"}, ShiftRow{"ZeroFloat", "0.0", 6, kOk, "0"},
        ShiftRow{"ZeroWithExponent", "0e-300", 6, kOk, "0"},
        ShiftRow{"ZeroWithHugeExponentIsStillZero", "0.000e999999999999999999", 6, kOk, "0"},
        ShiftRow{"TrailingZerosDropped", "2.5000e-06", 6, kOk, "2.5"},
        ShiftRow{"TrailingZerosInIntegerKept", "1000", 6, kOk, "1000000000"},
        ShiftRow{"IntegerTimesZeroPlaces", "120", 0, kOk, "120"},
        ShiftRow{"LeadingFractionZerosDropped", "0.00010", 0, kOk, "0.0001"},
        // Positive exponents
        ShiftRow{"PositiveExponentWithSign", "1.5e+2", 6, kOk, "150000000"},
        ShiftRow{"PositiveExponentWithoutSign", "25E1", 0, kOk, "250"},
        ShiftRow{"ExponentMovesPointInsideDigits", "1.23456e3", 0, kOk, "1234.56"},
        ShiftRow{"NegativePlacesShiftLeft", "15", -6, kOk, "0.000015"},
        // Limits of int64 nano-units
        ShiftRow{"LargestPriceFits", "9223.372036854775807", 6, kOk, "9223372036.854775807"},
        ShiftRow{"OneNanoMoreIsTooLarge", "9223.372036854775808", 6, kTooLarge, ""},
        ShiftRow{"ElevenIntegerDigitsTooLarge", "1e4", 6, kTooLarge, ""},
        ShiftRow{"HugeExponentTooLarge", "1e999999999999999999999", 6, kTooLarge, ""},
        // Precision: refused, never rounded
        ShiftRow{"TenDecimalsTooPrecise", "1e-16", 6, kTooPrecise, ""},
        ShiftRow{"FloatNoiseTooPrecise", "1.7999999999999999e-06", 6, kTooPrecise, ""},
        ShiftRow{"HugeNegativeExponentTooPrecise", "1e-999999999999999999999", 6, kTooPrecise, ""},
        // Signs
        ShiftRow{"NegativeRefused", "-1.5e-07", 6, kNegative, ""},
        ShiftRow{"NegativeZeroRefused", "-0", 6, kNegative, ""},
        // Not the JSON number grammar
        ShiftRow{"Empty", "", 6, kNotANumber, ""}, ShiftRow{"LoneMinus", "-", 6, kNotANumber, ""},
        ShiftRow{"LeadingPlus", "+1", 6, kNotANumber, ""},
        ShiftRow{"LeadingZeroInteger", "01", 6, kNotANumber, ""},
        ShiftRow{"NoDigitBeforePoint", ".5", 6, kNotANumber, ""},
        ShiftRow{"NoDigitAfterPoint", "1.", 6, kNotANumber, ""},
        ShiftRow{"ExponentWithoutDigits", "1e", 6, kNotANumber, ""},
        ShiftRow{"ExponentSignWithoutDigits", "1e-", 6, kNotANumber, ""},
        ShiftRow{"Whitespace", " 1", 6, kNotANumber, ""},
        ShiftRow{"TrailingText", "1.5e-07x", 6, kNotANumber, ""},
        ShiftRow{"TwoPoints", "1.2.3", 6, kNotANumber, ""},
        ShiftRow{"DecimalComma", "1,5", 6, kNotANumber, ""},
        ShiftRow{"Infinity", "Infinity", 6, kNotANumber, ""},
        ShiftRow{"NaN", "NaN", 6, kNotANumber, ""}),
    row_name);

// Whatever is accepted, the config's own decimal parser reads back as exactly the shifted value.
TEST(PricingDecimalShiftRoundTrip, EveryNanoPriceSpelledPerTokenComesBackExact) {
    for (std::int64_t nanos :
         {std::int64_t{0}, std::int64_t{1}, std::int64_t{150'000'000}, std::int64_t{2'500'000'000},
          std::int64_t{123'456'789'012}, std::int64_t{9'223'372'036'854'775'807}}) {
        const std::string per_mtok = format_nanos(nanos);
        // per token = per 1M tokens / 10^6: written with an exponent, as Python would.
        const std::string per_token = per_mtok + "e-6";
        const DecimalShift shift = shift_decimal_point(per_token, 6);
        ASSERT_EQ(shift.status, kOk) << per_token;
        EXPECT_EQ(shift.decimal, per_mtok);
        EXPECT_EQ(parse_decimal_nanos(shift.decimal), nanos);
    }
}

}  // namespace
}  // namespace creditgate
