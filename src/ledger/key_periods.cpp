#include "creditgate/ledger/key_periods.hpp"

#include <chrono>

namespace creditgate {

namespace {

using namespace std::chrono;

constexpr std::int64_t kDayMs = 86'400'000;

std::int64_t ms_of(sys_days day) {
    return duration_cast<milliseconds>(day.time_since_epoch()).count();
}

sys_days day_of(std::int64_t at_ms) {
    return floor<days>(sys_time<milliseconds>(milliseconds(at_ms)));
}

}  // namespace

const char* to_string(BudgetPeriod period) {
    switch (period) {
        case BudgetPeriod::day:
            return "day";
        case BudgetPeriod::week:
            return "week";
        case BudgetPeriod::month:
            return "month";
        case BudgetPeriod::lifetime:
            return "lifetime";
    }
    return "lifetime";
}

std::optional<BudgetPeriod> budget_period_from(std::string_view name) {
    for (auto period : kBudgetPeriods) {
        if (name == to_string(period)) return period;
    }
    return std::nullopt;
}

std::int64_t period_start(BudgetPeriod period, std::int64_t at_ms) {
    const auto day = day_of(at_ms);
    switch (period) {
        case BudgetPeriod::day:
            return ms_of(day);
        case BudgetPeriod::week: {
            // ISO weeks start on Monday; weekday's c_encoding has Sunday = 0.
            const unsigned since_monday = (weekday(day).c_encoding() + 6) % 7;
            return ms_of(day) - static_cast<std::int64_t>(since_monday) * kDayMs;
        }
        case BudgetPeriod::month: {
            const year_month_day date(day);
            return ms_of(sys_days(date.year() / date.month() / 1));
        }
        case BudgetPeriod::lifetime:
            return 0;
    }
    return 0;
}

std::optional<std::int64_t> period_end(BudgetPeriod period, std::int64_t at_ms) {
    const auto start = period_start(period, at_ms);
    switch (period) {
        case BudgetPeriod::day:
            return start + kDayMs;
        case BudgetPeriod::week:
            return start + 7 * kDayMs;
        case BudgetPeriod::month: {
            const year_month_day date(day_of(start));
            return ms_of(sys_days(date.year() / date.month() / 1 + months(1)));
        }
        case BudgetPeriod::lifetime:
            return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace creditgate
