#pragma once
// Calendar dates as days since an epoch. Engage keeps every time in integers: interaction
// times in seconds since the file's epoch, days as floor(seconds / 86400).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace engage {

using Day = std::int32_t;           // days since an epoch
constexpr std::int64_t kSecondsPerDay = 86400;

// Days since 1970-01-01 of an ISO date "YYYY-MM-DD"; nullopt when malformed or not a real date.
std::optional<std::int64_t> parse_iso_date(std::string_view text);

// "YYYY-MM-DD" of a day counted from 1970-01-01.
std::string format_iso_date(std::int64_t unix_day);

// Floor division of seconds into days (times are >= 0 in valid files, floor keeps it exact anyway).
constexpr Day day_of(std::int64_t seconds) noexcept {
    const std::int64_t q = seconds / kSecondsPerDay;
    return static_cast<Day>((seconds % kSecondsPerDay < 0) ? q - 1 : q);
}

// Months since 1970-01 (year * 12 + month - 1 - 1970 * 12) of a day counted from 1970-01-01.
std::int32_t month_index(std::int64_t unix_day);

}  // namespace engage
