// The report state: histogram buckets and quantiles, per-group counts, and merging.
#include <gtest/gtest.h>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "report/score_summary.hpp"

namespace engage::kernels {
namespace {

TEST(LogHistogram, BucketsCoverEveryValueOnce) {
    using H = LogHistogram;
    for (std::int64_t v : {0LL, 1LL, 63LL, 64LL, 65LL, 127LL, 128LL, 1000LL, 123456789LL, (1LL << 47) + 5}) {
        const int b = H::bin(v);
        EXPECT_LE(H::lower(b), v) << v;
        EXPECT_LT(v, H::lower(b) + H::width(b)) << v;
    }
    EXPECT_EQ(H::bin(63), 63);
    EXPECT_EQ(H::bin(64), 64);  // 32 buckets of width 2 in [64, 128)
    EXPECT_EQ(H::bin(65), 64);
    EXPECT_EQ(H::bin(66), 65);
    EXPECT_EQ(H::bin(128), 96);  // then width 4 in [128, 256)
    EXPECT_EQ(H::bin(131), 96);
    EXPECT_EQ(H::bin(132), 97);
    EXPECT_EQ(H::bin(std::int64_t(1) << 60), H::kBins - 1);
    for (int b = 1; b < H::kBins; ++b) EXPECT_EQ(H::lower(b - 1) + H::width(b - 1), H::lower(b)) << b;
}

TEST(LogHistogram, QuantilesAreExactForSmallValuesAndWithinOneSixtyFourthAbove) {
    DistributionSums s;
    DistributionExtremes x;
    for (int v = 1; v <= 10; ++v) {
        s.add(v);
        x.add(v);
    }
    EXPECT_EQ(quantile(s, x, 0.5), 5.0);   // nearest rank: ceil(0.5 * 10) = 5th value
    EXPECT_EQ(quantile(s, x, 0.9), 9.0);
    EXPECT_EQ(quantile(s, x, 1.0), 10.0);
    EXPECT_EQ(quantile(s, x, 0.0), 1.0);

    DistributionSums big;
    DistributionExtremes bx;
    std::vector<std::int64_t> values;
    for (std::int64_t v = 1000; v < 5000000; v = v * 21 / 20 + 7) values.push_back(v);
    for (auto v : values) {
        big.add(v);
        bx.add(v);
    }
    for (double q : {0.1, 0.25, 0.5, 0.75, 0.9, 0.99}) {
        const auto rank = std::size_t(std::ceil(q * double(values.size())));
        const double exact = double(values[rank - 1]);
        EXPECT_LE(std::fabs(quantile(big, bx, q) - exact) / exact, 1.0 / 64) << q;
    }
}

TEST(LogHistogram, NegativeValuesHaveTheirOwnBuckets) {
    DistributionSums s;
    DistributionExtremes x;
    for (std::int64_t v : {-15000, -150, 0, 0, 20}) {
        s.add(v);
        x.add(v);
    }
    EXPECT_NEAR(quantile(s, x, 0.2), -15000.0, 15000.0 / 64);  // 1st of 5
    EXPECT_NEAR(quantile(s, x, 0.4), -150.0, 150.0 / 64);
    EXPECT_EQ(quantile(s, x, 0.6), 0.0);
    EXPECT_EQ(quantile(s, x, 1.0), 20.0);
    EXPECT_EQ(s.total, -15130);
}

CustomerFeatures customer(std::int32_t tenure, std::int32_t recency, std::uint32_t frequency,
                          std::int64_t cents, std::uint32_t interactions) {
    CustomerFeatures c;
    c.tenure_days = tenure;
    c.recency_days = recency;
    c.last_interaction_days = recency;
    c.frequency = frequency;
    c.monetary_cents = cents;
    c.interactions = interactions;
    c.interactions_total = interactions;
    c.channel_count[0] = frequency;
    c.channel_hundredths[0] = cents;
    return c;
}

TEST(ScoreSummary, CountsPerGroupAndSkipsUndefinedValues) {
    ScoreSummary s(2);
    s.update(customer(100, 3, 2, 5000, 4), 0);
    s.update(customer(50, -1, 0, 0, 0), 1);   // no purchase: recency undefined
    s.update(customer(-1, -1, 0, 0, 0), 1);   // not yet acquired
    const auto& all = s.sums(0);
    EXPECT_EQ(all.customers, 3);
    EXPECT_EQ(all.acquired, 2);
    EXPECT_EQ(all.active, 1);
    EXPECT_EQ(all.purchasers, 1);
    EXPECT_EQ(all.revenue_cents, 5000);
    EXPECT_EQ(all.features[int(Feature::tenure_days)].count, 2);
    EXPECT_EQ(all.features[int(Feature::tenure_days)].total, 150);
    EXPECT_EQ(all.features[int(Feature::recency_days)].count, 1);
    EXPECT_EQ(s.extremes(0).features[int(Feature::tenure_days)].max, 100);
    EXPECT_EQ(-s.extremes(0).features[int(Feature::tenure_days)].neg_min, 50);
    EXPECT_EQ(all.channel_customers[0], 1);
    EXPECT_EQ(s.sums(1).customers, 1);
    EXPECT_EQ(s.sums(2).customers, 2);
    EXPECT_EQ(s.sums(2).acquired, 1);
}

TEST(ScoreSummary, CombineEqualsSequentialUpdates) {
    ScoreSummary whole(3), a(3), b(3);
    for (int k = 0; k < 500; ++k) {
        const auto c = customer(k % 300 - 5, k % 11 - 1, k % 4, 137 * k, k % 9);
        whole.update(c, std::uint32_t(k % 3));
        (k % 7 < 3 ? a : b).update(c, std::uint32_t(k % 3));
    }
    a.combine(b);
    EXPECT_TRUE(std::ranges::equal(a.sum_words(), whole.sum_words()));
    EXPECT_TRUE(std::ranges::equal(a.max_words(), whole.max_words()));
}

// add_customers on 1-4 OpenMP threads, with room for every thread's summary or for fewer, gives
// the state of one thread adding the customers in turn, word for word; its scratch summaries
// are left cleared for the next call, and a second call adds to the first.
TEST(ScoreSummary, CustomersAddedOnThreadsEqualCustomersAddedInTurn) {
    constexpr std::size_t kUnits = 3, kCustomers = 30000;
    std::vector<CustomerFeatures> f(kCustomers);
    std::vector<std::uint32_t> unit(kCustomers);
    std::uint64_t x = 12345;
    auto next = [&] { return x = x * 6364136223846793005ULL + 1442695040888963407ULL, std::int64_t(x >> 33); };
    for (std::size_t k = 0; k < kCustomers; ++k) {
        CustomerFeatures& c = f[k];
        c.tenure_days = std::int32_t(next() % 3000) - 5;  // some not yet customers
        c.recency_days = std::int32_t(next() % 400) - 1;
        c.last_interaction_days = std::int32_t(next() % 400) - 1;
        c.frequency = std::uint32_t(next() % 20);
        c.monetary_cents = next() % 10000000 - 10;
        c.interactions = std::uint32_t(next() % 200);
        c.interactions_total = c.interactions + std::uint32_t(next() % 500);
        c.breadth = std::uint32_t(next() % 14);
        c.active_weeks = std::uint32_t(next() % 53);
        c.active_months = std::uint32_t(next() % 13);
        for (int j = 0; j < kMaxChannels; ++j) {
            c.channel_count[j] = std::uint32_t(next() % 5);
            c.channel_hundredths[j] = next() % 100000;
        }
        unit[k] = std::uint32_t(next() % kUnits);
    }
    ScoreSummary in_turn(kUnits);
    for (int round = 0; round < 2; ++round)
        for (std::size_t k = 0; k < kCustomers; ++k) in_turn.update(f[k], unit[k]);
    const int threads_before = omp_get_max_threads();
    for (int threads = 1; threads <= 4; ++threads)
        for (const std::size_t room : {std::size_t(32) << 20, ScoreSummary(kUnits).bytes()}) {  // all threads; two
            omp_set_num_threads(threads);
            ScoreSummary s(kUnits);
            std::vector<ScoreSummary> scratch;
            for (int round = 0; round < 2; ++round) add_customers(s, f, unit, scratch, room);
            EXPECT_TRUE(std::ranges::equal(s.sum_words(), in_turn.sum_words())) << threads << " threads";
            EXPECT_TRUE(std::ranges::equal(s.max_words(), in_turn.max_words())) << threads << " threads";
            EXPECT_LE(scratch.size(), room >= (std::size_t(32) << 20) ? std::size_t(threads) : std::size_t(1));
            for (const ScoreSummary& t : scratch) {
                EXPECT_TRUE(std::ranges::equal(t.sum_words(), ScoreSummary(kUnits).sum_words())) << "scratch left cleared";
                EXPECT_TRUE(std::ranges::equal(t.max_words(), ScoreSummary(kUnits).max_words())) << "scratch left cleared";
            }
        }
    omp_set_num_threads(threads_before);
}

}  // namespace
}  // namespace engage::kernels
