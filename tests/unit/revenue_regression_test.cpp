// The adjusted revenue claim (kernels/study/revenue_regression.hpp): least squares, HC1 and
// cluster-robust (CR1) standard errors against a direct computation, a planted effect
// recovered, and the same bits for any split of the customers.
#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "study/revenue_regression.hpp"

namespace engage::kernels {
namespace {

struct Customer {
    std::uint32_t manager;
    RevenueObservation o;
};

// Revenue grows by a factor 1.2 per 10 points at equal past revenue, with a manager effect
// shared by each manager's customers (which the clustered interval must see).
std::vector<Customer> sample(int n, int managers, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    std::vector<double> effect(static_cast<std::size_t>(managers));
    for (auto& e : effect) e = 0.4 * normal(rng);
    std::vector<Customer> out;
    for (int k = 0; k < n; ++k) {
        const auto m = std::uint32_t(rng() % std::uint64_t(managers));
        const double composite = std::clamp(50 + 20 * normal(rng), 0.0, 100.0);
        const double past = std::exp(4 + normal(rng)) * 100;
        const double log_future = 0.5 + std::log(1.2) * composite / 10 + 0.6 * std::log1p(past / 100) +
                                  effect[m] + 0.8 * normal(rng);
        const auto future = std::int64_t(std::max(0.0, std::expm1(log_future)) * 100);
        out.push_back({m, revenue_observation(composite, std::int64_t(past), future)});
    }
    return out;
}

// Least squares and both sandwiches straight from the definitions, in long double.
struct Reference {
    long double b[3], se_robust, se_cluster;
};
Reference reference(const std::vector<Customer>& data, int managers) {
    using L = long double;
    L a[3][4] = {};
    for (const auto& c : data)
        for (int i = 0; i < 3; ++i) {
            for (int j = 0; j < 3; ++j) a[i][j] += L(c.o.x[i]) * c.o.x[j];
            a[i][3] += L(c.o.x[i]) * c.o.y;
        }
    L inv[3][3];  // Gauss-Jordan on [A | I]
    L m[3][6];
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 6; ++j) m[i][j] = j < 3 ? a[i][j] : (j - 3 == i);
    for (int p = 0; p < 3; ++p) {
        const L d = m[p][p];
        for (int j = 0; j < 6; ++j) m[p][j] /= d;
        for (int i = 0; i < 3; ++i)
            if (i != p) {
                const L f = m[i][p];
                for (int j = 0; j < 6; ++j) m[i][j] -= f * m[p][j];
            }
    }
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) inv[i][j] = m[i][3 + j];
    Reference r{};
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) r.b[i] += inv[i][j] * a[j][3];
    L meat[3][3] = {}, cl[3][3] = {};
    std::vector<std::array<L, 3>> u(std::size_t(managers), {0, 0, 0});
    std::vector<int> seen(std::size_t(managers), 0);
    for (const auto& c : data) {
        const L e = c.o.y - (r.b[0] * c.o.x[0] + r.b[1] * c.o.x[1] + r.b[2] * c.o.x[2]);
        for (int i = 0; i < 3; ++i) {
            for (int j = 0; j < 3; ++j) meat[i][j] += e * e * c.o.x[i] * c.o.x[j];
            u[c.manager][std::size_t(i)] += c.o.x[i] * e;
        }
        seen[c.manager] = 1;
    }
    L g = 0;
    for (std::size_t k = 0; k < u.size(); ++k) {
        g += seen[k];
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) cl[i][j] += u[k][std::size_t(i)] * u[k][std::size_t(j)];
    }
    auto sandwich = [&](L s[3][3]) {
        L v = 0;
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) v += inv[1][i] * s[i][j] * inv[j][1];
        return v;
    };
    const L n = data.size();
    r.se_robust = std::sqrt(sandwich(meat) * n / (n - 3));
    r.se_cluster = std::sqrt(sandwich(cl) * g / (g - 1) * (n - 1) / (n - 3));
    return r;
}

RevenueRegressionResult fit(const std::vector<Customer>& data, int managers, int ranks) {
    std::vector<RevenueNormalEquations> eq(static_cast<std::size_t>(ranks));
    for (std::size_t k = 0; k < data.size(); ++k) eq[(k * 7) % std::size_t(ranks)].add(data[k].o);
    for (int r = 1; r < ranks; ++r)
        for (std::size_t w = 0; w < eq[0].sum_words().size(); ++w) eq[0].sum_words()[w] += eq[std::size_t(r)].sum_words()[w];
    std::vector<RevenueScores> scores;
    for (int r = 0; r < ranks; ++r) scores.emplace_back(std::size_t(managers), eq[0].solve());
    for (std::size_t k = 0; k < data.size(); ++k) scores[(k * 7) % std::size_t(ranks)].add(data[k].manager, data[k].o);
    for (int r = 1; r < ranks; ++r)
        for (std::size_t w = 0; w < scores[0].sum_words().size(); ++w)
            scores[0].sum_words()[w] += scores[std::size_t(r)].sum_words()[w];
    return scores[0].result(eq[0]);
}

TEST(RevenueRegression, LeastSquaresAndRobustErrorsMatchADirectComputation) {
    const auto data = sample(20000, 60, 4);
    const auto r = fit(data, 60, 1);
    const auto want = reference(data, 60);
    EXPECT_EQ(r.customers, 20000);
    EXPECT_EQ(r.clusters, 60);
    for (int i = 0; i < 3; ++i) EXPECT_NEAR(r.coefficients[std::size_t(i)], double(want.b[i]), 1e-9) << i;
    EXPECT_NEAR(r.se_robust / double(want.se_robust), 1.0, 1e-9);
    EXPECT_NEAR(r.se_cluster / double(want.se_cluster), 1.0, 1e-6);  // fixed-point scores: 2^-20 each
    // The planted 1.2 per 10 points, inside the clustered interval; the manager effect makes the
    // clustered interval wider than the heteroskedasticity-robust one.
    EXPECT_LT(r.ci_low, 1.2);
    EXPECT_GT(r.ci_high, 1.2);
    EXPECT_NEAR(r.ratio, 1.2, 0.03);
    EXPECT_GT(r.se_cluster, r.se_robust);
}

TEST(RevenueRegression, EverySplitOfTheCustomersGivesTheSameBits) {
    const auto data = sample(5000, 17, 9);
    const auto one = fit(data, 17, 1), three = fit(data, 17, 3);
    EXPECT_EQ(std::memcmp(&one, &three, sizeof one), 0);
}

TEST(RevenueRegression, UndefinedWithoutVariationOrClusters) {
    std::vector<Customer> same;
    for (int k = 0; k < 10; ++k) same.push_back({0, revenue_observation(50, 1000, 2000)});
    const auto r = fit(same, 1, 1);
    EXPECT_TRUE(std::isnan(r.ratio));
    const auto one_manager = fit(sample(500, 1, 2), 1, 1);
    EXPECT_FALSE(std::isnan(one_manager.se_robust));
    EXPECT_TRUE(std::isnan(one_manager.se_cluster));  // one cluster: no clustered interval
}

}  // namespace
}  // namespace engage::kernels
