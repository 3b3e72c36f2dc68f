#pragma once
// Calendar periods for cohort tables: ISO weeks, calendar months and calendar quarters, each
// numbered by an integer index so that "periods since acquisition" is a difference of indices.
// Days are counted from 1970-01-01 (a file's epoch_unix_day + its day), so months and quarters
// are real calendar months, leap years included (std::chrono's civil calendar).
#include <cstdint>
#include <optional>
#include <string_view>

namespace engage::kernels {

enum class CohortUnit : std::uint8_t { week, month, quarter };

// "week", "month", "quarter".
std::string_view cohort_unit_name(CohortUnit unit) noexcept;
std::optional<CohortUnit> parse_cohort_unit(std::string_view name) noexcept;

// The index of the period holding `unix_day` (days since 1970-01-01, negative before):
//   week:    ISO weeks, Monday to Sunday; week 0 is 1969-12-29 .. 1970-01-04
//   month:   (year - 1970) * 12 + month - 1; 1970-01 is 0
//   quarter: floor(month index / 3); Q1 1970 (January to March) is 0
std::int64_t period_of(CohortUnit unit, std::int64_t unix_day) noexcept;

// The first day (days since 1970-01-01) of period `period`; period_of(unit, period_start(unit,
// p)) == p and the period ends the day before period_start(unit, p + 1).
std::int64_t period_start(CohortUnit unit, std::int64_t period) noexcept;

}  // namespace engage::kernels
