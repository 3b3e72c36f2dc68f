// A customer's purchases as BG/BB opportunities (kernels/retention/bgbb_pattern.hpp), by hand.
#include <gtest/gtest.h>

#include "retention/bgbb_pattern.hpp"
#include "tiny_shard.hpp"

namespace engage::kernels {
namespace {

using K = ChannelKind;

BgbbHistory history(const testing_support::Events& events, const PeriodGrid& g) {
    const auto c = testing_support::TinyShard().add(0, events);
    return bgbb_history(c.view(), 0, testing_support::identity_kinds(), g);
}

TEST(BgbbPattern, OpportunitiesEndOnTheCalibrationEndByHand) {
    // Periods of 10 days ending on day 100: (90, 100] is 0 periods before the end, (80, 90] 1, ...
    // The trial on day 33 is in (30, 40], 6 periods before the end: n = 6, opportunities
    // 1 = (40, 50], ..., 6 = (90, 100]. Purchases on days 35 (the trial period again: not
    // counted), 41 and 50 (opportunity 1, one transaction), 75 (opportunity 4); a content
    // interaction on day 95 is not a purchase. Holdout: 3 periods (100, 110], (110, 120],
    // (120, 130]: purchases on days 101 and 110 (period 1, once) and 125 (period 3); day 131 is
    // after the holdout.
    const PeriodGrid g{100, 10, 3};
    const auto h = history({{33, K::purchase, 5}, {35, K::purchase, 5}, {41, K::purchase, 5}, {50, K::purchase, 5},
                            {75, K::purchase, 5}, {95, K::content, 1}, {101, K::purchase, 5}, {110, K::purchase, 5},
                            {125, K::purchase, 5}, {131, K::purchase, 5}},
                           g);
    ASSERT_TRUE(h.calibrated);
    EXPECT_EQ(h.summary, (BgbbSummary{2, 4, 6}));
    EXPECT_EQ(h.holdout_transactions, 2);
    EXPECT_EQ(h.holdout_mask, 0b101u);
    EXPECT_EQ(bgbb_summary_problem(h.summary), nullptr);
}

TEST(BgbbPattern, ALastPeriodCustomerHasNoOpportunityAndALaterOneIsNotCalibrated) {
    const PeriodGrid g{100, 10, 0};
    // First purchase on day 91: in the last period, n = 0; the holdout has no period.
    const auto last = history({{91, K::purchase, 5}, {99, K::purchase, 5}, {105, K::purchase, 5}}, g);
    ASSERT_TRUE(last.calibrated);
    EXPECT_EQ(last.summary, (BgbbSummary{0, 0, 0}));
    EXPECT_EQ(last.holdout_transactions, 0);
    // A purchase on day 100 is the last day of the calibration; on day 101 it is after it.
    EXPECT_TRUE(history({{100, K::purchase, 5}}, g).calibrated);
    const auto later = history({{20, K::content, 1}, {101, K::purchase, 5}}, g);
    EXPECT_FALSE(later.calibrated);
    EXPECT_EQ(later.summary, (BgbbSummary{0, 0, 0}));
    EXPECT_EQ(later.holdout_mask, 0u);
}

TEST(BgbbPattern, EveryOpportunityAndOnlyTheFirst64HoldoutPeriodsInTheMask) {
    // Daily opportunities: a purchase every day from day 1 to day 10 -> x = t_x = n = 9; a
    // holdout of 70 days with purchases on holdout days 1, 64, 65 and 70.
    const PeriodGrid g{10, 1, 70};
    testing_support::Events e;
    for (Day d = 1; d <= 10; ++d) e.emplace_back(d, K::purchase, 5);
    for (Day d : {11, 74, 75, 80}) e.emplace_back(d, K::purchase, 5);
    const auto h = history(e, g);
    EXPECT_EQ(h.summary, (BgbbSummary{9, 9, 9}));
    EXPECT_EQ(h.holdout_transactions, 4);
    EXPECT_EQ(h.holdout_mask, (std::uint64_t(1) << 63) | 1u);
}

}  // namespace
}  // namespace engage::kernels
