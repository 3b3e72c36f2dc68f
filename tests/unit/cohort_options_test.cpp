// Cohort retention options (issue 17 item 4) on hand-made customers with hand-computed
// matrices: yearly and rolling periods, brackets of periods, "on" and "on or after" retention,
// revenue retention, calendar vs rolling windows, the weighted mean row with small cohorts
// withheld, and the Wilson interval of a cell.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "civil_days.hpp"
#include "cohort/cohort_calendar.hpp"
#include "cohort/cohort_retention.hpp"
#include "stats/wilson.hpp"

namespace engage::kernels {
namespace {

// Days in the tests are counted from a file epoch of 2020-01-01.
using testing_support::kEpoch;
using testing_support::on;
using testing_support::unix_day;

using V = std::vector<std::int64_t>;

TEST(CohortCalendar, YearsAndRollingPeriods) {
    EXPECT_EQ(period_of(CohortUnit::year, unix_day(2024, 6, 1)), 54);
    EXPECT_EQ(period_of(CohortUnit::year, unix_day(1969, 12, 31)), -1);
    EXPECT_EQ(period_start(CohortUnit::year, 54), unix_day(2024, 1, 1));
    EXPECT_EQ(parse_cohort_unit("year"), CohortUnit::year);
    EXPECT_EQ(parse_cohort_window("rolling"), CohortWindow::rolling);
    EXPECT_FALSE(parse_cohort_window("sliding").has_value());
    // Weeks: 7 days from the start day, whatever its weekday.
    const std::int64_t s = unix_day(2024, 1, 3);  // a Wednesday
    EXPECT_EQ(rolling_period_of(CohortUnit::week, s, s + 6), 0);
    EXPECT_EQ(rolling_period_of(CohortUnit::week, s, s + 7), 1);
    EXPECT_EQ(rolling_period_start(CohortUnit::week, s, 2), s + 14);
    // Months from January 31st, 2024 (a leap year): month 1 starts on February 29th, month 2 on
    // March 31st; from January 31st, 2023 month 1 starts on February 28th.
    const std::int64_t jan31 = unix_day(2024, 1, 31);
    EXPECT_EQ(rolling_period_start(CohortUnit::month, jan31, 1), unix_day(2024, 2, 29));
    EXPECT_EQ(rolling_period_start(CohortUnit::month, jan31, 2), unix_day(2024, 3, 31));
    EXPECT_EQ(rolling_period_start(CohortUnit::month, unix_day(2023, 1, 31), 1), unix_day(2023, 2, 28));
    EXPECT_EQ(rolling_period_of(CohortUnit::month, jan31, unix_day(2024, 2, 28)), 0);
    EXPECT_EQ(rolling_period_of(CohortUnit::month, jan31, unix_day(2024, 2, 29)), 1);
    EXPECT_EQ(rolling_period_of(CohortUnit::month, jan31, unix_day(2024, 3, 30)), 1);
    EXPECT_EQ(rolling_period_of(CohortUnit::month, jan31, unix_day(2024, 3, 31)), 2);
    // From the 15th: the 14th of the next month is still month 0.
    EXPECT_EQ(rolling_period_of(CohortUnit::month, unix_day(2024, 1, 15), unix_day(2024, 2, 14)), 0);
    EXPECT_EQ(rolling_period_of(CohortUnit::month, unix_day(2024, 1, 15), unix_day(2024, 2, 15)), 1);
    // Quarters and years are whole months / 3 and / 12.
    EXPECT_EQ(rolling_period_of(CohortUnit::quarter, unix_day(2023, 11, 30), unix_day(2024, 2, 28)), 0);
    EXPECT_EQ(rolling_period_of(CohortUnit::quarter, unix_day(2023, 11, 30), unix_day(2024, 2, 29)), 1);
    EXPECT_EQ(rolling_period_start(CohortUnit::year, unix_day(2024, 2, 29), 1), unix_day(2025, 2, 28));
    EXPECT_EQ(rolling_period_of(CohortUnit::year, unix_day(2024, 2, 29), unix_day(2025, 2, 27)), 0);
    // Every period starts where the one before ends, from any start day.
    for (CohortUnit u : {CohortUnit::week, CohortUnit::month, CohortUnit::quarter, CohortUnit::year})
        for (std::int64_t start = unix_day(2023, 1, 1); start < unix_day(2024, 12, 31); start += 3)
            for (std::int64_t k = 0; k < 30; k += 1) {
                const std::int64_t first = rolling_period_start(u, start, k);
                ASSERT_EQ(rolling_period_of(u, start, first), k) << int(u) << " " << start << " " << k;
                if (k > 0) {
                    ASSERT_EQ(rolling_period_of(u, start, first - 1), k - 1) << int(u) << " " << start << " " << k;
                }
            }
}

TEST(WilsonInterval, HandComputedValues) {
    // 5 of 10: centre 0.5, half-width 1.96 / 13.8415 * sqrt(2.5 + 0.9604) = 0.26344.
    const ProportionInterval half = wilson_interval(5, 10);
    EXPECT_NEAR(half.lower, 0.23659, 1e-5);
    EXPECT_NEAR(half.upper, 0.76341, 1e-5);
    // 0 of 10: [0, z^2 / (n + z^2)] = [0, 3.8415 / 13.8415].
    const ProportionInterval none = wilson_interval(0, 10);
    EXPECT_EQ(none.lower, 0.0);
    EXPECT_NEAR(none.upper, 0.27753, 1e-5);
    // 10 of 10 mirrors it; 1 of 1 is [0.2065, 1].
    EXPECT_EQ(wilson_interval(10, 10).upper, 1.0);
    EXPECT_NEAR(wilson_interval(10, 10).lower, 1 - 0.27753, 1e-5);
    EXPECT_NEAR(wilson_interval(1, 1).lower, 0.20654, 1e-5);
    EXPECT_TRUE(std::isnan(wilson_interval(0, 0).lower));
}

// The customers of the hand-computed matrices: group, acquisition day, other interactions,
// purchases in cents. Cohorts January .. June 2024, as of June 30th (June complete).
struct Customer {
    std::size_t group;
    Day acquisition;
    std::vector<Day> activity;
    std::vector<CohortPurchase> purchases;
};

std::vector<Customer> customers() {
    return {
        // P: January; purchases Jan 10 $10, Feb 5 $5, Apr 20 $20.
        {0, on(2024, 1, 10), {}, {{on(2024, 1, 10), 1000}, {on(2024, 2, 5), 500}, {on(2024, 4, 20), 2000}}},
        // Q: January 31st, $10; a visit (no purchase) on March 1st.
        {0, on(2024, 1, 31), {on(2024, 3, 1)}, {{on(2024, 1, 31), 1000}}},
        // R: February; Feb 15 $20, Mar 10 $10, Jun 30 $30.
        {0, on(2024, 2, 15), {}, {{on(2024, 2, 15), 2000}, {on(2024, 3, 10), 1000}, {on(2024, 6, 30), 3000}}},
        // S: March; Mar 3 $5 only.
        {0, on(2024, 3, 3), {}, {{on(2024, 3, 3), 500}}},
        // T (group 1): January; Jan 20 $40, and Jul 2 $10 after the as-of day (ignored).
        {1, on(2024, 1, 20), {}, {{on(2024, 1, 20), 4000}, {on(2024, 7, 2), 1000}}},
    };
}

CohortConfig config(CohortWindow window) {
    CohortConfig c;
    c.unit = CohortUnit::month;
    c.epoch_unix_day = kEpoch;
    c.first_day = on(2024, 1, 10);
    c.as_of = on(2024, 6, 30);
    c.window = window;
    c.brackets = {0, 1, 3, 6};  // columns: period 0, periods 1-2, periods 3-5
    return c;
}

CohortRetention fold(const CohortConfig& c) {
    CohortRetention r(c, 2);
    for (const Customer& cu : customers()) r.update(cu.group, cu.acquisition, cu.activity, cu.purchases);
    return r;
}

const std::vector<std::size_t> kBoth = {0, 1};

TEST(CohortOptions, CalendarBracketsOnOnOrAfterAndRevenueByHand) {
    // Calendar months since the cohort's, and revenue (cents) in each:
    //   P Jan: k0 1000, k1 500, k3 2000      Q Jan: k0 1000, k2 0 (the visit)    T Jan: k0 4000
    //   R Feb: k0 2000, k1 1000, k4 3000     S Mar: k0 500
    // Observed (cohort c + last period of the bracket <= June = c 5): column 0 every cohort,
    // column 1-2 cohorts Jan..Apr, column 3-5 January only.
    const CohortRetention r = fold(config(CohortWindow::calendar));
    EXPECT_EQ(r.cohorts(), 6);
    EXPECT_EQ(r.brackets(), 3);
    EXPECT_EQ(r.entrants(0), 4);
    EXPECT_EQ(r.entrants(1), 1);
    const CohortTable t = r.table(CohortEntry::first_time, kBoth);
    EXPECT_EQ(t.size, (V{3, 1, 1, 0, 0, 0}));
    EXPECT_EQ(t.eligible, (V{3, 3, 3,  1, 1, 0,  1, 1, 0,  0, 0, 0,  0, 0, 0,  0, 0, 0}));
    // On: Jan 1-2: P (k1), Q (k2); 3-5: P (k3). Feb 1-2: R (k1). Mar 1-2: S not back.
    EXPECT_EQ(t.active, (V{3, 2, 1,  1, 1, 0,  1, 0, 0,  0, 0, 0,  0, 0, 0,  0, 0, 0}));
    // On or after: Jan 3-5: P (last k3); Q's last is k2. R's k4 is not observed in column 3-5.
    EXPECT_EQ(t.rolling, (V{3, 2, 1,  1, 1, 0,  1, 0, 0,  0, 0, 0,  0, 0, 0,  0, 0, 0}));
    EXPECT_EQ(t.revenue, (V{6000, 500, 2000,  2000, 1000, 0,  500, 0, 0,  0, 0, 0,  0, 0, 0,  0, 0, 0}));
    EXPECT_EQ(t.revenue_base, (V{6000, 6000, 6000,  2000, 2000, 0,  500, 500, 0,  0, 0, 0,  0, 0, 0,  0, 0, 0}));
    EXPECT_DOUBLE_EQ(t.rate(0, 1), 2.0 / 3);
    EXPECT_DOUBLE_EQ(t.rate(0, 2), 1.0 / 3);
    EXPECT_TRUE(std::isnan(t.rate(1, 2)));  // February + 5 = July: not observed
    EXPECT_TRUE(t.observed(3, 1));          // April + 2 = June, an empty cohort
    EXPECT_TRUE(std::isnan(t.rate(3, 1)));
    // Revenue retention per period of the bracket: Jan 1-2: 500 / 2 / 6000; 3-5: 2000 / 3 / 6000.
    EXPECT_DOUBLE_EQ(t.revenue_retention(0, 0), 1.0);
    EXPECT_DOUBLE_EQ(t.revenue_retention(0, 1), 500.0 / 2 / 6000);
    EXPECT_DOUBLE_EQ(t.revenue_retention(0, 2), 2000.0 / 3 / 6000);
    EXPECT_DOUBLE_EQ(t.revenue_retention(1, 1), 0.25);
    EXPECT_DOUBLE_EQ(t.revenue_per_customer(0, 1), 5.0 / 3);  // $5 over 3 customers
    // Mean row weighted by cohort size over the cohorts with eligible customers:
    //   0: 5 / 5;  1-2: (2 + 1 + 0) / (3 + 1 + 1) = 3/5;  3-5: 1 / 3 (January only).
    EXPECT_EQ(t.mean_size, (V{5, 5, 3}));
    EXPECT_EQ(t.mean_active, (V{5, 3, 1}));
    EXPECT_EQ(t.mean_rolling, (V{5, 3, 1}));
    EXPECT_DOUBLE_EQ(t.mean_rate(1), 0.6);
    EXPECT_DOUBLE_EQ(t.mean_revenue_retention(1), 1500.0 / 2 / 8500);
    EXPECT_DOUBLE_EQ(t.mean_revenue_per_customer(0), 85.0 / 5);
}

TEST(CohortOptions, SmallCohortsAreWithheldAndLeftOutOfTheMean) {
    // With a minimum of 2 customers, February (R) and March (S) are withheld: the mean row is
    // January's alone, 3/3, 2/3, 1/3; empty cohorts are not withheld (nothing to hide).
    const CohortTable t = fold(config(CohortWindow::calendar)).table(CohortEntry::first_time, kBoth, 2);
    EXPECT_EQ(t.suppressed, (std::vector<std::uint8_t>{0, 1, 1, 0, 0, 0}));
    EXPECT_EQ(t.mean_size, (V{3, 3, 3}));
    EXPECT_EQ(t.mean_active, (V{3, 2, 1}));
    EXPECT_DOUBLE_EQ(t.mean_rate(1), 2.0 / 3);
    EXPECT_EQ(t.mean_revenue, (V{6000, 500, 2000}));
    // Group 0 alone: January has P and Q, 2 customers: still shown; group 1 (T) withheld.
    const CohortTable g0 = fold(config(CohortWindow::calendar)).table(CohortEntry::first_time, std::size_t(0), 2);
    EXPECT_EQ(g0.suppressed[0], 0);
    EXPECT_EQ(g0.mean_active, (V{2, 2, 1}));
    const CohortTable g1 = fold(config(CohortWindow::calendar)).table(CohortEntry::first_time, std::size_t(1), 2);
    EXPECT_EQ(g1.suppressed[0], 1);
    EXPECT_EQ(g1.mean_size, (V{0, 0, 0}));
    EXPECT_TRUE(std::isnan(g1.mean_rate(0)));
}

TEST(CohortOptions, RollingWindowsByHand) {
    // Whole months from each customer's own acquisition day, revenue per period:
    //   P (Jan 10): Feb 5 is still month 0: k0 1500, Apr 20 k3 2000
    //   Q (Jan 31): Mar 1 is month 1 (month 1 starts Feb 29): k0 1000, k1 0
    //   T (Jan 20): k0 4000       R (Feb 15): Mar 10 k0, Jun 30 k4: k0 3000, k4 3000
    //   S (Mar 3): k0 500
    // Eligible for a bracket when its last period has ended by June 30th: periods 1-2 end the
    // day before month 3 (P Apr 10, Q Apr 30, T Apr 20, R May 15, S Jun 3: all); periods 3-5
    // the day before month 6 (P Jul 10, ...: none).
    const CohortRetention r = fold(config(CohortWindow::rolling));
    EXPECT_FALSE(r.has_recurring());
    EXPECT_THROW(r.table(CohortEntry::recurring, kBoth), std::invalid_argument);
    const CohortTable t = r.table(CohortEntry::first_time, kBoth);
    EXPECT_EQ(t.size, (V{3, 1, 1, 0, 0, 0}));
    EXPECT_EQ(t.eligible, (V{3, 3, 0,  1, 1, 0,  1, 1, 0,  0, 0, 0,  0, 0, 0,  0, 0, 0}));
    // On in 1-2: Q only (P's next month is 3). On or after 1: P (last k3), Q (k1); R (k4).
    EXPECT_EQ(t.active, (V{3, 1, 0,  1, 0, 0,  1, 0, 0,  0, 0, 0,  0, 0, 0,  0, 0, 0}));
    EXPECT_EQ(t.rolling, (V{3, 2, 0,  1, 1, 0,  1, 0, 0,  0, 0, 0,  0, 0, 0,  0, 0, 0}));
    EXPECT_EQ(t.revenue, (V{6500, 0, 0,  3000, 0, 0,  500, 0, 0,  0, 0, 0,  0, 0, 0,  0, 0, 0}));
    // January's 3-5 column is observed (a customer of January 1st would have reached month 6
    // on July 1st) but has no eligible customer: no rate, and nothing in the mean.
    EXPECT_TRUE(t.observed(0, 2));
    EXPECT_TRUE(std::isnan(t.rate(0, 2)));
    EXPECT_FALSE(t.observed(1, 2));
    EXPECT_DOUBLE_EQ(t.rate(0, 1), 1.0 / 3);
    EXPECT_DOUBLE_EQ(t.rolling_rate(0, 1), 2.0 / 3);
    EXPECT_EQ(t.mean_size, (V{5, 5, 0}));
    EXPECT_EQ(t.mean_active, (V{5, 1, 0}));
    EXPECT_EQ(t.mean_rolling, (V{5, 3, 0}));
    EXPECT_TRUE(std::isnan(t.mean_rate(2)));
}

TEST(CohortOptions, RollingWeeksCountOnlyCustomersWhoseWeekHasEnded) {
    // Weekly rolling periods as of Sunday 2024-01-14: a customer acquired on Wednesday
    // 2024-01-10 has not finished its week 0 (it ends Tuesday 2024-01-16): not eligible.
    CohortConfig c;
    c.unit = CohortUnit::week;
    c.window = CohortWindow::rolling;
    c.epoch_unix_day = kEpoch;
    c.first_day = on(2024, 1, 1);
    c.as_of = on(2024, 1, 14);
    c.periods = 2;
    CohortRetention r(c, 1);
    const std::vector<Day> a = {on(2024, 1, 9)};                 // Monday 1st: back on day 8, week 1
    r.update(0, on(2024, 1, 1), a);
    r.update(0, on(2024, 1, 10), {});
    const CohortTable t = r.table(CohortEntry::first_time, std::size_t(0));
    EXPECT_EQ(t.size, (V{1, 1}));
    EXPECT_EQ(t.eligible, (V{1, 1, 0, 0}));   // week 1 of the first ends Sunday the 14th
    EXPECT_EQ(t.active, (V{1, 1, 0, 0}));
}

TEST(CohortOptions, BracketsAreCheckedAndMergeExactly) {
    CohortConfig c = config(CohortWindow::calendar);
    c.brackets = {0};
    EXPECT_THROW(CohortRetention(c, 1), std::invalid_argument);
    c.brackets = {0, 3, 3};
    EXPECT_THROW(CohortRetention(c, 1), std::invalid_argument);
    c.brackets = {1, 2};  // a first bracket that leaves period 0 out is allowed
    EXPECT_NO_THROW(CohortRetention(c, 1));
    // Default brackets: one per period.
    CohortConfig d = config(CohortWindow::calendar);
    d.brackets.clear();
    d.periods = 4;
    EXPECT_EQ(cohort_bracket_bounds(d), (std::vector<std::int32_t>{0, 1, 2, 3, 4}));
    // Customer by customer in two states merged equals one state, both windows.
    for (CohortWindow w : {CohortWindow::calendar, CohortWindow::rolling}) {
        const CohortRetention whole = fold(config(w));
        CohortRetention a(config(w), 2), b(config(w), 2);
        const auto cs = customers();
        for (std::size_t i = 0; i < cs.size(); ++i)
            (i % 2 ? a : b).update(cs[i].group, cs[i].acquisition, cs[i].activity, cs[i].purchases);
        b.combine(a);
        EXPECT_TRUE(b == whole);
    }
}

}  // namespace
}  // namespace engage::kernels
