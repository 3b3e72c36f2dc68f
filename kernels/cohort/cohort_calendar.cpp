#include "cohort/cohort_calendar.hpp"

#include <algorithm>
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

// Year, month (1-12) and day of a day since 1970-01-01.
struct Civil {
    std::int64_t year;
    unsigned month, day;
};

Civil civil(std::int64_t unix_day) noexcept {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{unix_day}}};
    return {int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day())};
}

// The first day at which `months` whole months from `start` have passed: the start's day of the
// month, `months` months later, or the last day of a month too short to have it (January 31st
// plus one month is February 28th or 29th), as date libraries add months.
std::int64_t add_whole_months(std::int64_t start, std::int64_t months) noexcept {
    const Civil a = civil(start);
    const std::int64_t m = (a.year - 1970) * 12 + std::int64_t(a.month) - 1 + months;
    return std::min<std::int64_t>(month_start(m) + std::int64_t(a.day) - 1, month_start(m + 1) - 1);
}

// Whole calendar months from `start` to `day` (day >= start): the largest k with
// add_whole_months(start, k) <= day, which is the difference of the calendar months or one less.
std::int64_t whole_months(std::int64_t start, std::int64_t day) noexcept {
    const Civil a = civil(start), b = civil(day);
    const std::int64_t months = (b.year - a.year) * 12 + std::int64_t(b.month) - std::int64_t(a.month);
    return add_whole_months(start, months) <= day ? months : months - 1;
}

}  // namespace

std::string_view cohort_window_name(CohortWindow window) noexcept {
    return window == CohortWindow::rolling ? "rolling" : "calendar";
}

std::optional<CohortWindow> parse_cohort_window(std::string_view name) noexcept {
    for (CohortWindow w : {CohortWindow::calendar, CohortWindow::rolling})
        if (cohort_window_name(w) == name) return w;
    return std::nullopt;
}

std::int64_t rolling_period_of(CohortUnit unit, std::int64_t start, std::int64_t unix_day) noexcept {
    switch (unit) {
    case CohortUnit::week: return floor_div(unix_day - start, 7);
    case CohortUnit::month: return whole_months(start, unix_day);
    case CohortUnit::quarter: return floor_div(whole_months(start, unix_day), 3);
    case CohortUnit::year: return floor_div(whole_months(start, unix_day), 12);
    }
    return 0;
}

std::int64_t rolling_period_start(CohortUnit unit, std::int64_t start, std::int64_t k) noexcept {
    switch (unit) {
    case CohortUnit::week: return start + 7 * k;
    case CohortUnit::month: return add_whole_months(start, k);
    case CohortUnit::quarter: return add_whole_months(start, 3 * k);
    case CohortUnit::year: return add_whole_months(start, 12 * k);
    }
    return 0;
}

std::string_view cohort_unit_name(CohortUnit unit) noexcept {
    switch (unit) {
    case CohortUnit::week: return "week";
    case CohortUnit::month: return "month";
    case CohortUnit::quarter: return "quarter";
    case CohortUnit::year: return "year";
    }
    return "?";
}

std::optional<CohortUnit> parse_cohort_unit(std::string_view name) noexcept {
    for (CohortUnit u : {CohortUnit::week, CohortUnit::month, CohortUnit::quarter, CohortUnit::year})
        if (cohort_unit_name(u) == name) return u;
    return std::nullopt;
}

std::int64_t period_of(CohortUnit unit, std::int64_t unix_day) noexcept {
    switch (unit) {
    // 1970-01-01 was a Thursday: shifting by 3 days puts Mondays on multiples of 7.
    case CohortUnit::week: return floor_div(unix_day + 3, 7);
    case CohortUnit::month: return month_of(unix_day);
    case CohortUnit::quarter: return floor_div(month_of(unix_day), 3);
    case CohortUnit::year: return floor_div(month_of(unix_day), 12);
    }
    return 0;
}

std::int64_t period_start(CohortUnit unit, std::int64_t period) noexcept {
    switch (unit) {
    case CohortUnit::week: return 7 * period - 3;
    case CohortUnit::month: return month_start(period);
    case CohortUnit::quarter: return month_start(3 * period);
    case CohortUnit::year: return month_start(12 * period);
    }
    return 0;
}

}  // namespace engage::kernels
