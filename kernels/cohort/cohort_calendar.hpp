#pragma once
// Calendar periods for cohort tables: ISO weeks, calendar months, quarters and years, each
// numbered by an integer index so that "periods since acquisition" is a difference of indices;
// and rolling periods, counted from a customer's own start day (whole weeks, or whole calendar
// months as ages are counted: from the 15th to the 14th of the next month is 0 months).
// Days are counted from 1970-01-01 (a file's epoch_unix_day + its day), so months and quarters
// are real calendar months, leap years included (std::chrono's civil calendar).
#include <cstdint>
#include <optional>
#include <string_view>

namespace engage::kernels {

enum class CohortUnit : std::uint8_t { week, month, quarter, year };

// Calendar periods (cohorts by calendar period of entry, every customer's period k the calendar
// period k after its cohort's) or rolling ones (period k counted from each customer's start day).
enum class CohortWindow : std::uint8_t { calendar, rolling };

// "week", "month", "quarter", "year".
std::string_view cohort_unit_name(CohortUnit unit) noexcept;
std::optional<CohortUnit> parse_cohort_unit(std::string_view name) noexcept;
// "calendar", "rolling".
std::string_view cohort_window_name(CohortWindow window) noexcept;
std::optional<CohortWindow> parse_cohort_window(std::string_view name) noexcept;

// The index of the period holding `unix_day` (days since 1970-01-01, negative before):
//   week:    ISO weeks, Monday to Sunday; week 0 is 1969-12-29 .. 1970-01-04
//   month:   (year - 1970) * 12 + month - 1; 1970-01 is 0
//   quarter: floor(month index / 3); Q1 1970 (January to March) is 0
//   year:    year - 1970
std::int64_t period_of(CohortUnit unit, std::int64_t unix_day) noexcept;

// The first day (days since 1970-01-01) of period `period`; period_of(unit, period_start(unit,
// p)) == p and the period ends the day before period_start(unit, p + 1).
std::int64_t period_start(CohortUnit unit, std::int64_t period) noexcept;

// Rolling periods of a customer whose start day is `start` (days since 1970-01-01): the number
// of whole units from `start` to `unix_day` (>= start): week: floor(days / 7); month: whole
// calendar months (month m starts on the start's day of the month m months later, or on the
// last day of that month when it is shorter: January 31st + 1 month = February 28th/29th);
// quarter: floor(whole months / 3); year: floor(whole months / 12).
std::int64_t rolling_period_of(CohortUnit unit, std::int64_t start, std::int64_t unix_day) noexcept;
// The first day of rolling period k >= 0 of a customer starting on `start`:
// rolling_period_of(unit, start, rolling_period_start(unit, start, k)) == k, and the day before
// it is in period k - 1.
std::int64_t rolling_period_start(CohortUnit unit, std::int64_t start, std::int64_t k) noexcept;

}  // namespace engage::kernels
