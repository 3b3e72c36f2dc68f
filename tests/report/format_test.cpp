// The number, date and text formats of report.html, and the axis ticks of its charts.
#include <gtest/gtest.h>

#include <cmath>

#include "io/report/html/format.hpp"
#include "io/report/html/page.hpp"
#include "io/report/html/palette.hpp"
#include "io/report/html/svg.hpp"

namespace engage::io::html {
namespace {

const std::string kMinus = "\u2212";

TEST(HtmlFormat, EscapesEveryHtmlSpecialCharacter) {
    EXPECT_EQ(escape("<a href=\"x\">Tom & Jerry's</a>"), "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    EXPECT_EQ(escape("Zürich"), "Zürich");  // UTF-8 passes through
    EXPECT_EQ(escape(""), "");
}

TEST(HtmlFormat, IntegersHaveThousandsSeparators) {
    EXPECT_EQ(integer(0), "0");
    EXPECT_EQ(integer(999), "999");
    EXPECT_EQ(integer(1000), "1,000");
    EXPECT_EQ(integer(1234567), "1,234,567");
    EXPECT_EQ(integer(17425.4), "17,425");
    EXPECT_EQ(integer(-2500), kMinus + "2,500");
    EXPECT_EQ(integer(NAN), "n/a");
}

TEST(HtmlFormat, CompactNumbersKeepThreeSignificantDigits) {
    EXPECT_EQ(compact(950), "950");
    EXPECT_EQ(compact(3.14159), "3.14");
    EXPECT_EQ(compact(12.5), "12.5");
    EXPECT_EQ(compact(12345), "12.3 k");
    EXPECT_EQ(compact(753730.44), "754 k");
    EXPECT_EQ(compact(999950), "1.00 M");  // not "1000 k"
    EXPECT_EQ(compact(4.5e6), "4.50 M");
    // Three significant digits in every unit: a column of amounts reads at one precision (issue 16).
    EXPECT_EQ(compact(1e7), "10.0 M");
    EXPECT_EQ(compact(9.72e6), "9.72 M");
    EXPECT_EQ(compact(0), "0");
    EXPECT_EQ(compact(36195068.94), "36.2 M");
    EXPECT_EQ(compact(7.1e9), "7.10 bn");
    EXPECT_EQ(compact(-12345), kMinus + "12.3 k");
    EXPECT_EQ(compact(INFINITY), "n/a");
    EXPECT_EQ(count(1882), "1,882");
    EXPECT_EQ(count(2357000), "2.36 M");
}

TEST(HtmlFormat, PercentagesSignsAndPoints) {
    EXPECT_EQ(percent(0.1726), "17.3%");
    EXPECT_EQ(percent(1.0, 0), "100%");
    EXPECT_EQ(percent(NAN), "n/a");
    EXPECT_EQ(fixed(47.936, 1), "47.9");
    EXPECT_EQ(fixed(-0.04, 1), "0.0");  // no "-0.0"
    EXPECT_EQ(signed_fixed(0.44, 1), "+0.4");
    EXPECT_EQ(signed_fixed(-0.44, 1), kMinus + "0.4");
    EXPECT_EQ(signed_fixed(0.04, 1), "0.0");
    EXPECT_EQ(signed_points(0.021), "+2.1 pp");
    EXPECT_EQ(seconds(0.3612), "0.36 s");
    EXPECT_EQ(seconds(185), "3 min 05 s");
    EXPECT_EQ(bytes(74883072), "75 MB");
}

TEST(HtmlFormat, DatesForPeople) {
    EXPECT_EQ(date("2025-06-30"), "30 Jun 2025");
    EXPECT_EQ(date("1997-01-01"), "1 Jan 1997");
    EXPECT_EQ(date("2025-02-30"), "2025-02-30");          // not a date: shown as it is
    EXPECT_EQ(date("<b>"), "&lt;b&gt;");                   // and escaped
    EXPECT_EQ(period("1997-04-01", "month"), "Apr 1997");
    EXPECT_EQ(period("1997-04-01", "quarter"), "1997 Q2");
    EXPECT_EQ(period("1997-01-06", "week"), "6 Jan 1997");
    EXPECT_EQ(label("actively_disengaged"), "Actively disengaged");
}

TEST(HtmlFormat, ShortenCountsCharactersNotBytes) {
    EXPECT_EQ(shorten("Relationship manager", 40), "Relationship manager");
    EXPECT_EQ(shorten("abcdefghij", 5), "abcd\u2026");
    EXPECT_EQ(shorten("ééééééé", 4), "ééé\u2026");  // two bytes each, never cut in half
    EXPECT_EQ(shorten("a<b>cdef", 4), "a&lt;b\u2026");
}

TEST(HtmlSvg, NiceTicksEncloseTheRange) {
    const Ticks t = nice_ticks(0, 17425, 5);
    EXPECT_EQ(t.step, 5000);
    ASSERT_EQ(t.values.size(), 5u);
    EXPECT_EQ(t.lo(), 0);
    EXPECT_EQ(t.hi(), 20000);
    const Ticks p = nice_ticks(0.62, 0.77, 5);
    EXPECT_DOUBLE_EQ(p.step, 0.05);
    EXPECT_DOUBLE_EQ(p.lo(), 0.60);
    EXPECT_DOUBLE_EQ(p.hi(), 0.80);
    const Ticks flat = nice_ticks(3, 3, 5);  // an empty range still gives an axis
    EXPECT_LT(flat.lo(), flat.hi());
    EXPECT_EQ(coord(12.345), "12.3");
    EXPECT_EQ(coord(40.0), "40");
    EXPECT_EQ(coord(-0.01), "0");
}

TEST(HtmlPalette, ScalesRunFromLightToDark) {
    EXPECT_EQ(sequential(0), "#F7FBFF");
    EXPECT_EQ(sequential(1), "#08306B");
    EXPECT_EQ(sequential(2), "#08306B");  // clamped
    EXPECT_EQ(diverging(0), "#F7F7F7");
    EXPECT_EQ(diverging(1), "#2166AC");
    EXPECT_EQ(diverging(-1), "#B35806");
    EXPECT_STREQ(ink_on("#08306B"), "#FFFFFF");
    EXPECT_STREQ(ink_on("#F7FBFF"), "#1B1F24");
    EXPECT_STREQ(tier_colour(0), okabe_ito::blue);
}

// One rule for the trend arrows (issue 16): the arrow follows the number shown, so every
// "-0.5" gets the flat arrow whatever the unrounded change was.
TEST(Format, TrendArrowFollowsTheNumberShown) {
    for (double change : {-0.504, -0.5, -0.496, 0.45, 0.549})
        EXPECT_NE(trend_arrow(change, 0.5, 1).find("\u25B6"), std::string::npos) << change;
    EXPECT_NE(trend_arrow(-0.55, 0.5, 1).find("\u25BC \u22120.6"), std::string::npos);
    EXPECT_NE(trend_arrow(0.56, 0.5, 1).find("\u25B2 +0.6"), std::string::npos);
}

}  // namespace
}  // namespace engage::io::html
