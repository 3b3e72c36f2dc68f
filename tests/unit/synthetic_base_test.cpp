#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "synth/synthetic_base.hpp"

namespace engage::kernels {
namespace {

TEST(SyntheticBase, EachCustomerDependsOnlyOnSeedAndIndex) {
    SynthConfig c;
    c.customers = 1000;
    const SynthHierarchy h(c);
    SynthEvents a, b;
    const auto x = synth_customer(c, h, 417, &a);
    synth_customer(c, h, 3, nullptr);  // other customers in between change nothing
    const auto y = synth_customer(c, h, 417, &b);
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.interactions, y.interactions);
    EXPECT_EQ(a.time, b.time);
    EXPECT_EQ(a.channel, b.channel);
    EXPECT_EQ(a.value, b.value);
    c.seed = 2;
    EXPECT_NE(synth_customer(c, h, 417, nullptr).engagement, x.engagement);
}

TEST(SyntheticBase, EventsAreSortedInsideTheActiveSpanAndIdsIncrease) {
    SynthConfig c;
    c.customers = 3000;
    const SynthHierarchy h(c);
    std::uint64_t previous_id = 0, total = 0;
    std::uint32_t most = 0;
    for (std::uint64_t i = 0; i < c.customers; ++i) {
        SynthEvents e;
        const auto s = synth_customer(c, h, i, &e);
        ASSERT_GT(s.id, previous_id);
        previous_id = s.id;
        ASSERT_EQ(e.time.size(), s.interactions);
        ASSERT_TRUE(std::is_sorted(e.time.begin(), e.time.end()));
        if (!e.time.empty()) {
            ASSERT_GE(e.time.front(), std::int64_t(s.acquisition_day) * 86400);
            ASSERT_LT(e.time.back(), std::int64_t(c.history_days) * 86400);
            if (s.churn_day >= 0) {
                ASSERT_LE(e.time.back() / 86400, s.churn_day);
            }
        }
        ASSERT_LT(s.business_unit, h.business_units);
        ASSERT_EQ(s.region / (h.regions / h.business_units), s.business_unit);
        total += s.interactions;
        most = std::max(most, s.interactions);
    }
    const double mean = double(total) / double(c.customers);
    EXPECT_GT(mean, 70.0);
    EXPECT_LT(mean, 140.0);
    EXPECT_GT(most, 20 * mean);  // heavy tail: some customers are far more active
}

TEST(SyntheticBase, EngagedCustomersChurnLess) {
    SynthConfig c;
    c.customers = 20000;
    const SynthHierarchy h(c);
    int churn_low = 0, low = 0, churn_high = 0, high = 0;
    for (std::uint64_t i = 0; i < c.customers; ++i) {
        const auto s = synth_customer(c, h, i, nullptr);
        if (s.engagement < 0.3) { ++low; churn_low += s.churn_day >= 0; }
        if (s.engagement > 0.7) { ++high; churn_high += s.churn_day >= 0; }
    }
    EXPECT_GT(double(churn_low) / low, 1.5 * double(churn_high) / high);
}

}  // namespace
}  // namespace engage::kernels
