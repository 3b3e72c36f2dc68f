// The feature kernels on a hand-checked customer, the combine property and thread independence.
#include <gtest/gtest.h>
#include <omp.h>

#include <vector>

#include "core/dates.hpp"
#include "features/feature_pass.hpp"
#include "tiny_shard.hpp"

namespace engage::kernels {
namespace {

constexpr std::int64_t kEpoch = 18628;  // 2021-01-01 as days since 1970-01-01

using testing_support::identity_kinds;
using testing_support::TinyShard;

struct Window {
    std::vector<std::int32_t> months;
    FeatureContext ctx;
    Window(Day as_of, Day days) {
        ctx.as_of = as_of;
        ctx.window_start = as_of - days + 1;
        for (Day d = ctx.window_start; d <= as_of; ++d) months.push_back(month_index(kEpoch + d));
        ctx.month_of = months.data();
    }
};

using K = ChannelKind;

// As of day 100 (2021-04-11) with a 30-day window: days 71 (2021-03-13) .. 100.
TinyShard hand_checked() {
    TinyShard s;
    s.add(10, {{10, K::purchase, 20.00},
               {75, K::usage, 1},
               {80, K::purchase, 15.50},
               {80, K::survey, 9},
               {95, K::purchase, 4.50},
               {101, K::purchase, 99.99}});  // after the as-of date: ignored
    return s;
}

TEST(FeatureKernels, HandCheckedCustomer) {
    const TinyShard s = hand_checked();
    const Window w(100, 30);
    const CustomerFeatures f = ScoreFeatures::customer(s.view(), 0, w.ctx, identity_kinds());
    EXPECT_EQ(f.tenure_days, 90);
    EXPECT_EQ(f.recency_days, 5);
    EXPECT_EQ(f.last_interaction_days, 5);
    EXPECT_EQ(f.frequency, 2u);              // days 80 and 95; day 10 is outside the window
    EXPECT_EQ(f.monetary_cents, 2000);       // 15.50 + 4.50
    EXPECT_EQ(f.interactions, 4u);           // days 75, 80, 80, 95
    EXPECT_EQ(f.interactions_total, 5u);     // also day 10; not day 101
    EXPECT_EQ(f.breadth, 3u);                // usage, purchase, survey
    EXPECT_EQ(f.active_weeks, 3u);           // (100-75)/7 = 3, (100-80)/7 = 2, (100-95)/7 = 0
    EXPECT_EQ(f.active_months, 2u);          // March and April 2021
    EXPECT_EQ(f.channel_count[int(K::purchase)], 2u);
    EXPECT_EQ(f.channel_hundredths[int(K::purchase)], 2000);
    EXPECT_EQ(f.channel_hundredths[int(K::survey)], 900);
    EXPECT_EQ(f.channel_count[int(K::complaint)], 0u);
}

TEST(FeatureKernels, CustomerWithoutEventsAndCustomerNotYetAcquired) {
    TinyShard s;
    s.add(50, {});
    s.add(120, {});  // acquired after the as-of date
    const Window w(100, 30);
    const auto quiet = ScoreFeatures::customer(s.view(), 0, w.ctx, identity_kinds());
    EXPECT_EQ(quiet.tenure_days, 50);
    EXPECT_EQ(quiet.recency_days, -1);
    EXPECT_EQ(quiet.last_interaction_days, -1);
    EXPECT_EQ(quiet.frequency, 0u);
    EXPECT_EQ(quiet.breadth, 0u);
    EXPECT_EQ(quiet.active_weeks, 0u);
    const auto future = ScoreFeatures::customer(s.view(), 1, w.ctx, identity_kinds());
    EXPECT_EQ(future.tenure_days, -1);
}

TEST(FeatureKernels, ActivityOnlyBeforeTheWindowCountsForRecencyNotFrequency) {
    TinyShard s;
    s.add(0, {{5, K::purchase, 10}, {6, K::content, 1}});
    const Window w(100, 30);
    const auto f = ScoreFeatures::customer(s.view(), 0, w.ctx, identity_kinds());
    EXPECT_EQ(f.recency_days, 95);
    EXPECT_EQ(f.last_interaction_days, 94);
    EXPECT_EQ(f.frequency, 0u);
    EXPECT_EQ(f.monetary_cents, 0);
    EXPECT_EQ(f.interactions, 0u);
    EXPECT_EQ(f.interactions_total, 2u);
    EXPECT_EQ(f.active_months, 0u);
}

TEST(FeatureKernels, CombineOfAnySplitEqualsOneFold) {
    const TinyShard s = hand_checked();
    const Window w(100, 30);
    const auto kinds = identity_kinds();
    FeatureContext c = w.ctx;
    c.acquisition_day = 10;
    const auto whole = ScoreFeatures::finalize(ScoreFeatures::fold(s.view(), 0, 5, c, kinds), c);
    for (std::size_t cut = 0; cut <= 5; ++cut) {
        auto a = ScoreFeatures::fold(s.view(), 0, cut, c, kinds);
        const auto b = ScoreFeatures::fold(s.view(), cut, 5, c, kinds);
        ScoreFeatures::combine(a, b);
        EXPECT_EQ(ScoreFeatures::finalize(a, c), whole) << "split at " << cut;
    }
}

TEST(FeatureKernels, SameFeaturesForOneAndTwoThreads) {
    TinyShard s;
    for (int k = 0; k < 2000; ++k) {
        std::vector<std::tuple<Day, ChannelKind, double>> ev;
        for (int j = 0; j < k % 17; ++j)
            ev.emplace_back(Day(3 * j + k % 40), ChannelKind((j * 7 + k) % kChannelKinds), 1.25 * j);
        s.add(Day(k % 90), ev);
    }
    const Window w(100, 60);
    std::vector<CustomerFeatures> one(2000), two(2000);
    omp_set_num_threads(1);
    ScoreFeatures::run(s.view(), w.ctx, identity_kinds(), one);
    omp_set_num_threads(2);
    ScoreFeatures::run(s.view(), w.ctx, identity_kinds(), two);
    EXPECT_EQ(one, two);
    EXPECT_GT(one[16].interactions, 0u);
}

TEST(FeatureKernels, ValuesAreRoundedToHundredths) {
    TinyShard s;
    s.add(0, {{90, K::purchase, 0.1}, {90, K::purchase, 0.2}, {91, K::purchase, 1.005}});
    const Window w(100, 30);
    const auto f = ScoreFeatures::customer(s.view(), 0, w.ctx, identity_kinds());
    EXPECT_EQ(f.monetary_cents, 10 + 20 + 100);  // 1.005 is 1.00499999... in binary
}

}  // namespace
}  // namespace engage::kernels
