// Pearson intervals that hold for skewed variables (kernels/study/pearson_tails.hpp): the
// distribution-free variance reduces to Fisher's under normal moments, matches a bootstrap on a
// revenue-like lognormal where Fisher's interval is far too narrow, and is the same bits for
// any split of the customers over ranks.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "correlation_harness.hpp"

namespace engage::kernels::test {
namespace {

TEST(PearsonInterval, DistributionFreeVarianceIsFishersUnderNormalMoments) {
    // Bivariate normal: rho22 = 1 + 2 r^2, rho40 = rho04 = 3, rho31 = rho13 = 3 r.
    for (const double r : {-0.8, -0.3, 0.0, 0.25, 0.6, 0.95}) {
        const double v = distribution_free_variance(r, 1 + 2 * r * r, 3, 3, 3 * r, 3 * r);
        EXPECT_NEAR(v, (1 - r * r) * (1 - r * r), 1e-15) << r;
    }
    // Independent variables: n Var(r) = E[x^2 y^2] = 1 whatever the margins' kurtosis.
    EXPECT_DOUBLE_EQ(distribution_free_variance(0.0, 1.0, 40.0, 3.0, 0.0, 0.0), 1.0);
}

// Engagement e, revenue exp(1.6 e + noise): revenue skewed like horizon revenue.
Data skewed(int n, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    Data d;
    for (int c = 0; c < n; ++c) {
        const double e = normal(rng);
        d.values.push_back({e + 0.5 * normal(rng), std::exp(1.6 * e + 0.8 * normal(rng))});
        d.groups.push_back({0});
    }
    return d;
}

double percentile_bootstrap_width(const Data& d, int replicates, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> pick(0, d.values.size() - 1);
    std::vector<double> r;
    reference::Pairs p;
    for (int b = 0; b < replicates; ++b) {
        p.x.clear();
        p.y.clear();
        for (std::size_t k = 0; k < d.values.size(); ++k) {
            const auto& v = d.values[pick(rng)];
            p.x.push_back(v[0]);
            p.y.push_back(v[1]);
        }
        r.push_back(reference::pearson(p.x, p.y));
    }
    std::sort(r.begin(), r.end());
    return r[std::size_t(0.975 * replicates)] - r[std::size_t(0.025 * replicates)];
}

// n Var(r) straight from the definition, in double.
double reference_variance_n(const Data& d) {
    reference::Pairs p;
    for (const auto& v : d.values) p.x.push_back(v[0]), p.y.push_back(v[1]);
    const double n = double(p.x.size());
    double mx = 0, my = 0, sx = 0, sy = 0;
    for (std::size_t k = 0; k < p.x.size(); ++k) mx += p.x[k] / n, my += p.y[k] / n;
    for (std::size_t k = 0; k < p.x.size(); ++k)
        sx += (p.x[k] - mx) * (p.x[k] - mx) / n, sy += (p.y[k] - my) * (p.y[k] - my) / n;
    double m[5] = {};
    for (std::size_t k = 0; k < p.x.size(); ++k) {
        const double x = (p.x[k] - mx) / std::sqrt(sx), y = (p.y[k] - my) / std::sqrt(sy);
        m[0] += x * x * y * y / n, m[1] += x * x * x * x / n, m[2] += y * y * y * y / n;
        m[3] += x * x * x * y / n, m[4] += x * y * y * y / n;
    }
    return distribution_free_variance(reference::pearson(p.x, p.y), m[0], m[1], m[2], m[3], m[4]);
}

TEST(PearsonInterval, SkewedRevenueIntervalIsNearTheBootstrapWhereFishersIsFarTooNarrow) {
    const Data d = skewed(3000, 11);
    const auto spec = spec_of(2, 1);
    const auto fourth = run(spec, d, 1, std::vector<int>(d.values.size(), 0), true).cell(Method::pearson, 0, 0, 1);
    const auto fisher = run(spec, d).cell(Method::pearson, 0, 0, 1);
    const double boot = percentile_bootstrap_width(d, 2000, 5);
    const double w_fourth = fourth.ci_high - fourth.ci_low, w_fisher = fisher.ci_high - fisher.ci_low;
    EXPECT_DOUBLE_EQ(fourth.r, fisher.r);
    // The interval's half-width in z is 1.96 sqrt(n Var(r) / (n - 3)) / (1 - r^2).
    const double r = fourth.r, half = std::atanh(fourth.ci_high) - std::atanh(r);
    const double v = std::pow(half / normal_quantile_two_sided(0.95) * (1 - r * r), 2) * double(fourth.n - 3);
    EXPECT_NEAR(v / reference_variance_n(d), 1.0, 1e-4);
    EXPECT_NEAR(fourth.r, 0.346, 0.001);
    EXPECT_LT(fourth.ci_low, fourth.r);
    EXPECT_GT(fourth.ci_high, fourth.r);
    // Before: Fisher's normal-theory interval, 0.40 of the percentile bootstrap's width (2,000
    // resamples). The fourth moments give 0.72: the delta method linearises r, and with a tail
    // this heavy (a lognormal of sigma 1.8) the resampled r is skewed; docs/metrics.md says so.
    EXPECT_LT(w_fisher / boot, 0.5) << "fisher " << w_fisher << " bootstrap " << boot;
    EXPECT_GT(w_fourth / boot, 0.65) << "fourth moments " << w_fourth << " bootstrap " << boot;
    EXPECT_LT(w_fourth / boot, 1.35) << "fourth moments " << w_fourth << " bootstrap " << boot;
}

TEST(PearsonInterval, NormalDataGiveFishersIntervalAndEveryRankSplitTheSameBits) {
    std::mt19937_64 rng(3);
    std::normal_distribution<double> normal;
    Data d;
    for (int c = 0; c < 4000; ++c) {
        const double x = normal(rng);
        d.values.push_back({x, 0.5 * x + normal(rng), c % 7 == 0 ? kNaN : normal(rng)});
        d.groups.push_back(c % 3 == 0 ? std::vector<int>{0, 1} : std::vector<int>{0});
    }
    const auto spec = spec_of(3, 2);
    const auto one = run(spec, d, 1, std::vector<int>(d.values.size(), 0), true);
    const auto fisher = run(spec, d);
    std::vector<int> part(d.values.size());
    for (std::size_t c = 0; c < part.size(); ++c) part[c] = int((c * 7919) % 3);
    const auto three = run(spec, d, 3, part, true);
    for (int g = 0; g < 2; ++g)
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) {
                const auto& a = one.cell(Method::pearson, g, i, j);
                const auto& b = three.cell(Method::pearson, g, i, j);
                EXPECT_TRUE(same_bits(a.ci_low, b.ci_low) && same_bits(a.ci_high, b.ci_high)) << g << i << j;
                const auto& f = fisher.cell(Method::pearson, g, i, j);
                if (i != j) {
                    EXPECT_NEAR((a.ci_high - a.ci_low) / (f.ci_high - f.ci_low), 1.0, 0.12) << g << i << j;
                }
            }
}

}  // namespace
}  // namespace engage::kernels::test
