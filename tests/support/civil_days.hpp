#pragma once
// Dates in tests written as dates: days since 1970-01-01 of a civil date (std::chrono's
// proleptic Gregorian calendar), and days since a file epoch of 2020-01-01, the epoch of the
// cohort tests' hand-made bases.
#include <chrono>
#include <cstdint>

#include "features/event.hpp"

namespace engage::testing_support {

inline std::int64_t unix_day(int y, unsigned m, unsigned d) {
    using namespace std::chrono;
    return sys_days{year_month_day{year{y}, month{m}, day{d}}}.time_since_epoch().count();
}

inline const std::int64_t kEpoch = unix_day(2020, 1, 1);
inline kernels::Day on(int y, unsigned m, unsigned d) { return kernels::Day(unix_day(y, m, d) - kEpoch); }

}  // namespace engage::testing_support
