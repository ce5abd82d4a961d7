// Exact decimal <-> nano-unit conversion: the strict grammar, the shortest inverse, round trips.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "creditgate/pricing/decimal.hpp"

namespace creditgate {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

struct ParseRow {
    const char* name;
    const char* text;
    bool allow_negative;
    std::optional<std::int64_t> expected;  // nullopt: rejected
};

// gtest prints a failing row by its name rather than as raw bytes.
void PrintTo(const ParseRow& row, std::ostream* os) {
    *os << row.name;
}

std::string row_name(const testing::TestParamInfo<ParseRow>& info) {
    return info.param.name;
}

class PricingDecimalParse : public testing::TestWithParam<ParseRow> {};

TEST_P(PricingDecimalParse, Case) {
    const ParseRow& row = GetParam();
    EXPECT_EQ(parse_decimal_nanos(row.text, row.allow_negative), row.expected)
        << "text: \"" << row.text << "\"";
}

INSTANTIATE_TEST_SUITE_P(
    Rows, PricingDecimalParse,
    testing::Values(
        // Accepted
        ParseRow{"TwoFiftyIsTwoAndAHalfCredits", "2.50", false, 2'500'000'000},
        ParseRow{"OneNanoIsTheSmallestUnit", "0.000000001", false, 1},
        ParseRow{"IntegerWithoutFraction", "10", false, 10'000'000'000},
        ParseRow{"ZeroIsZero", "0", false, 0},
        ParseRow{"ZeroWithFractionZeros", "0.000000000", false, 0},
        ParseRow{"FifteenHundredthsPerMtok", "0.15", false, 150'000'000},
        ParseRow{"NineFractionalDigitsAreExact", "1.123456789", false, 1'123'456'789},
        ParseRow{"TrailingZerosDoNotChangeTheValue", "2.500000000", false, 2'500'000'000},
        ParseRow{"LargestValueFits", "9223372036.854775807", false, kMax},
        ParseRow{"NegativeAllowedWhenAsked", "-1", true, -1'000'000'000},
        ParseRow{"NegativeOneNano", "-0.000000001", true, -1},
        ParseRow{"NegativeZeroIsZero", "-0", true, 0},
        ParseRow{"SmallestValueFitsWhenNegative", "-9223372036.854775808", true, kMin},
        ParseRow{"LeadingZeroBeforePointIsCanonical", "0.5", false, 500'000'000},
        // Rejected: shape
        ParseRow{"EmptyIsRejected", "", false, std::nullopt},
        ParseRow{"LonePointIsRejected", ".", false, std::nullopt},
        ParseRow{"TrailingPointIsRejected", "1.", false, std::nullopt},
        ParseRow{"LeadingPointIsRejected", ".5", false, std::nullopt},
        ParseRow{"NegativeLeadingPointIsRejected", "-.5", true, std::nullopt},
        ParseRow{"LoneMinusIsRejected", "-", true, std::nullopt},
        ParseRow{"ExponentIsRejected", "1e3", false, std::nullopt},
        ParseRow{"UpperExponentIsRejected", "1E3", false, std::nullopt},
        ParseRow{"ExponentAfterFractionIsRejected", "2.5e0", false, std::nullopt},
        ParseRow{"LeadingSpaceIsRejected", " 1", false, std::nullopt},
        ParseRow{"TrailingSpaceIsRejected", "1 ", false, std::nullopt},
        ParseRow{"TrailingNewlineIsRejected", "1\n", false, std::nullopt},
        ParseRow{"LeadingPlusIsRejected", "+1", false, std::nullopt},
        ParseRow{"LeadingPlusIsRejectedEvenWithNegatives", "+1", true, std::nullopt},
        ParseRow{"LeadingZerosAreRejected", "01", false, std::nullopt},
        ParseRow{"DoubleZeroIsRejected", "00.5", false, std::nullopt},
        ParseRow{"TwoPointsAreRejected", "1.2.3", false, std::nullopt},
        ParseRow{"CommaIsRejected", "1,5", false, std::nullopt},
        ParseRow{"DoubleMinusIsRejected", "--1", true, std::nullopt},
        ParseRow{"HexIsRejected", "0x10", false, std::nullopt},
        ParseRow{"NanIsRejected", "nan", false, std::nullopt},
        ParseRow{"InfIsRejected", "inf", false, std::nullopt},
        // Rejected: not exact, not allowed, does not fit
        ParseRow{"TenFractionalDigitsAreNotExact", "1.0000000001", false, std::nullopt},
        ParseRow{"TenFractionalZerosAreStillRejected", "1.0000000000", false, std::nullopt},
        ParseRow{"NegativeRejectedUnlessAllowed", "-1", false, std::nullopt},
        ParseRow{"NegativeZeroRejectedUnlessAllowed", "-0", false, std::nullopt},
        ParseRow{"OneNanoAboveInt64MaxOverflows", "9223372036.854775808", false, std::nullopt},
        ParseRow{"OneNanoBelowInt64MinOverflows", "-9223372036.854775809", true, std::nullopt},
        ParseRow{"TenDigitIntegerAboveMaxOverflows", "9999999999", false, std::nullopt},
        ParseRow{"ElevenDigitIntegerOverflows", "10000000000", false, std::nullopt},
        ParseRow{"HugeIntegerOverflowsWithoutWrapping", "184467440737095516160", false,
                 std::nullopt}),
    row_name);

TEST(PricingDecimalParse, EmbeddedNulIsRejected) {
    EXPECT_EQ(parse_decimal_nanos(std::string_view("1\0", 2)), std::nullopt);
}

struct FormatRow {
    const char* name;
    std::int64_t nanos;
    const char* expected;
};

// gtest prints a failing row by its name rather than as raw bytes.
void PrintTo(const FormatRow& row, std::ostream* os) {
    *os << row.name;
}

std::string format_row_name(const testing::TestParamInfo<FormatRow>& info) {
    return info.param.name;
}

class PricingDecimalFormat : public testing::TestWithParam<FormatRow> {};

TEST_P(PricingDecimalFormat, Case) {
    const FormatRow& row = GetParam();
    EXPECT_EQ(format_nanos(row.nanos), row.expected);
    // The inverse: what format writes, parse reads back to the same value.
    EXPECT_EQ(parse_decimal_nanos(row.expected, true), row.nanos);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, PricingDecimalFormat,
    testing::Values(FormatRow{"ZeroIsZero", 0, "0"},
                    FormatRow{"TrailingZerosAreDropped", 2'500'000'000, "2.5"},
                    FormatRow{"WholeCreditsHaveNoPoint", 10'000'000'000, "10"},
                    FormatRow{"OneNanoKeepsAllNineDigits", 1, "0.000000001"},
                    FormatRow{"NegativeOneNano", -1, "-0.000000001"},
                    FormatRow{"NegativeWholeCredit", -1'000'000'000, "-1"},
                    FormatRow{"InnerZerosAreKept", 1'000'000'001, "1.000000001"},
                    FormatRow{"FractionWithInnerZeros", 150'000'000, "0.15"},
                    FormatRow{"Int64Max", kMax, "9223372036.854775807"},
                    FormatRow{"Int64MinHasNoPositiveTwin", kMin, "-9223372036.854775808"},
                    FormatRow{"AllNineDigits", 123'456'789, "0.123456789"}),
    format_row_name);

// A fresh seed per run, printed so a failure can be replayed with CREDITGATE_TEST_SEED=<seed>.
std::uint64_t test_seed() {
    std::uint64_t seed = std::random_device{}();
    if (const char* env = std::getenv("CREDITGATE_TEST_SEED"))
        seed = std::strtoull(env, nullptr, 10);
    std::printf("[   SEED   ] %llu\n", static_cast<unsigned long long>(seed));
    return seed;
}

// The canonical text of a value: digits of the integer part (no leading zeros), then '.' and
// the fraction without trailing zeros, built independently of format_nanos.
std::string canonical_from_parts(bool negative, std::uint64_t integer, std::uint64_t fraction) {
    std::string out = negative ? "-" : "";
    out += std::to_string(integer);
    if (fraction != 0) {
        std::string digits = std::to_string(fraction);
        digits.insert(0, 9 - digits.size(), '0');
        while (digits.back() == '0') digits.pop_back();
        out += "." + digits;
    }
    return out;
}

TEST(PricingDecimalRoundTrip, RandomCanonicalTextsSurviveParseThenFormat) {
    const std::uint64_t seed = test_seed();
    std::mt19937_64 rng(seed);
    SCOPED_TRACE("seed=" + std::to_string(seed));
    std::uniform_int_distribution<std::uint64_t> int_part(0, 9'223'372'035);
    std::uniform_int_distribution<std::uint64_t> frac_part(0, 999'999'999);
    std::uniform_int_distribution<int> shape(0, 3);

    for (int i = 0; i < 20'000; ++i) {
        // Mix small and large magnitudes and fractions with many trailing zeros.
        std::uint64_t integer = int_part(rng);
        if (shape(rng) == 0) integer %= 1000;
        std::uint64_t fraction = frac_part(rng);
        if (shape(rng) == 0) fraction -= fraction % 1'000'000;
        if (shape(rng) == 0) fraction = 0;
        const bool negative = shape(rng) == 0 && (integer != 0 || fraction != 0);

        const std::string text = canonical_from_parts(negative, integer, fraction);
        const std::optional<std::int64_t> nanos = parse_decimal_nanos(text, true);
        ASSERT_TRUE(nanos.has_value()) << text << " seed=" << seed;
        const std::int64_t magnitude =
            static_cast<std::int64_t>(integer * 1'000'000'000 + fraction);
        ASSERT_EQ(*nanos, negative ? -magnitude : magnitude) << text << " seed=" << seed;
        ASSERT_EQ(format_nanos(*nanos), text) << "seed=" << seed;
    }
}

TEST(PricingDecimalRoundTrip, RandomValuesSurviveFormatThenParse) {
    const std::uint64_t seed = test_seed();
    std::mt19937_64 rng(seed);
    SCOPED_TRACE("seed=" + std::to_string(seed));
    std::uniform_int_distribution<std::int64_t> any(kMin, kMax);
    std::vector<std::int64_t> values = {kMin, kMin + 1, -1, 0, 1, kMax - 1, kMax};
    for (int i = 0; i < 20'000; ++i) values.push_back(any(rng));
    for (const std::int64_t v : values) {
        const std::string text = format_nanos(v);
        ASSERT_EQ(parse_decimal_nanos(text, true), v) << text << " seed=" << seed;
        if (v >= 0) {
            ASSERT_EQ(parse_decimal_nanos(text), v) << text << " seed=" << seed;
        }
    }
}

}  // namespace
}  // namespace creditgate
