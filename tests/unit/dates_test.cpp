#include <gtest/gtest.h>

#include "core/dates.hpp"

namespace engage {

TEST(Dates, ParsesAndFormatsIsoDates) {
    EXPECT_EQ(parse_iso_date("1970-01-01"), 0);
    EXPECT_EQ(parse_iso_date("2021-01-01"), 18628);
    EXPECT_EQ(parse_iso_date("2024-02-29"), 19782);
    EXPECT_EQ(format_iso_date(19782), "2024-02-29");
    EXPECT_EQ(format_iso_date(-1), "1969-12-31");
}

TEST(Dates, RejectsMalformedDates) {
    EXPECT_FALSE(parse_iso_date("2023-02-29"));
    EXPECT_FALSE(parse_iso_date("2023-13-01"));
    EXPECT_FALSE(parse_iso_date("2023-1-01"));
    EXPECT_FALSE(parse_iso_date("20230101"));
    EXPECT_FALSE(parse_iso_date("2023-01-0x"));
    EXPECT_FALSE(parse_iso_date(""));
}

TEST(Dates, DayOfFloorsSecondsAndMonthIndexCountsFrom1970) {
    EXPECT_EQ(day_of(0), 0);
    EXPECT_EQ(day_of(86399), 0);
    EXPECT_EQ(day_of(86400), 1);
    EXPECT_EQ(day_of(-1), -1);
    EXPECT_EQ(month_index(0), 0);
    EXPECT_EQ(month_index(*parse_iso_date("2021-03-31")), 51 * 12 + 2);
}

}  // namespace engage
