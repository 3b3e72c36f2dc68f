// A customer's purchases summarised for the BTYD models (CDNOW conventions) and its survival time.
#include <gtest/gtest.h>

#include <vector>

#include "retention/purchase_history.hpp"
#include "tiny_shard.hpp"

namespace engage::kernels {
namespace {

// One customer acquired on day 10.
testing_support::TinyShard one_customer(const testing_support::Events& events) {
    return testing_support::TinyShard().add(10, events);
}

ChannelKinds identity() { return testing_support::identity_kinds(); }

using K = ChannelKind;

TEST(PurchaseHistory, CdnowConventionsByHand) {
    // Trial on day 10 (two purchases, one transaction), repeats on days 24 (two rows: one
    // transaction of 30) and 38; calibration ends on day 80; holdout to day 120 holds day 100.
    const auto c = one_customer({{10, K::purchase, 5}, {10, K::purchase, 7}, {24, K::purchase, 10}, {24, K::purchase, 20},
                         {30, K::content, 1}, {38, K::purchase, 12}, {100, K::purchase, 9}, {130, K::purchase, 9}});
    std::vector<Day> scratch;
    const auto h = purchase_history(c.view(), 0, identity(), 80, 120, 30, -1, scratch);
    ASSERT_TRUE(h.calibrated);
    EXPECT_EQ(h.rfm.x, 2.0);
    EXPECT_DOUBLE_EQ(h.rfm.t_x, 28.0 / 7.0);  // day 38 - day 10
    EXPECT_DOUBLE_EQ(h.rfm.T, 70.0 / 7.0);    // day 80 - day 10
    EXPECT_EQ(h.holdout_transactions, 1.0);    // day 100; day 130 is after the holdout
    EXPECT_DOUBLE_EQ(h.mean_repeat_value, (30.0 + 12.0) / 2.0);
    // Non-contractual churn after 30 quiet days: last activity day 38 -> churned on day 68.
    ASSERT_TRUE(h.survival.has_value());
    EXPECT_TRUE(h.survival->event);
    EXPECT_EQ(h.survival->duration, 68 - 10);
}

TEST(PurchaseHistory, ContractualChurnOnTheCancelChannelAndCustomersWithoutPurchases) {
    const auto c = one_customer({{12, K::content, 1}, {50, K::complaint, 1}, {60, K::content, 1}});
    std::vector<Day> scratch;
    const auto h = purchase_history(c.view(), 0, identity(), 80, 80, 30, int(K::complaint), scratch);
    EXPECT_FALSE(h.calibrated);  // never bought: not in the BTYD fits
    ASSERT_TRUE(h.survival.has_value());
    EXPECT_TRUE(h.survival->event);
    EXPECT_EQ(h.survival->duration, 50 - 10);
    const auto open = purchase_history(c.view(), 0, identity(), 45, 45, 30, int(K::complaint), scratch);
    EXPECT_FALSE(open.survival->event);  // cancelled after the observation end: censored
    EXPECT_EQ(open.survival->duration, 45 - 10);
}

}  // namespace
}  // namespace engage::kernels
