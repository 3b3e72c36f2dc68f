// Churn definitions, survival counts, Kaplan-Meier curves and the log-rank test, checked on the
// Freireich et al. (1963) leukemia remission data as analysed by Gehan (1965) and in Kleinbaum
// & Klein, "Survival Analysis: A Self-Learning Text" (3rd ed., 2012), ch. 2: remission weeks of
// 21 patients on 6-MP and 21 on placebo ("+": censored).
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <vector>

#include "survival/churn.hpp"
#include "survival/kaplan_meier.hpp"
#include "survival/log_rank.hpp"
#include "survival/survival_counts.hpp"

namespace engage::kernels {
namespace {

// 6-MP: 6,6,6,6+,7,9+,10,10+,11+,13,16,17+,19+,20+,22,23,25+,32+,32+,34+,35+
constexpr std::array<SurvivalTime, 21> kSixMp = {{
    {6, true}, {6, true}, {6, true}, {6, false}, {7, true}, {9, false}, {10, true}, {10, false},
    {11, false}, {13, true}, {16, true}, {17, false}, {19, false}, {20, false}, {22, true},
    {23, true}, {25, false}, {32, false}, {32, false}, {34, false}, {35, false}}};
// Placebo: 1,1,2,2,3,4,4,5,5,8,8,8,8,11,11,12,12,15,17,22,23, no censoring.
constexpr std::array<std::int32_t, 21> kPlacebo = {1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23};

constexpr std::size_t kSixMpGroup = 0, kPlaceboGroup = 1;

SurvivalCounts remission(std::int32_t max_duration = 40) {
    SurvivalCounts s(2, max_duration);
    for (const SurvivalTime& t : kSixMp) s.update(kSixMpGroup, t);
    for (std::int32_t t : kPlacebo) s.update(kPlaceboGroup, t, true);
    return s;
}

// ---------------------------------------------------------------------------------------------
// Churn definitions

TEST(Churn, NonContractualChurnsNDaysAfterTheLastInteraction) {
    const std::vector<Day> days = {10, 12, 20, 45};
    // Last interaction 45, N = 30: churn on day 75, 65 days after acquisition on day 10.
    EXPECT_EQ(non_contractual_churn(days, 10, 100, 30), (SurvivalTime{65, true}));
    // Observed through day 75 exactly: days 46..75 are 30 days without interaction: churned.
    EXPECT_EQ(non_contractual_churn(days, 10, 75, 30), (SurvivalTime{65, true}));
    // Through day 74 only 29 such days: still a customer, censored at 74 - 10 = 64 days.
    EXPECT_EQ(non_contractual_churn(days, 10, 74, 30), (SurvivalTime{64, false}));
    // The gap 20 -> 45 (25 days) is a lapse for N = 20, but the customer came back: only the
    // lapse after the last interaction counts, churn on 45 + 20 = 65.
    EXPECT_EQ(non_contractual_churn(days, 10, 100, 20), (SurvivalTime{55, true}));
    // Interactions after the observation end are not seen: at day 40 the last one is day 20,
    // and 20 + 15 = 35 <= 40 is churn.
    EXPECT_EQ(non_contractual_churn(days, 10, 40, 15), (SurvivalTime{25, true}));
}

TEST(Churn, NonContractualEdgeCases) {
    // No interaction but the acquisition: churn on acquisition + N.
    EXPECT_EQ(non_contractual_churn({}, 5, 100, 30), (SurvivalTime{30, true}));
    // Interactions before acquisition are ignored.
    const std::vector<Day> early = {1, 2, 3};
    EXPECT_EQ(non_contractual_churn(early, 5, 100, 30), (SurvivalTime{30, true}));
    // Acquired on the observation end: censored at 0 days.
    EXPECT_EQ(non_contractual_churn({}, 100, 100, 30), (SurvivalTime{0, false}));
    // Acquired after it: not a customer yet.
    EXPECT_FALSE(non_contractual_churn({}, 101, 100, 30).has_value());
    // A huge N does not overflow.
    EXPECT_EQ(non_contractual_churn({}, 5, 100, 2147483647), (SurvivalTime{95, false}));
}

TEST(Churn, ContractualUsesTheCancellationDay) {
    EXPECT_EQ(contractual_churn(Day(50), 10, 100), (SurvivalTime{40, true}));
    EXPECT_EQ(contractual_churn(Day(100), 10, 100), (SurvivalTime{90, true}));
    EXPECT_EQ(contractual_churn(Day(101), 10, 100), (SurvivalTime{90, false}));  // not yet seen
    EXPECT_EQ(contractual_churn(std::nullopt, 10, 100), (SurvivalTime{90, false}));
    EXPECT_EQ(contractual_churn(Day(3), 10, 100), (SurvivalTime{0, true}));  // before acquisition
    EXPECT_FALSE(contractual_churn(Day(3), 101, 100).has_value());
}

TEST(Churn, CancelChannelIsItsFirstOccurrenceFromAcquisition) {
    auto event = [](Day day, std::uint8_t channel) {
        return Event{std::int64_t(day) * 86400, day, channel, ChannelKind::support, 0};
    };
    const std::vector<Event> events = {event(2, 7), event(12, 1), event(30, 7), event(40, 7)};
    EXPECT_EQ(first_channel_day(events, 7, 10), Day(30));  // day 2 is before acquisition
    EXPECT_EQ(first_channel_day(events, 7, 0), Day(2));
    EXPECT_FALSE(first_channel_day(events, 9, 0).has_value());
    EXPECT_EQ(contractual_churn(first_channel_day(events, 7, 10), 10, 35), (SurvivalTime{20, true}));
}

// ---------------------------------------------------------------------------------------------
// Survival counts

TEST(SurvivalCounts, CountsEventsAndCensoringsPerDay) {
    const SurvivalCounts s = remission();
    EXPECT_EQ(s.subjects(kSixMpGroup), 21);
    EXPECT_EQ(s.subjects(kPlaceboGroup), 21);
    EXPECT_EQ(s.events(kSixMpGroup, 6), 3);
    EXPECT_EQ(s.censored(kSixMpGroup, 6), 1);
    EXPECT_EQ(s.censored(kSixMpGroup, 32), 2);
    EXPECT_EQ(s.events(kPlaceboGroup, 8), 4);
    EXPECT_EQ(s.sum_words().size(), 2u * (1 + 3 * 41));  // invalid, then events, censored, entered per day
    EXPECT_TRUE(s.max_words().empty());
}

TEST(SurvivalCounts, LongDurationsAreCensoredAtTheMaximumAndNegativeOnesRejected) {
    SurvivalCounts s(1, 10);
    s.update(0, 25, true);
    s.update(0, 10, true);
    s.update(0, -1, true);
    EXPECT_EQ(s.censored(0, 10), 1);
    EXPECT_EQ(s.events(0, 10), 1);
    EXPECT_EQ(s.invalid(0), 1);
    EXPECT_EQ(s.subjects(0), 2);
    // Truncating at 30 weeks leaves S(t) of 6-MP unchanged up to 30 (its last event is at 23).
    const SurvivalCounts full = remission(40), cut = remission(30);
    EXPECT_EQ(kaplan_meier(full, kSixMpGroup).rows.size(), kaplan_meier(cut, kSixMpGroup).rows.size());
    EXPECT_EQ(kaplan_meier(full, kSixMpGroup).survival_at(30), kaplan_meier(cut, kSixMpGroup).survival_at(30));
}

TEST(Churn, CustomersAcquiredBeforeTheDataEnterLate) {
    // Data from day 100; acquired on day 40: at risk only from day 60 of its life on.
    const std::vector<Day> activity = {120, 150};
    const auto t = non_contractual_churn(activity, 40, 400, 90, 100);
    ASSERT_TRUE(t);
    EXPECT_EQ(*t, (SurvivalTime{150 + 90 - 40, true, 60}));
    EXPECT_EQ(non_contractual_churn(activity, 130, 400, 90, 100)->entry, 0);  // acquired within the data
    EXPECT_EQ(contractual_churn(std::nullopt, 10, 300, 100)->entry, 90);
    EXPECT_EQ(non_contractual_churn(activity, 40, 400, 90)->entry, 0);        // no start given
}

TEST(SurvivalCounts, DelayedEntryMatchesRsCountingProcessFit) {
    // (entry, exit, event, group): R survfit(Surv(start, stop, event) ~ 1) gives
    // S = 0.80, 0.60, 0.45, 0.30, 0.15 at days 4, 5, 7, 8, 9 with 5, 4, 4, 3, 2 at risk, and
    // coxph(Surv(start, stop, event) ~ factor(g))'s score test (the log-rank test with delayed
    // entry; no tied days) chi-square 0.264894592117324. Counting every subject from day 0, as
    // before, gives 5/6 at day 4 and the wrong test.
    SurvivalCounts counts(2, 20);
    const std::array<std::array<int, 4>, 6> subjects = {{{0, 5, 1, 0}, {0, 10, 0, 0}, {6, 8, 1, 0},
                                                         {3, 4, 1, 1}, {0, 7, 1, 1}, {2, 9, 1, 1}}};
    for (const auto& x : subjects) counts.update(std::size_t(x[3]), x[1], x[2] == 1, x[0]);
    counts.update(0, 3, true, 3);  // churned on the day it entered: never at risk, not a survival time
    EXPECT_EQ(counts.invalid(0), 1);
    const std::size_t both[] = {0, 1};
    const auto km = kaplan_meier(counts, both);
    ASSERT_EQ(km.rows.size(), 5u);
    const double want[] = {0.80, 0.60, 0.45, 0.30, 0.15};
    const std::int64_t at_risk[] = {5, 4, 4, 3, 2};
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_NEAR(km.rows[i].survival, want[i], 1e-15) << i;
        EXPECT_EQ(km.rows[i].at_risk, at_risk[i]) << i;
    }
    const auto test = log_rank(counts, both);
    EXPECT_NEAR(test.chi_square, 0.264894592117324, 1e-12);
}

TEST(SurvivalCounts, MergeInAnyOrderEqualsOnePass) {
    const SurvivalCounts whole = remission();
    // Three shards: 6-MP in two halves, placebo in one.
    SurvivalCounts a(2, 40), b(2, 40), c(2, 40);
    for (std::size_t i = 0; i < kSixMp.size(); ++i) (i < 10 ? a : b).update(kSixMpGroup, kSixMp[i]);
    for (std::int32_t t : kPlacebo) c.update(kPlaceboGroup, t, true);
    SurvivalCounts abc = a, cba = c, bac = b;
    abc.combine(b), abc.combine(c);
    cba.combine(b), cba.combine(a);
    bac.combine(a), bac.combine(c);
    EXPECT_EQ(abc, whole);
    EXPECT_EQ(cba, whole);
    EXPECT_EQ(bac, whole);
    // And so the curves are the same bits.
    const auto x = kaplan_meier(cba, kSixMpGroup), y = kaplan_meier(whole, kSixMpGroup);
    ASSERT_EQ(x.rows.size(), y.rows.size());
    for (std::size_t i = 0; i < x.rows.size(); ++i) {
        EXPECT_EQ(x.rows[i].survival, y.rows[i].survival);
        EXPECT_EQ(x.rows[i].lower, y.rows[i].lower);
    }
}

// ---------------------------------------------------------------------------------------------
// Kaplan-Meier

TEST(KaplanMeier, SixMpTableMatchesKleinbaumAndKlein) {
    const KaplanMeierCurve km = kaplan_meier(remission(), kSixMpGroup);
    // Kleinbaum & Klein, ch. 2, the 6-MP table: t_j, n_j, m_j (events), q_j (censored in
    // [t_j, t_j+1)).
    //   t=6: 21 at risk, 3 events, 1 censored (6+)            21 - 3 - 1 = 17
    //   t=7: 17, 1, 1 (9+)                                    17 - 1 - 1 = 15
    //   t=10: 15, 1, 2 (10+, 11+)                             15 - 1 - 2 = 12
    //   t=13: 12, 1, 0                                        12 - 1     = 11
    //   t=16: 11, 1, 3 (17+, 19+, 20+)                        11 - 1 - 3 = 7
    //   t=22: 7, 1, 0                                          7 - 1     = 6
    //   t=23: 6, 1, 5 (25+, 32+, 32+, 34+, 35+)
    const std::array<std::int32_t, 7> t = {6, 7, 10, 13, 16, 22, 23};
    const std::array<std::int64_t, 7> n = {21, 17, 15, 12, 11, 7, 6};
    const std::array<std::int64_t, 7> d = {3, 1, 1, 1, 1, 1, 1};
    const std::array<std::int64_t, 7> q = {1, 1, 2, 0, 3, 0, 5};
    ASSERT_EQ(km.rows.size(), 7u);
    EXPECT_EQ(km.subjects, 21);
    EXPECT_EQ(km.events, 9);
    EXPECT_EQ(km.censored_before_first, 0);
    for (std::size_t j = 0; j < 7; ++j) {
        EXPECT_EQ(km.rows[j].time, t[j]);
        EXPECT_EQ(km.rows[j].at_risk, n[j]);
        EXPECT_EQ(km.rows[j].events, d[j]);
        EXPECT_EQ(km.rows[j].censored, q[j]);
    }
    // S(t) = prod (1 - d_j / n_j) = prod (n_j - d_j) / n_j, exactly:
    //   S(6)  = 18/21                    = 0.857142...
    //   S(7)  = 18/21 * 16/17            = 0.806722...
    //   S(10) = S(7)  * 14/15            = 0.752941...
    //   S(13) = S(10) * 11/12            = 0.690196...
    //   S(16) = S(13) * 10/11            = 0.627450...
    //   S(22) = S(16) * 6/7              = 0.537815...
    //   S(23) = S(22) * 5/6              = 0.448179...
    const double exact[7] = {18.0 / 21, 18.0 / 21 * 16 / 17, 18.0 / 21 * 16 / 17 * 14 / 15,
                             18.0 / 21 * 16 / 17 * 14 / 15 * 11 / 12,
                             18.0 / 21 * 16 / 17 * 14 / 15 * 11 / 12 * 10 / 11,
                             18.0 / 21 * 16 / 17 * 14 / 15 * 11 / 12 * 10 / 11 * 6 / 7,
                             18.0 / 21 * 16 / 17 * 14 / 15 * 11 / 12 * 10 / 11 * 6 / 7 * 5 / 6};
    // ... and as printed in Kleinbaum & Klein (3 decimals).
    const double printed[7] = {0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448};
    for (std::size_t j = 0; j < 7; ++j) {
        EXPECT_NEAR(km.rows[j].survival, exact[j], 1e-12) << t[j];
        EXPECT_NEAR(km.rows[j].survival, printed[j], 0.0005) << t[j];
    }
    EXPECT_EQ(km.survival_at(5), 1.0);
    EXPECT_EQ(km.survival_at(9), km.rows[1].survival);
    EXPECT_EQ(km.survival_at(100), km.rows[6].survival);
}

TEST(KaplanMeier, GreenwoodAndLogLogIntervalsAtSixWeeks) {
    const KaplanMeierRow r = kaplan_meier(remission(), kSixMpGroup, 0.95).rows[0];
    // Greenwood: Var = S^2 * d / (n (n - d)) = (18/21)^2 * 3 / (21 * 18) = 0.734694 * 0.00793651
    // = 0.00583090, SE = 0.0763603 (0.076 in Kleinbaum & Klein).
    EXPECT_NEAR(r.std_error, 18.0 / 21 * std::sqrt(3.0 / (21 * 18)), 1e-12);
    EXPECT_NEAR(r.std_error, 0.076, 0.0005);
    // Log-log, 95%: sigma = sqrt(3/378) / |ln(18/21)| = 0.0890871 / 0.1541507 = 0.577922,
    // z sigma = 1.959964 * 0.577922 = 1.132706; S^exp(+1.132706) = (6/7)^3.104046
    // = exp(-0.1541507 * 3.104046) = exp(-0.478491) = 0.619718 and S^exp(-1.132706)
    // = (6/7)^0.322160 = exp(-0.0496612) = 0.951552.
    EXPECT_NEAR(r.lower, 0.619718, 1e-6);
    EXPECT_NEAR(r.upper, 0.951552, 1e-6);
    // A wider level gives a wider interval.
    const KaplanMeierRow w = kaplan_meier(remission(), kSixMpGroup, 0.99).rows[0];
    EXPECT_LT(w.lower, r.lower);
    EXPECT_GT(w.upper, r.upper);
    EXPECT_THROW(kaplan_meier(remission(), kSixMpGroup, 1.0), std::invalid_argument);
}

TEST(KaplanMeier, MedianSurvivalAndBrookmeyerCrowleyInterval) {
    const SurvivalCounts s = remission();
    // 6-MP: S(22) = 0.538 > 0.5 >= S(23) = 0.448: median 23 weeks. Lower limit: the first time
    // the lower band is <= 0.5: L(10) = 0.503200 > 0.5, L(13) = 0.431610 (sigma(13) =
    // sqrt(0.02395064) / |ln 0.690196| = 0.154760 / 0.370780 = 0.417391, L = 0.690196^exp(1.959964
    // * 0.417391) = 0.690196^2.266123 = 0.431610). Upper limit: U never reaches 0.5 (U(23) =
    // 0.680143): not reached.
    const KaplanMeierCurve mp = kaplan_meier(s, kSixMpGroup);
    EXPECT_EQ(mp.median.time, 23);
    EXPECT_EQ(mp.median.lower, 13);
    EXPECT_FALSE(mp.median.upper.has_value());
    // Placebo: S(5) = 12/21 = 0.571, S(8) = 8/21 = 0.381: median 8 weeks. L(3) = 0.519391,
    // L(4) = 0.425350: lower limit 4; U(8) = 0.577789, U(11) = 0.481820: upper limit 11.
    const KaplanMeierCurve pl = kaplan_meier(s, kPlaceboGroup);
    EXPECT_EQ(pl.median.time, 8);
    EXPECT_EQ(pl.median.lower, 4);
    EXPECT_EQ(pl.median.upper, 11);
    EXPECT_NEAR(pl.survival_at(8), 8.0 / 21, 1e-12);
    // Everyone on placebo relapses: S(23) = 0, its Greenwood variance (0 * infinity) undefined.
    EXPECT_EQ(pl.rows.back().survival, 0.0);
    EXPECT_TRUE(std::isnan(pl.rows.back().std_error));
    // Quartiles: 75% of placebo relapsed by week 12 (S(11) = 6/21 = 0.286 > 0.25 >= S(12) = 4/21).
    EXPECT_EQ(survival_quantile(pl, 0.75).time, 12);
    // Quartile that 6-MP never reaches.
    EXPECT_FALSE(survival_quantile(mp, 0.75).time.has_value());
}

TEST(KaplanMeier, PooledGroupsAndEdgeCases) {
    const SurvivalCounts s = remission();
    const std::array<std::size_t, 2> both = {kSixMpGroup, kPlaceboGroup};
    const KaplanMeierCurve pooled = kaplan_meier(s, both);
    EXPECT_EQ(pooled.subjects, 42);
    EXPECT_EQ(pooled.events, 30);
    // Pooled S(1) = 1 - 2/42.
    EXPECT_NEAR(pooled.rows[0].survival, 40.0 / 42, 1e-15);
    // Only censored subjects: no rows, S = 1, median not reached.
    SurvivalCounts c(1, 10);
    c.update(0, 3, false);
    const KaplanMeierCurve k = kaplan_meier(c, 0);
    EXPECT_TRUE(k.rows.empty());
    EXPECT_EQ(k.censored_before_first, 1);
    EXPECT_EQ(k.survival_at(5), 1.0);
    EXPECT_FALSE(k.median.time.has_value());
    // Empty.
    const KaplanMeierCurve e = kaplan_meier(SurvivalCounts(1, 10), 0);
    EXPECT_EQ(e.subjects, 0);
    EXPECT_TRUE(e.rows.empty());
    // No subjects: no curve, S(t) undefined (not 1) at every t.
    EXPECT_TRUE(std::isnan(e.survival_at(0)));
    EXPECT_TRUE(std::isnan(e.survival_at(5)));
}

// ---------------------------------------------------------------------------------------------
// Log-rank

TEST(LogRank, RemissionDataMatchesKleinbaumAndKlein) {
    const std::array<std::size_t, 2> groups = {kSixMpGroup, kPlaceboGroup};
    const LogRankTest lr = log_rank(remission(), groups);
    // Kleinbaum & Klein, ch. 2: O1 = 9, E1 = 19.25, O2 = 21, E2 = 10.75, Var(O2 - E2) = 6.2570,
    // log-rank = (O2 - E2)^2 / Var = (10.2505)^2 / 6.25696 = 105.0728 / 6.25696 = 16.793
    // (1 df, P = 0.0000417 < 0.0001). The sums over the 17 distinct event times, by hand:
    // E1 = sum d_t n1_t / n_t, e.g. t = 1: 2 * 21/42 = 1, t = 6: 3 * 21/33 = 1.909091, ...
    ASSERT_EQ(lr.groups.size(), 2u);
    EXPECT_EQ(lr.observed[0], 9);
    EXPECT_EQ(lr.observed[1], 21);
    EXPECT_NEAR(lr.expected[0], 19.25, 0.005);
    EXPECT_NEAR(lr.expected[1], 10.75, 0.005);
    EXPECT_NEAR(lr.expected[0] + lr.expected[1], 30.0, 1e-12);
    EXPECT_NEAR(lr.covariance[3], 6.2570, 0.00005);
    EXPECT_NEAR(lr.covariance[0], lr.covariance[3], 1e-12);
    EXPECT_NEAR(lr.covariance[1], -lr.covariance[3], 1e-12);
    EXPECT_EQ(lr.degrees_of_freedom, 1);
    EXPECT_NEAR(lr.chi_square, 16.79, 0.005);
    EXPECT_LT(lr.p_value, 0.0001);
    // chi^2 with 1 df: P(X > x) = erfc(sqrt(x / 2)).
    EXPECT_NEAR(lr.p_value, std::erfc(std::sqrt(lr.chi_square / 2)), 1e-15);
    // Peto's approximation: 105.0728 / 19.2505 + 105.0728 / 10.7495 = 5.4582 + 9.7747 = 15.23.
    EXPECT_NEAR(lr.approximate_chi_square, 15.23, 0.005);
}

TEST(LogRank, ThreeGroupsHaveTwoDegreesOfFreedomAndAnyReferenceGroup) {
    // Placebo split by position (odd / even in the list above) into groups 1 and 2. Computed
    // from the same formulas in double precision (2 x 2 block of V inverted explicitly):
    // O = (9, 11, 10), E = (19.250501, 5.653750, 5.095749), chi^2 = 16.796315.
    SurvivalCounts s(3, 40);
    for (const SurvivalTime& t : kSixMp) s.update(0, t);
    for (std::size_t i = 0; i < kPlacebo.size(); ++i) s.update(1 + i % 2, kPlacebo[i], true);
    const std::array<std::size_t, 3> order = {0, 1, 2}, other = {2, 0, 1};
    const LogRankTest a = log_rank(s, order), b = log_rank(s, other);
    EXPECT_EQ(a.degrees_of_freedom, 2);
    EXPECT_NEAR(a.expected[1], 5.653750, 1e-6);
    EXPECT_NEAR(a.chi_square, 16.796315, 1e-6);
    // chi^2 with 2 df: P(X > x) = exp(-x / 2).
    EXPECT_NEAR(a.p_value, std::exp(-a.chi_square / 2), 1e-15);
    // The statistic does not depend on which group is left out of V.
    EXPECT_NEAR(b.chi_square, a.chi_square, 1e-9);
}

TEST(LogRank, DegenerateComparisons) {
    const SurvivalCounts s = remission();
    // One group: nothing to compare.
    const std::array<std::size_t, 1> one = {kPlaceboGroup};
    const LogRankTest t1 = log_rank(s, one);
    EXPECT_EQ(t1.degrees_of_freedom, 0);
    EXPECT_EQ(t1.p_value, 1.0);
    // A group without subjects is left out.
    SurvivalCounts e(3, 40);
    for (std::int32_t t : kPlacebo) e.update(0, t, true);
    for (const SurvivalTime& t : kSixMp) e.update(2, t);
    const std::array<std::size_t, 3> all = {0, 1, 2};
    const LogRankTest t2 = log_rank(e, all);
    EXPECT_EQ(t2.groups, (std::vector<std::size_t>{0, 2}));
    EXPECT_NEAR(t2.chi_square, 16.79, 0.005);
    // No event time with both groups at risk: V = 0, the statistic is undefined.
    SurvivalCounts z(2, 40);
    z.update(0, 5, true);
    z.update(1, 2, false);
    const std::array<std::size_t, 2> two = {0, 1};
    EXPECT_TRUE(std::isnan(log_rank(z, two).chi_square));
}

}  // namespace
}  // namespace engage::kernels
