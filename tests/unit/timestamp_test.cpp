#include <gtest/gtest.h>

#include "core/dates.hpp"
#include "io/timestamp.hpp"

namespace engage::io {

namespace {

std::int64_t day(const char* iso) { return *parse_iso_date(iso); }

std::optional<std::int64_t> automatic(const char* text) { return parse_timestamp_day(text, DateFormat::automatic); }

}  // namespace

TEST(Timestamp, DatesInEachFormat) {
    EXPECT_EQ(automatic("2024-01-01"), day("2024-01-01"));
    EXPECT_EQ(automatic("20240229"), day("2024-02-29"));
    EXPECT_EQ(automatic("2024/01/15"), day("2024-01-15"));
    EXPECT_EQ(parse_timestamp_day("2024/01/15", DateFormat::iso), day("2024-01-15"));
    EXPECT_EQ(parse_timestamp_day("01/15/2024", DateFormat::mdy), day("2024-01-15"));
    EXPECT_EQ(parse_timestamp_day("1/5/2024", DateFormat::mdy), day("2024-01-05"));
    EXPECT_EQ(parse_timestamp_day("15.01.2024", DateFormat::dmy), day("2024-01-15"));
    EXPECT_EQ(parse_timestamp_day("15-01-2024", DateFormat::dmy), day("2024-01-15"));
    EXPECT_EQ(parse_timestamp_day("15/01/2024", DateFormat::dmy), day("2024-01-15"));
    // Not real dates, or not in the format asked for.
    for (const char* bad : {"2023-02-29", "2024-13-01", "2024-00-10", "2024-01-32", "2024-1-5", "2024-01/05",
                            "24-01-01", "202401015", "", "T10:00", "2024-01-01x", "01/15/2024"})
        EXPECT_FALSE(automatic(bad)) << bad;
    EXPECT_FALSE(parse_timestamp_day("15/01/2024", DateFormat::mdy));   // month 15
    EXPECT_FALSE(parse_timestamp_day("15/01.2024", DateFormat::dmy));   // mixed separators
    EXPECT_FALSE(parse_timestamp_day("2024-01-01", DateFormat::yyyymmdd));
    EXPECT_FALSE(parse_timestamp_day("20240101", DateFormat::iso));
}

TEST(Timestamp, TimesWithoutZoneKeepTheirDate) {
    EXPECT_EQ(automatic("2024-01-01T10:15:00"), day("2024-01-01"));
    EXPECT_EQ(automatic("2024-01-01 23:59:59"), day("2024-01-01"));
    EXPECT_EQ(automatic("2024-01-01T10:15"), day("2024-01-01"));
    EXPECT_EQ(automatic("2024-01-01T00:00:00.123456"), day("2024-01-01"));
    EXPECT_EQ(automatic("2024-01-01 7:05"), day("2024-01-01"));
    EXPECT_EQ(parse_timestamp_day("01/15/2024 11:59 PM", DateFormat::mdy), day("2024-01-15"));
    EXPECT_EQ(parse_timestamp_day("01/15/2024 12:30 AM", DateFormat::mdy), day("2024-01-15"));
    EXPECT_EQ(parse_timestamp_day("15.01.2024 08:00:00", DateFormat::dmy), day("2024-01-15"));
    for (const char* bad : {"2024-01-01T24:00", "2024-01-01T10:60", "2024-01-01T10:15:60", "2024-01-01T10",
                            "2024-01-01T10:15:00.", "2024-01-01X10:15", "2024-01-01T13:00 PM",
                            "2024-01-01T00:30 AM", "2024-01-01T10:15:00 Q"})
        EXPECT_FALSE(automatic(bad)) << bad;
}

TEST(Timestamp, ZonesGiveTheUtcDayAcrossMidnight) {
    EXPECT_EQ(automatic("2024-01-01T10:15:00Z"), day("2024-01-01"));
    // Late in the evening west of Greenwich is the next day in UTC.
    EXPECT_EQ(automatic("2024-01-01T23:30:00-02:00"), day("2024-01-02"));
    EXPECT_EQ(automatic("2024-01-01T21:59:59-02:00"), day("2024-01-01"));
    EXPECT_EQ(automatic("2024-01-01T22:00:00-02:00"), day("2024-01-02"));
    // Early in the morning east of Greenwich is the day before, across a year and a leap day.
    EXPECT_EQ(automatic("2024-01-01T01:00:00+02:00"), day("2023-12-31"));
    EXPECT_EQ(automatic("2024-03-01T05:29+0530"), day("2024-02-29"));
    EXPECT_EQ(automatic("2024-03-01T05:30+05:30"), day("2024-03-01"));
    EXPECT_EQ(automatic("2024-01-01T00:00:00.999+01"), day("2023-12-31"));
    EXPECT_EQ(automatic("2024-01-01 10:15:00 UTC"), day("2024-01-01"));
    EXPECT_EQ(automatic("2024-01-01 23:15:00 -0100"), day("2024-01-02"));
    EXPECT_EQ(parse_timestamp_day("12/31/2023 11:30 PM -05:00", DateFormat::mdy), day("2024-01-01"));
    EXPECT_EQ(automatic("1969-12-31T23:00:00-02:00"), day("1970-01-01"));
    EXPECT_EQ(automatic("1970-01-01T01:00:00+02:00"), -1);
    for (const char* bad : {"2024-01-01T10:15:00+25:00", "2024-01-01T10:15:00+18:01", "2024-01-01T10:15:00+2",
                            "2024-01-01T10:15:00+02:0", "2024-01-01T10:15:00Zx", "2024-01-01Z"})
        EXPECT_FALSE(automatic(bad)) << bad;
}

TEST(Timestamp, FormatNames) {
    EXPECT_EQ(parse_date_format("dd/mm/yyyy"), DateFormat::dmy);
    EXPECT_EQ(parse_date_format("DD.MM.YYYY"), DateFormat::dmy);
    EXPECT_EQ(parse_date_format("mdy"), DateFormat::mdy);
    EXPECT_EQ(parse_date_format("ISO"), DateFormat::iso);
    EXPECT_EQ(parse_date_format("YYYY-MM-DD"), DateFormat::iso);
    EXPECT_FALSE(parse_date_format("YY-MM-DD"));
    EXPECT_EQ(date_format_name(DateFormat::mdy), "MM/DD/YYYY");
}

}  // namespace engage::io
