// Cohort retention: calendar periods, hand-computed month and quarter matrices crossing a year
// boundary, first-time vs recurring entry, classic vs rolling retention, the weighted mean row,
// groups, and merging in any order.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

#include "cohort/cohort_calendar.hpp"
#include "civil_days.hpp"
#include "cohort/cohort_retention.hpp"

namespace engage::kernels {
namespace {

using namespace std::chrono;

// Days in the tests are counted from a file epoch of 2020-01-01.
using testing_support::kEpoch;
using testing_support::on;
using testing_support::unix_day;

TEST(CohortCalendar, PeriodsAreCalendarWeeksMonthsAndQuarters) {
    EXPECT_EQ(period_of(CohortUnit::month, 0), 0);                      // 1970-01
    EXPECT_EQ(period_of(CohortUnit::month, unix_day(2023, 12, 31)), 53 * 12 + 11);
    EXPECT_EQ(period_of(CohortUnit::month, unix_day(2024, 1, 1)), 54 * 12);
    EXPECT_EQ(period_of(CohortUnit::month, unix_day(1969, 12, 31)), -1);
    EXPECT_EQ(period_of(CohortUnit::quarter, unix_day(2023, 12, 31)), 54 * 4 - 1);
    EXPECT_EQ(period_of(CohortUnit::quarter, unix_day(2024, 1, 1)), 54 * 4);
    EXPECT_EQ(period_of(CohortUnit::quarter, unix_day(2024, 3, 31)), 54 * 4);
    EXPECT_EQ(period_of(CohortUnit::quarter, unix_day(2024, 4, 1)), 54 * 4 + 1);
    EXPECT_EQ(period_of(CohortUnit::quarter, unix_day(1969, 10, 1)), -1);
    EXPECT_EQ(period_start(CohortUnit::month, 54 * 12 + 1), unix_day(2024, 2, 1));
    EXPECT_EQ(period_start(CohortUnit::month, 54 * 12 + 2) - period_start(CohortUnit::month, 54 * 12 + 1), 29);  // leap
    EXPECT_EQ(period_start(CohortUnit::quarter, 54 * 4 - 1), unix_day(2023, 10, 1));
    EXPECT_EQ(period_start(CohortUnit::month, -1), unix_day(1969, 12, 1));
    // ISO weeks: 2024-01-01 is a Monday, so 2023-12-31 (Sunday) ends the week before.
    EXPECT_EQ(period_of(CohortUnit::week, unix_day(2024, 1, 1)), period_of(CohortUnit::week, unix_day(2023, 12, 31)) + 1);
    EXPECT_EQ(period_of(CohortUnit::week, unix_day(2024, 1, 7)), period_of(CohortUnit::week, unix_day(2024, 1, 1)));
    EXPECT_EQ(period_of(CohortUnit::week, 0), 0);   // Thursday 1970-01-01
    EXPECT_EQ(period_of(CohortUnit::week, -3), 0);  // Monday 1969-12-29
    EXPECT_EQ(period_of(CohortUnit::week, -4), -1);
    // Every day lies in [start(p), start(p + 1)) of its period p, and starts are the first day
    // of a month / a quarter / a Monday.
    for (CohortUnit u : {CohortUnit::week, CohortUnit::month, CohortUnit::quarter})
        for (std::int64_t d = -800; d < 20000; d += 7) {
            const std::int64_t p = period_of(u, d);
            EXPECT_LE(period_start(u, p), d);
            EXPECT_LT(d, period_start(u, p + 1));
            const year_month_day start{sys_days{days{period_start(u, p)}}};
            if (u == CohortUnit::week) {
                EXPECT_EQ(weekday{sys_days{days{period_start(u, p)}}}, Monday);
            } else {
                EXPECT_EQ(start.day(), day{1});
                if (u == CohortUnit::quarter) {
                    EXPECT_EQ((unsigned(start.month()) - 1) % 3, 0u);
                }
            }
        }
    EXPECT_EQ(parse_cohort_unit("quarter"), CohortUnit::quarter);
    EXPECT_FALSE(parse_cohort_unit("decade").has_value());
}

// The customers of the hand-computed examples: (group, acquisition day, activity days).
struct Customer {
    std::size_t group;
    Day acquisition;
    std::vector<Day> activity;
};

std::vector<Customer> customers() {
    return {
        {0, on(2023, 11, 5), {on(2023, 11, 5), on(2023, 11, 20), on(2024, 1, 10)}},     // A
        {0, on(2023, 11, 30), {on(2023, 12, 1), on(2024, 2, 29)}},                       // B
        {0, on(2023, 12, 31), {on(2024, 1, 1), on(2024, 3, 5)}},                         // C
        {0, on(2024, 1, 15), {}},                                                        // D
        {0, on(2023, 10, 20), {on(2023, 10, 20), on(2023, 12, 10), on(2024, 2, 1)}},     // E
        {0, on(2024, 3, 1), {on(2024, 3, 2)}},                                           // F
        {1, on(2024, 2, 10), {on(2024, 2, 11)}},                                         // G
    };
}

CohortRetention fold(const CohortConfig& config, const std::vector<Customer>& cs) {
    CohortRetention r(config, 2);
    for (const Customer& c : cs) r.update(c.group, c.acquisition, c.activity);
    return r;
}

CohortConfig monthly() {
    CohortConfig c;
    c.unit = CohortUnit::month;
    c.epoch_unix_day = kEpoch;
    c.first_day = on(2023, 11, 1);
    c.as_of = on(2024, 2, 29);  // the last day of February: February is complete
    c.periods = 4;
    return c;
}

const std::vector<std::size_t> kBoth = {0, 1};

TEST(CohortRetention, MonthlyFirstTimeByHand) {
    // Cohorts Nov 2023 .. Feb 2024; active months of each customer (k = months since cohort):
    //   A Nov: Nov, Jan (k 0, 2)     B Nov: Nov, Dec, Feb (k 0, 1, 3)    C Dec: Dec, Jan (k 0, 1;
    //   March is after the as-of day)   D Jan: Jan   G Feb: Feb (group 1)
    //   E acquired in October, before the first cohort: left out.   F acquired after as-of.
    const CohortRetention r = fold(monthly(), customers());
    EXPECT_EQ(r.cohorts(), 4);
    EXPECT_EQ(r.acquired_before_first(0), 1);
    const CohortTable t = r.table(CohortEntry::first_time, kBoth);
    EXPECT_EQ(t.size, (std::vector<std::int64_t>{2, 1, 1, 1}));
    // Classic: active in month k. Unobserved cells (c + k after February) are 0 here.
    EXPECT_EQ(t.active, (std::vector<std::int64_t>{2, 1, 1, 1,    // Nov: A+B, B, A, B
                                                   1, 1, 0, 0,    // Dec: C, C, -, (Mar)
                                                   1, 0, 0, 0,    // Jan: D
                                                   1, 0, 0, 0})); // Feb: G
    // Rolling: active in month k or later. A last active at k = 2, B at k = 3, C at k = 1.
    EXPECT_EQ(t.rolling, (std::vector<std::int64_t>{2, 2, 2, 1,
                                                    1, 1, 0, 0,
                                                    1, 0, 0, 0,
                                                    1, 0, 0, 0}));
    EXPECT_TRUE(t.observed(0, 3));   // Nov + 3 = Feb
    EXPECT_FALSE(t.observed(1, 3));  // Dec + 3 = Mar
    EXPECT_TRUE(t.observed(3, 0));
    EXPECT_FALSE(t.observed(3, 1));
    EXPECT_EQ(t.rate(0, 1), 0.5);
    EXPECT_EQ(t.rolling_rate(0, 2), 1.0);
    EXPECT_TRUE(std::isnan(t.rate(1, 3)));
    // Mean row weighted by cohort size, over the cohorts observed at k:
    //   k0: all four, (2+1+1+1) / (2+1+1+1) = 5/5;   k1: Nov, Dec, Jan: (1+1+0) / (2+1+1) = 2/4
    //   k2: Nov, Dec: (1+0) / 3;                     k3: Nov: 1/2
    //   rolling: k1 (2+1+0)/4 = 3/4, k2 (2+0)/3, k3 1/2
    EXPECT_EQ(t.mean_size, (std::vector<std::int64_t>{5, 4, 3, 2}));
    EXPECT_EQ(t.mean_active, (std::vector<std::int64_t>{5, 2, 1, 1}));
    EXPECT_EQ(t.mean_rolling, (std::vector<std::int64_t>{5, 3, 2, 1}));
    EXPECT_EQ(t.mean_rate(1), 0.5);
    EXPECT_EQ(t.mean_rolling_rate(1), 0.75);
    EXPECT_EQ(t.mean_rate(2), 1.0 / 3);
    EXPECT_EQ(t.cohort_start_unix_day(2), unix_day(2024, 1, 1));
}

TEST(CohortRetention, MonthlyRecurringByHand) {
    // Each customer enters the cohort of every active month from November on:
    //   A: Nov (k 0, 2), Jan (k 0)                B: Nov (k 0, 1, 3), Dec (k 0, 2), Feb (k 0)
    //   C: Dec (k 0, 1), Jan (k 0)                D: Jan (k 0)
    //   E: Dec (k 0, 2), Feb (k 0): acquired in October, but active in December and February
    //   G: Feb (k 0)
    const CohortTable t = fold(monthly(), customers()).table(CohortEntry::recurring, kBoth);
    EXPECT_EQ(t.size, (std::vector<std::int64_t>{2, 3, 3, 3}));  // Nov A B; Dec B C E; Jan A C D; Feb B E G
    EXPECT_EQ(t.active, (std::vector<std::int64_t>{2, 1, 1, 1,
                                                   3, 1, 2, 0,
                                                   3, 0, 0, 0,
                                                   3, 0, 0, 0}));
    EXPECT_EQ(t.rolling, (std::vector<std::int64_t>{2, 2, 2, 1,
                                                    3, 3, 2, 0,
                                                    3, 0, 0, 0,
                                                    3, 0, 0, 0}));
    EXPECT_EQ(t.mean_size, (std::vector<std::int64_t>{11, 8, 5, 2}));
    EXPECT_EQ(t.mean_active, (std::vector<std::int64_t>{11, 1 + 1 + 0, 1 + 2, 1}));
}

TEST(CohortRetention, GroupsArePooledOnRequest) {
    const CohortRetention r = fold(monthly(), customers());
    const CohortTable g0 = r.table(CohortEntry::first_time, std::size_t(0));
    const CohortTable g1 = r.table(CohortEntry::first_time, std::size_t(1));
    EXPECT_EQ(g0.size, (std::vector<std::int64_t>{2, 1, 1, 0}));
    EXPECT_EQ(g1.size, (std::vector<std::int64_t>{0, 0, 0, 1}));
    EXPECT_TRUE(std::isnan(g0.rate(3, 0)));  // empty cohort
    const CohortTable both = r.table(CohortEntry::first_time, kBoth);
    for (std::size_t i = 0; i < both.active.size(); ++i) EXPECT_EQ(both.active[i], g0.active[i] + g1.active[i]);
}

TEST(CohortRetention, QuarterlyAcrossTheYearBoundaryByHand) {
    CohortConfig c = monthly();
    c.unit = CohortUnit::quarter;
    c.first_day = on(2023, 10, 1);
    c.as_of = on(2024, 6, 30);  // the end of Q2 2024: complete
    c.periods = 3;
    // Quarters Q4 2023, Q1 2024, Q2 2024. Now E (October) is in the Q4 cohort, C's March visit
    // and F (March) are before the as-of day:
    //   Q4: A (Q4, Q1), B (Q4, Q1), C (Q4, Q1), E (Q4, Q1)      Q1: D, F, G (Q1 only)
    const CohortRetention r = fold(c, customers());
    EXPECT_EQ(r.cohorts(), 3);
    EXPECT_EQ(r.acquired_before_first(0), 0);
    const CohortTable t = r.table(CohortEntry::first_time, kBoth);
    EXPECT_EQ(t.size, (std::vector<std::int64_t>{4, 3, 0}));
    EXPECT_EQ(t.active, (std::vector<std::int64_t>{4, 4, 0, 3, 0, 0, 0, 0, 0}));
    EXPECT_EQ(t.rolling, (std::vector<std::int64_t>{4, 4, 0, 3, 0, 0, 0, 0, 0}));
    EXPECT_EQ(t.mean_size, (std::vector<std::int64_t>{7, 7, 4}));  // Q2 cohort is empty
    EXPECT_EQ(t.mean_active, (std::vector<std::int64_t>{7, 4, 0}));
    EXPECT_EQ(t.mean_rate(1), 4.0 / 7);
    EXPECT_EQ(t.cohort_start_unix_day(0), unix_day(2023, 10, 1));
    EXPECT_EQ(t.cohort_start_unix_day(1), unix_day(2024, 1, 1));
}

TEST(CohortRetention, ThePeriodOfTheAsOfDayIsObservedOnlyWhenCompleteOrAskedFor) {
    CohortConfig c = monthly();
    c.as_of = on(2024, 2, 15);
    const CohortTable partial = fold(c, customers()).table(CohortEntry::first_time, kBoth);
    EXPECT_FALSE(partial.observed(0, 3));  // February has not ended
    EXPECT_TRUE(partial.observed(0, 2));
    EXPECT_TRUE(std::isnan(partial.rate(3, 0)));
    EXPECT_EQ(partial.mean_size, (std::vector<std::int64_t>{4, 3, 2, 0}));
    // A's January visit still counts towards its rolling retention; B's Feb 29 visit is after
    // the as-of day, so B's last active month is December.
    EXPECT_EQ(partial.rolling[0 * 4 + 2], 1);
    c.include_partial = true;
    const CohortTable open = fold(c, customers()).table(CohortEntry::first_time, kBoth);
    EXPECT_TRUE(open.observed(0, 3));
    EXPECT_EQ(open.rate(0, 3), 0.0);
    EXPECT_EQ(open.mean_size, (std::vector<std::int64_t>{5, 4, 3, 2}));
}

TEST(CohortRetention, WeeklyCohorts) {
    CohortConfig c;
    c.unit = CohortUnit::week;
    c.epoch_unix_day = kEpoch;
    c.first_day = on(2023, 12, 25);  // a Monday
    c.as_of = on(2024, 1, 14);       // a Sunday: three complete weeks
    c.periods = 3;
    CohortRetention r(c, 1);
    // Acquired Sunday 2023-12-31 (week 0), back Monday 2024-01-01 (week 1) and 2024-01-14 (week 2).
    const std::vector<Day> a = {on(2023, 12, 31), on(2024, 1, 1), on(2024, 1, 14)};
    r.update(0, on(2023, 12, 31), a);
    // Acquired Monday 2024-01-01 (week 1), not back.
    r.update(0, on(2024, 1, 1), {});
    const CohortTable t = r.table(CohortEntry::first_time, std::size_t(0));
    EXPECT_EQ(t.size, (std::vector<std::int64_t>{1, 1, 0}));
    EXPECT_EQ(t.active, (std::vector<std::int64_t>{1, 1, 1, 1, 0, 0, 0, 0, 0}));
    EXPECT_TRUE(t.observed(0, 2));
    EXPECT_FALSE(t.observed(1, 2));
}

TEST(CohortRetention, MergeInAnyOrderEqualsOnePass) {
    // A larger deterministic population in three groups, split into three shards.
    CohortConfig c = monthly();
    c.first_day = on(2022, 6, 1);
    c.as_of = on(2024, 5, 31);
    c.periods = 12;
    std::vector<Customer> all;
    std::uint64_t x = 12345;
    auto next = [&x](std::uint64_t n) { x = x * 6364136223846793005ULL + 1442695040888963407ULL; return (x >> 33) % n; };
    for (int i = 0; i < 600; ++i) {
        Customer cu{next(3), Day(on(2022, 1, 1) + Day(next(900))), {}};
        Day d = cu.acquisition;
        for (std::uint64_t k = next(12); k-- > 0;) cu.activity.push_back(d += Day(next(60)));
        all.push_back(cu);
    }
    CohortRetention whole(c, 3), a(c, 3), b(c, 3), s3(c, 3);
    for (std::size_t i = 0; i < all.size(); ++i) {
        whole.update(all[i].group, all[i].acquisition, all[i].activity);
        CohortRetention& shard = i % 3 == 0 ? a : (i % 3 == 1 ? b : s3);
        shard.update(all[i].group, all[i].acquisition, all[i].activity);
    }
    CohortRetention abc = a, cba = s3, bca = b;
    abc.combine(b), abc.combine(s3);
    cba.combine(b), cba.combine(a);
    bca.combine(s3), bca.combine(a);
    EXPECT_TRUE(abc == whole);
    EXPECT_TRUE(cba == whole);
    EXPECT_TRUE(bca == whole);
    // Per group: the count acquired before the first cohort, then the first-time and recurring
    // rows: size and 5 words per period (eligible, on, on or after, revenue, period-0 revenue).
    EXPECT_EQ(whole.sum_words().size(), 3 * (1 + 2 * std::size_t(whole.cohorts()) * (1 + 5 * 12)));
    EXPECT_TRUE(whole.max_words().empty());
    // Rolling retention never increases with k, and is at least the classic count.
    const std::vector<std::size_t> groups = {0, 1, 2};
    for (CohortEntry e : {CohortEntry::first_time, CohortEntry::recurring}) {
        const CohortTable t = whole.table(e, groups);
        for (std::int32_t co = 0; co < t.cohorts; ++co)
            for (std::int32_t k = 0; k < t.periods; ++k) {
                const std::size_t i = std::size_t(co) * 12 + std::size_t(k);
                EXPECT_GE(t.rolling[i], t.active[i]);
                if (k > 0) {
                    EXPECT_LE(t.rolling[i], t.rolling[i - 1]);
                } else {
                    EXPECT_EQ(t.active[i], t.size[std::size_t(co)]);
                }
            }
    }
}

TEST(CohortRetention, RejectsBadConfigurations) {
    CohortConfig c = monthly();
    c.periods = 0;
    EXPECT_THROW(CohortRetention(c, 1), std::invalid_argument);
    c = monthly();
    c.first_day = c.as_of + 1;
    EXPECT_THROW(CohortRetention(c, 1), std::invalid_argument);
}

}  // namespace
}  // namespace engage::kernels
