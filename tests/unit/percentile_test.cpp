#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engagement/percentile.hpp"
#include "stats/rank_correlation.hpp"

namespace engage::kernels {
namespace {

// Exact mid-rank percentile of x among values: 100 * (below + equal / 2) / n.
double brute_percentile(const std::vector<double>& values, double x) {
    double below = 0, equal = 0;
    for (double v : values) {
        if (v < x) below += 1;
        if (v == x) equal += 1;
    }
    return 100.0 * (below + equal / 2.0) / double(values.size());
}

TEST(Percentile, ExactMidRanksForValuesAtLeastOneKeyApartWithTies) {
    // Decayed sums: distinct values more than 0.034 % apart, and ties.
    std::vector<double> values{0, 0, 0, 0.5, 1.25, 1.25, 3, 7.5, 7.5, 7.5, 40, 1000};
    KeyHistograms<1> h;
    for (double v : values) h.add(0, metric_key(Metric::involvement, v));
    h.finalize();
    for (double v : values)
        EXPECT_DOUBLE_EQ(h.percentile(0, metric_key(Metric::involvement, v)), brute_percentile(values, v)) << v;
    EXPECT_EQ(h.count(0), 12);
    EXPECT_DOUBLE_EQ(h.percentile(0, metric_key(Metric::involvement, 0)), 12.5);  // 3 tied at the bottom
}

TEST(Percentile, KeysAreMonotoneOnEveryScale) {
    for (Metric m : {Metric::usage_depth, Metric::sentiment, Metric::share_of_wallet, Metric::usage_breadth}) {
        double previous = -1.0;
        std::uint16_t previous_key = 0;
        for (double x : {-1.0, -0.3, 0.0, 0.001, 0.2, 0.5, 1.0, 2.0, 31.0, 1e6}) {
            if (x < previous) continue;
            const auto k = metric_key(m, x);
            EXPECT_GE(k, previous_key);
            previous_key = k;
            previous = x;
        }
    }
    EXPECT_EQ(metric_key(Metric::sentiment, -1.0), 0);
    EXPECT_EQ(metric_key(Metric::sentiment, 1.0), 65535);
    EXPECT_EQ(metric_key(Metric::usage_breadth, 7.0), 7);
    EXPECT_NE(metric_key(Metric::usage_depth, 100.0), metric_key(Metric::usage_depth, 100.1));
}

// The key clamps with comparisons; it must equal the key clamped with std::fmin and std::fmax
// (as it was) for every metric and any value that is not NaN: below, inside and above the
// range, both zeros, the cap's neighbours, infinities and random doubles of every magnitude.
TEST(MetricKey, ClampedAsFminAndFmaxClampIt) {
    auto reference = [](Metric m, double x) {
        double k;
        switch (m) {
        case Metric::usage_breadth: k = x; break;
        case Metric::usage_regularity:
        case Metric::share_of_wallet: k = x * 65535.0; break;
        case Metric::sentiment: k = (x + 1.0) * 0.5 * 65535.0; break;
        default: k = 2048.0 * std::log2(1.0 + std::fmax(0.0, x)); break;
        }
        return std::uint16_t(round_half_away(std::fmin(65535.0, std::fmax(0.0, k))));
    };
    std::vector<double> xs{-1e300, -65536.0, -1.0, -0.5, -0.0, 0.0, 1e-300, 0.25, 0.5, 1.0, 7.0, 65534.5, 65535.0,
                           65535.4, 65535.5, 65536.0, 1e300, HUGE_VAL, -HUGE_VAL};
    std::uint64_t state = 88172645463325252ull;
    for (int i = 0; i < 200000; ++i) {  // xorshift: random signs, exponents and mantissas
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        const double x = std::ldexp(double(state >> 11) / 9007199254740992.0, int(state % 64) - 40);
        xs.push_back(state & (1ull << 62) ? -x : x);
    }
    for (int m = 0; m < kMetrics; ++m)
        for (double x : xs) ASSERT_EQ(metric_key(Metric(m), x), reference(Metric(m), x)) << m << " " << x;
}

TEST(RankCorrelation, MatchesHandComputedSpearmanWithTies) {
    // x ranks 1, 2.5, 2.5, 4; y ranks 2, 1, 3, 4 -> twice the mid-ranks.
    RankCorrelation r;
    const std::int64_t x[] = {2, 5, 5, 8}, y[] = {4, 2, 6, 8};
    for (int i = 0; i < 4; ++i) r.add(x[i], y[i]);
    // Pearson of (1, 2.5, 2.5, 4) and (2, 1, 3, 4): co-moment 3 / sqrt(4.5 * 5) = 0.632...
    EXPECT_NEAR(r.rho(), 3.0 / std::sqrt(4.5 * 5.0), 1e-15);
    RankCorrelation constant;
    for (int i = 0; i < 4; ++i) constant.add(4, y[i]);
    EXPECT_TRUE(std::isnan(constant.rho()));
}

TEST(RankCorrelation, MergingPartialStatesGivesTheSameSums) {
    RankCorrelation whole, a, b;
    for (std::int64_t i = 0; i < 1000; ++i) {
        const std::int64_t x = 2 * i + 1, y = 2 * ((i * 7919) % 1000) + 1;
        whole.add(x, y);
        (i % 3 ? a : b).add(x, y);
    }
    auto wa = a.sum_words();
    auto wb = b.sum_words();
    for (std::size_t k = 0; k < wa.size(); ++k) wa[k] += wb[k];
    EXPECT_TRUE(std::ranges::equal(a.sum_words(), whole.sum_words()));
    EXPECT_EQ(a.rho(), whole.rho());
}

}  // namespace
}  // namespace engage::kernels
