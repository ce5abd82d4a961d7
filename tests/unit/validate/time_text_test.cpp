#include "creditgate/validate/time_text.hpp"

#include <gtest/gtest.h>

namespace creditgate {
namespace {

TEST(TimeText, ReadsDatesAsMidnightUtc) {
    EXPECT_EQ(parse_time_ms("1970-01-01"), 0);
    EXPECT_EQ(parse_time_ms("2026-11-23"), 1'795'392'000'000);
}

TEST(TimeText, ReadsRfc3339WithFractionsAndOffsets) {
    EXPECT_EQ(parse_time_ms("2026-11-23T13:45:00Z"), 1'795'441'500'000);
    EXPECT_EQ(parse_time_ms("2026-11-23T13:45:00.123Z"), 1'795'441'500'123);
    EXPECT_EQ(parse_time_ms("2026-11-23T13:45:00.1239999Z"), 1'795'441'500'123);
    EXPECT_EQ(parse_time_ms("2026-11-23T14:45:00+01:00"), 1'795'441'500'000);
    EXPECT_EQ(parse_time_ms("2026-11-23T08:15:00-05:30"), 1'795'441'500'000);
}

TEST(TimeText, RoundTripsWhatItWrites) {
    const std::int64_t ms = 1'795'441'500'123;
    EXPECT_EQ(format_time_ms(ms), "2026-11-23T13:45:00.123Z");
    EXPECT_EQ(parse_time_ms(format_time_ms(ms)), ms);
}

TEST(TimeText, WritesTimesBeforeTheEpochOnTheDayBefore) {
    EXPECT_EQ(format_time_ms(-1), "1969-12-31T23:59:59.999Z");
    EXPECT_EQ(format_time_ms(-86'400'000), "1969-12-31T00:00:00.000Z");
    EXPECT_EQ(parse_time_ms(format_time_ms(-1'500)), -1'500);
}

TEST(TimeText, RefusesAnythingElse) {
    for (const char* bad :
         {"", "2026", "2026-02-30", "2026-13-01", "2026-11-23T24:00:00Z", "2026-11-23T13:45:00",
          "2026-11-23 13:45:00Z", "2026-11-23T13:45:00.Z", "2026-11-23T13:45:00+0100", "tomorrow",
          "2026-11-23T13:45:60Z", "+2026-11-23"}) {
        EXPECT_FALSE(parse_time_ms(bad).has_value()) << bad;
    }
}

}  // namespace
}  // namespace creditgate
