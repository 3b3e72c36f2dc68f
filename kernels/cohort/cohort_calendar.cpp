#include "cohort/cohort_calendar.hpp"

#include <chrono>

namespace engage::kernels {

namespace {

constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
    const std::int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::int64_t month_of(std::int64_t unix_day) noexcept {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{unix_day}}};
    return (std::int64_t(int(ymd.year())) - 1970) * 12 + std::int64_t(unsigned(ymd.month())) - 1;
}

std::int64_t month_start(std::int64_t month) noexcept {
    const std::int64_t year = 1970 + floor_div(month, 12);
    const unsigned m = unsigned(month - floor_div(month, 12) * 12) + 1;
    const std::chrono::year_month_day ymd{std::chrono::year{int(year)}, std::chrono::month{m},
                                          std::chrono::day{1}};
    return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

}  // namespace

std::string_view cohort_unit_name(CohortUnit unit) noexcept {
    switch (unit) {
    case CohortUnit::week: return "week";
    case CohortUnit::month: return "month";
    case CohortUnit::quarter: return "quarter";
    }
    return "?";
}

std::optional<CohortUnit> parse_cohort_unit(std::string_view name) noexcept {
    for (CohortUnit u : {CohortUnit::week, CohortUnit::month, CohortUnit::quarter})
        if (cohort_unit_name(u) == name) return u;
    return std::nullopt;
}

std::int64_t period_of(CohortUnit unit, std::int64_t unix_day) noexcept {
    switch (unit) {
    // 1970-01-01 was a Thursday: shifting by 3 days puts Mondays on multiples of 7.
    case CohortUnit::week: return floor_div(unix_day + 3, 7);
    case CohortUnit::month: return month_of(unix_day);
    case CohortUnit::quarter: return floor_div(month_of(unix_day), 3);
    }
    return 0;
}

std::int64_t period_start(CohortUnit unit, std::int64_t period) noexcept {
    switch (unit) {
    case CohortUnit::week: return 7 * period - 3;
    case CohortUnit::month: return month_start(period);
    case CohortUnit::quarter: return month_start(3 * period);
    }
    return 0;
}

}  // namespace engage::kernels
