// The UTC periods key budgets reset on: days, ISO weeks from Monday, calendar months.
#include "creditgate/ledger/key_periods.hpp"

#include <gtest/gtest.h>

#include "creditgate/validate/time_text.hpp"

namespace creditgate {
namespace {

std::int64_t at(const char* text) {
    const auto ms = parse_time_ms(text);
    EXPECT_TRUE(ms) << text;
    return ms.value_or(0);
}

std::string start_of(BudgetPeriod period, const char* text) {
    return format_time_ms(period_start(period, at(text)));
}

std::string end_of(BudgetPeriod period, const char* text) {
    return format_time_ms(*period_end(period, at(text)));
}

TEST(KeyPeriods, ADayRunsFromMidnightToMidnightUtc) {
    EXPECT_EQ(start_of(BudgetPeriod::day, "2027-03-10T23:59:59.999Z"), "2027-03-10T00:00:00.000Z");
    EXPECT_EQ(start_of(BudgetPeriod::day, "2027-03-11T00:00:00Z"), "2027-03-11T00:00:00.000Z");
    EXPECT_EQ(end_of(BudgetPeriod::day, "2027-03-10T12:00:00Z"), "2027-03-11T00:00:00.000Z");
    EXPECT_EQ(start_of(BudgetPeriod::day, "2027-03-10T01:00:00+02:00"), "2027-03-09T00:00:00.000Z");
}

TEST(KeyPeriods, AWeekStartsOnMonday) {
    // 2027-03-08 is a Monday, 2027-03-14 a Sunday.
    EXPECT_EQ(start_of(BudgetPeriod::week, "2027-03-08T00:00:00Z"), "2027-03-08T00:00:00.000Z");
    EXPECT_EQ(start_of(BudgetPeriod::week, "2027-03-10T12:00:00Z"), "2027-03-08T00:00:00.000Z");
    EXPECT_EQ(start_of(BudgetPeriod::week, "2027-03-14T23:59:59.999Z"), "2027-03-08T00:00:00.000Z");
    EXPECT_EQ(start_of(BudgetPeriod::week, "2027-03-15T00:00:00Z"), "2027-03-15T00:00:00.000Z");
    EXPECT_EQ(end_of(BudgetPeriod::week, "2027-03-14T23:59:59.999Z"), "2027-03-15T00:00:00.000Z");
    // A week across the turn of a month and of a year.
    EXPECT_EQ(start_of(BudgetPeriod::week, "2027-01-01T08:00:00Z"), "2026-12-28T00:00:00.000Z");
    EXPECT_EQ(end_of(BudgetPeriod::week, "2026-12-31T08:00:00Z"), "2027-01-04T00:00:00.000Z");
}

TEST(KeyPeriods, AMonthIsTheCalendarMonth) {
    EXPECT_EQ(start_of(BudgetPeriod::month, "2027-03-31T23:59:59.999Z"),
              "2027-03-01T00:00:00.000Z");
    EXPECT_EQ(end_of(BudgetPeriod::month, "2027-03-31T23:59:59.999Z"), "2027-04-01T00:00:00.000Z");
    EXPECT_EQ(start_of(BudgetPeriod::month, "2027-04-01T00:00:00Z"), "2027-04-01T00:00:00.000Z");
    EXPECT_EQ(start_of(BudgetPeriod::month, "2026-12-31T23:59:59.999Z"),
              "2026-12-01T00:00:00.000Z");
    EXPECT_EQ(end_of(BudgetPeriod::month, "2026-12-15T00:00:00Z"), "2027-01-01T00:00:00.000Z");
    EXPECT_EQ(start_of(BudgetPeriod::month, "2027-01-01T00:00:00Z"), "2027-01-01T00:00:00.000Z");
}

TEST(KeyPeriods, LeapFebruaryEndsAfterThe29th) {
    EXPECT_EQ(end_of(BudgetPeriod::month, "2028-02-10T00:00:00Z"), "2028-03-01T00:00:00.000Z");
    EXPECT_EQ(start_of(BudgetPeriod::month, "2028-02-29T23:59:59.999Z"),
              "2028-02-01T00:00:00.000Z");
    EXPECT_EQ(start_of(BudgetPeriod::day, "2028-02-29T12:00:00Z"), "2028-02-29T00:00:00.000Z");
    EXPECT_EQ(end_of(BudgetPeriod::day, "2028-02-29T12:00:00Z"), "2028-03-01T00:00:00.000Z");
    EXPECT_EQ(end_of(BudgetPeriod::month, "2027-02-10T00:00:00Z"), "2027-03-01T00:00:00.000Z");
}

TEST(KeyPeriods, TheLifetimeNeverResets) {
    EXPECT_EQ(period_start(BudgetPeriod::lifetime, at("2027-03-10T00:00:00Z")), 0);
    EXPECT_FALSE(period_end(BudgetPeriod::lifetime, at("2027-03-10T00:00:00Z")));
}

TEST(KeyPeriods, NamesReadBack) {
    for (auto period : kBudgetPeriods) EXPECT_EQ(budget_period_from(to_string(period)), period);
    EXPECT_FALSE(budget_period_from("year"));
}

}  // namespace
}  // namespace creditgate
