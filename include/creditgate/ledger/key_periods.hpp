#pragma once
// The periods a key's budgets reset on: UTC days, ISO weeks (from Monday 00:00 UTC) and
// calendar months, and the key's lifetime, which never resets.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace creditgate {

enum class BudgetPeriod { day, week, month, lifetime };
inline constexpr std::array<BudgetPeriod, 4> kBudgetPeriods = {
    BudgetPeriod::day, BudgetPeriod::week, BudgetPeriod::month, BudgetPeriod::lifetime};
inline constexpr std::size_t index_of(BudgetPeriod period) {
    return static_cast<std::size_t>(period);
}

const char* to_string(BudgetPeriod period);
std::optional<BudgetPeriod> budget_period_from(std::string_view name);

// The start of the period that contains `at_ms` (epoch ms, UTC); 0 for the lifetime. Times
// before the epoch are not supported (keys are younger).
std::int64_t period_start(BudgetPeriod period, std::int64_t at_ms);
// The start of the next period, when the budget resets; nullopt for the lifetime.
std::optional<std::int64_t> period_end(BudgetPeriod period, std::int64_t at_ms);

}  // namespace creditgate
