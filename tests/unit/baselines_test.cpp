// The kernels of the backtest's baselines (docs/metrics.md, "Baselines"): the L2 logistic
// regression against R's glm (reference values from tests/unit/reference/logistic_glm.R), its
// penalised optimum and its independence of how the rows are split; DeLong's paired test against
// an O(n^2) evaluation of the placements and a case worked by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "stats/logistic.hpp"
#include "study/baselines.hpp"
#include "study/paired_auc.hpp"
#include "tiny_shard.hpp"

namespace {

using namespace engage::kernels;

// The data set of logistic_glm.R.
struct Data {
    std::vector<std::array<double, 2>> x;
    std::vector<bool> y;
};
Data glm_data() {
    Data d;
    for (int i = 0; i < 60; ++i) {
        const double x1 = i % 7, x2 = double((i * i) % 11) / 3.0;
        d.x.push_back({x1, x2});
        d.y.push_back(double((i * 5 + 3) % 13) < 4 + x1);
    }
    return d;
}

LogisticModel fit(const Data& d, double lambda) {
    LogisticMoments m(2);
    for (std::size_t i = 0; i < d.y.size(); ++i) m.add(d.x[i], d.y[i]);
    LogisticModel model = start_logistic(m);
    for (int it = 0; it < 50; ++it) {
        LogisticSums s(2);
        for (std::size_t i = 0; i < d.y.size(); ++i) s.add(model, d.x[i], d.y[i]);
        if (newton_step(s, lambda, model) < 1e-10) {
            model.converged = true;
            break;
        }
    }
    return model;
}

TEST(LogisticRegression, MatchesGlm) {
    const Data d = glm_data();
    const LogisticModel m = fit(d, 0.0);
    ASSERT_TRUE(m.converged);
    // Back from the standardised scale: b_j / s_j, b_0 - sum b_j m_j / s_j.
    const double b1 = m.beta[1] / m.scale[0], b2 = m.beta[2] / m.scale[1];
    const double b0 = m.beta[0] - b1 * m.mean[0] - b2 * m.mean[1];
    EXPECT_NEAR(b0, -0.87502198253364394, 1e-9);
    EXPECT_NEAR(b1, 0.35248362348513596, 1e-9);
    EXPECT_NEAR(b2, 0.059508842266175747, 1e-9);
    EXPECT_NEAR(m.se[1] / m.scale[0], 0.14507772970942712, 1e-9);
    EXPECT_NEAR(m.se[2] / m.scale[1], 0.28769262435860238, 1e-9);
    EXPECT_NEAR(m.log_likelihood, -37.983352347814439, 1e-9);
    // The fitted probability of a row from the raw features.
    EXPECT_NEAR(m.probability(std::array<double, 2>{3, 1}), 1 / (1 + std::exp(-(b0 + 3 * b1 + b2))), 1e-12);
}

TEST(LogisticRegression, PenalisedOptimumIsStationaryAndShrinks) {
    const Data d = glm_data();
    const double lambda = 5;
    const LogisticModel m = fit(d, lambda), free = fit(d, 0.0);
    ASSERT_TRUE(m.converged);
    LogisticSums s(2);
    for (std::size_t i = 0; i < d.y.size(); ++i) s.add(m, d.x[i], d.y[i]);
    EXPECT_NEAR(s.gradient(0), 0.0, 1e-9);  // the intercept is not penalised
    for (int j = 1; j <= 2; ++j) {
        EXPECT_NEAR(s.gradient(j), lambda * m.beta[std::size_t(j)], 1e-9);
        EXPECT_LT(std::fabs(m.beta[std::size_t(j)]), std::fabs(free.beta[std::size_t(j)]));
    }
}

TEST(LogisticRegression, SumsDoNotDependOnTheSplit) {
    const Data d = glm_data();
    const LogisticModel m = fit(d, 1.0);
    LogisticSums all(2), a(2), b(2);
    for (std::size_t i = 0; i < d.y.size(); ++i) {
        all.add(m, d.x[i], d.y[i]);
        (i % 3 == 1 ? a : b).add(m, d.x[d.y.size() - 1 - i], d.y[d.y.size() - 1 - i]);
    }
    for (std::size_t w = 0; w < a.sum_words().size(); ++w) a.sum_words()[w] += b.sum_words()[w];
    for (std::size_t w = 0; w < all.sum_words().size(); ++w) EXPECT_EQ(all.sum_words()[w], a.sum_words()[w]);
}

TEST(LogisticRegression, ConstantFeatureIsRefused) {
    LogisticMoments m(1);
    for (int i = 0; i < 10; ++i) m.add(std::array<double, 1>{2.5}, i % 2 == 0);
    EXPECT_EQ(m.sd(0), 0.0);
    EXPECT_THROW(start_logistic(m), std::invalid_argument);
}

// Two predictors' tables from per-customer keys.
struct Paired {
    std::vector<PlacementTable> tables;
    PairedAucSums sums{2};
};
Paired paired(const std::vector<std::array<std::uint16_t, 2>>& keys, const std::vector<bool>& positive) {
    Paired p;
    for (int q = 0; q < 2; ++q) {
        std::vector<std::int64_t> pos(65536, 0), neg(65536, 0);
        for (std::size_t i = 0; i < keys.size(); ++i) ++(positive[i] ? pos : neg)[keys[i][std::size_t(q)]];
        p.tables.emplace_back(pos, neg);
    }
    for (std::size_t i = 0; i < keys.size(); ++i) p.sums.add(p.tables, keys[i], positive[i]);
    return p;
}

TEST(PairedAuc, HandCase) {
    // A: positives 4, 2; negatives 3, 1 -> AUC 0.75. B: positives 1, 4; negatives 2, 3 -> 0.5.
    // Placements A: V10 = 1, 0.5; V01 = 0.5, 1. B: V10 = 0, 1; V01 = 0.5, 0.5.
    // S10: AA 0.125, BB 0.5, AB -0.25; S01: AA 0.125, BB 0, AB 0.
    // Var = (0.125 + 0.5 + 0.5) / 2 + 0.125 / 2 = 0.625.
    const auto p = paired({{4, 1}, {2, 4}, {3, 2}, {1, 3}}, {true, true, false, false});
    EXPECT_DOUBLE_EQ(p.tables[0].auc().auc, 0.75);
    EXPECT_DOUBLE_EQ(p.tables[1].auc().auc, 0.5);
    const PairedAucResult r = paired_auc_test(p.sums, p.tables, 0, 1);
    EXPECT_DOUBLE_EQ(r.difference, 0.25);
    EXPECT_NEAR(r.se * r.se, 0.625, 1e-15);
    EXPECT_NEAR(r.z, 0.25 / std::sqrt(0.625), 1e-15);
    EXPECT_NEAR(r.p, 0.75182963, 1e-8);  // 2 (1 - Phi(0.3162278))
    // A predictor against itself: no difference, p = 1.
    const PairedAucResult same = paired_auc_test(p.sums, p.tables, 0, 0);
    EXPECT_EQ(same.difference, 0.0);
    EXPECT_EQ(same.p, 1.0);
}

TEST(PairedAuc, MatchesQuadraticOracle) {
    // 300 customers with many ties, two correlated predictors.
    std::vector<std::array<std::uint16_t, 2>> keys;
    std::vector<bool> positive;
    std::uint64_t s = 12345;
    auto next = [&] { return (s = s * 6364136223846793005ULL + 1442695040888963407ULL) >> 33; };
    for (int i = 0; i < 300; ++i) {
        const bool pos = next() % 3 != 0;
        const auto base = std::uint16_t(next() % 40 + (pos ? 8 : 0));
        keys.push_back({base, std::uint16_t(base / 2 + next() % 15)});
        positive.push_back(pos);
    }
    const auto p = paired(keys, positive);
    // The oracle: placements by comparing every pair.
    std::vector<std::size_t> P, N;
    for (std::size_t i = 0; i < keys.size(); ++i) (positive[i] ? P : N).push_back(i);
    const double n1 = double(P.size()), n0 = double(N.size());
    auto psi = [](int a, int b) { return a > b ? 1.0 : a == b ? 0.5 : 0.0; };
    double auc[2] = {0, 0};
    std::vector<std::array<double, 2>> v10(P.size(), {0, 0}), v01(N.size(), {0, 0});
    for (int q = 0; q < 2; ++q) {
        for (std::size_t a = 0; a < P.size(); ++a)
            for (std::size_t b = 0; b < N.size(); ++b) {
                const double x = psi(keys[P[a]][std::size_t(q)], keys[N[b]][std::size_t(q)]);
                v10[a][std::size_t(q)] += x / n0;
                v01[b][std::size_t(q)] += x / n1;
                auc[q] += x / (n1 * n0);
            }
    }
    auto cov = [&](const std::vector<std::array<double, 2>>& v, int i, int j) {
        double c = 0;
        for (const auto& r : v) c += (r[std::size_t(i)] - auc[i]) * (r[std::size_t(j)] - auc[j]);
        return c / double(v.size() - 1);
    };
    const double var = (cov(v10, 0, 0) + cov(v10, 1, 1) - 2 * cov(v10, 0, 1)) / n1 +
                       (cov(v01, 0, 0) + cov(v01, 1, 1) - 2 * cov(v01, 0, 1)) / n0;
    EXPECT_NEAR(p.tables[0].auc().auc, auc[0], 1e-12);
    EXPECT_NEAR(p.tables[1].auc().auc, auc[1], 1e-12);
    const PairedAucResult r = paired_auc_test(p.sums, p.tables, 0, 1);
    EXPECT_NEAR(r.difference, auc[0] - auc[1], 1e-12);
    EXPECT_NEAR(r.se, std::sqrt(var), 1e-10);
    EXPECT_NEAR(r.p, std::erfc(std::fabs((auc[0] - auc[1]) / std::sqrt(var)) / std::sqrt(2.0)), 1e-9);
    // The single-predictor variance agrees with auc_from_histograms's DeLong standard error.
    const double single = cov(v10, 0, 0) / n1 + cov(v01, 0, 0) / n0;
    EXPECT_NEAR(p.tables[0].auc().se, std::sqrt(single), 1e-10);
}

TEST(Baselines, CustomerAtTheTrainingDateAndTheScoringDate) {
    using engage::testing_support::TinyShard;
    using K = ChannelKind;
    // Acquired day 0; purchases of 10 and 30 on days 10 and 50, a usage event on day 130, a
    // purchase of 20 on day 160. T_fit = 60, T = 150, H = 90, churn after 60 days.
    TinyShard s;
    s.add(0, {{10, K::purchase, 10}, {50, K::purchase, 30}, {130, K::usage, 1}, {160, K::purchase, 20}});
    const StudyHorizon train{60, 150, 60, -1}, now{150, 240, 60, -1};
    const BaselineCustomer c = baseline_customer(s.view(), 0, engage::testing_support::identity_kinds(), train, now);
    // At 60: last interaction day 50 (10 days): at risk; by 150 last seen day 130 (20 days): retained.
    EXPECT_TRUE(c.train_at_risk);
    EXPECT_TRUE(c.train_retained);
    EXPECT_DOUBLE_EQ(c.train[0], std::log1p(10.0));
    EXPECT_DOUBLE_EQ(c.train[1], std::log1p(2.0));
    EXPECT_DOUBLE_EQ(c.train[2], std::log1p(20.0));  // mean of 10 and 30
    // At 150: last seen day 130 (20 days): at risk; by 240 last seen day 160 (80 days): churned.
    EXPECT_TRUE(c.at_risk);
    EXPECT_FALSE(c.retained);
    EXPECT_EQ(c.recency_days, 20);
    EXPECT_DOUBLE_EQ(c.now[0], std::log1p(20.0));
    EXPECT_DOUBLE_EQ(c.now[1], std::log1p(2.0));  // the purchase of day 160 is after T
    // Dimension scores as calibration features: (score - 50) / 100, unknown as 0.
    const auto z = calibration_features(std::array<float, 5>{100, 50, 0, std::nanf(""), 75});
    EXPECT_DOUBLE_EQ(z[0], 0.5);
    EXPECT_DOUBLE_EQ(z[1], 0.0);
    EXPECT_DOUBLE_EQ(z[2], -0.5);
    EXPECT_DOUBLE_EQ(z[3], 0.0);
    EXPECT_DOUBLE_EQ(z[4], 0.25);
}

TEST(Baselines, BestBaselineSkipsTheUnavailable) {
    BaselineResult r;
    r.auc[0].auc = 0.6;
    r.auc[1].auc = 0.57;
    r.auc[2].auc = 0.66;
    r.auc[3].auc = 0.62;
    EXPECT_EQ(r.best_baseline(), int(Baseline::rfm));
    r.rfm_unavailable = "no training customers";
    EXPECT_EQ(r.best_baseline(), int(Baseline::p_alive));
    r.p_alive_unavailable = "no fit";
    EXPECT_EQ(r.best_baseline(), int(Baseline::recency));
    EXPECT_EQ(probability_key(1.0), 65535);
    EXPECT_EQ(probability_key(0.5), 32768);
}

}  // namespace
