#pragma once
// The date or timestamp field of a transaction log, as `engage import` reads it: the date
// formats that exports use, with an optional time of day and UTC offset, reduced to the UTC
// calendar day (the customer base stores days: docs/data-format.md). Serial code.
#include <cstdint>
#include <optional>
#include <string_view>

namespace engage::io {

// The order of the date's parts. automatic: year first, YYYYMMDD, YYYY-MM-DD or YYYY/MM/DD,
// told apart by the shape of each field. iso: YYYY-MM-DD or YYYY/MM/DD. dmy, mdy: day and month
// of one or two digits and a four-digit year, separated by '/', '.' or '-'.
enum class DateFormat { automatic, yyyymmdd, iso, dmy, mdy };

// From the spelling of the command line, case-insensitive: auto, YYYYMMDD, YYYY-MM-DD (or iso),
// DD/MM/YYYY (or dmy, DD.MM.YYYY), MM/DD/YYYY (or mdy); nullopt when unknown.
std::optional<DateFormat> parse_date_format(std::string_view text);
std::string_view date_format_name(DateFormat f) noexcept;

// Days since 1970-01-01 (UTC) of a date or timestamp: the date in format `f`, then optionally a
// time of day and a zone:
//   date [ ('T' | ' ') HH:MM [:SS [(. | ,) fraction]] [' '] [AM | PM] [' '] [zone] ]
//   zone: Z | UTC | GMT | +HH | +HHMM | +HH:MM (or '-'), at most 18:00
// A timestamp with a zone is converted to UTC and gives its UTC day, so that
// 2024-01-01T23:30:00-02:00 is 2024-01-02. One without a zone is taken as written (as UTC): its
// day is the date it names. Hours 0-23 (1-12 with AM/PM), minutes and seconds 0-59.
// nullopt when malformed or not a real calendar date.
std::optional<std::int64_t> parse_timestamp_day(std::string_view text, DateFormat f);

}  // namespace engage::io
