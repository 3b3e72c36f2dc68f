// A customer's purchases summarised for the BTYD models (CDNOW conventions) and its survival time.
#include <gtest/gtest.h>

#include <vector>

#include "retention/purchase_history.hpp"

namespace engage::kernels {
namespace {

struct OneCustomer {
    std::vector<std::uint64_t> offsets{0};
    std::vector<Day> acquisition{10};
    std::vector<std::int64_t> time;
    std::vector<std::uint8_t> channel;
    std::vector<double> value;
    OneCustomer(std::vector<std::tuple<Day, ChannelKind, double>> events) {
        for (auto [d, k, v] : events) {
            time.push_back(std::int64_t(d) * 86400 + 60);
            channel.push_back(std::uint8_t(k));
            value.push_back(v);
        }
        offsets.push_back(time.size());
    }
    ShardView view() const { return {offsets, acquisition, time, channel, value, {}}; }
};

ChannelKinds identity() {
    ChannelKinds k{};
    for (int i = 0; i < kChannelKinds; ++i) k[i] = ChannelKind(i);
    return k;
}

using K = ChannelKind;

TEST(PurchaseHistory, CdnowConventionsByHand) {
    // Trial on day 10 (two purchases, one transaction), repeats on days 24 (two rows: one
    // transaction of 30) and 38; calibration ends on day 80; holdout to day 120 holds day 100.
    const OneCustomer c({{10, K::purchase, 5}, {10, K::purchase, 7}, {24, K::purchase, 10}, {24, K::purchase, 20},
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
    const OneCustomer c({{12, K::content, 1}, {50, K::complaint, 1}, {60, K::content, 1}});
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
