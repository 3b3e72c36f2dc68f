// The attrition claim adjusted for RFM (kernels/study/attrition_regression.hpp) against R's glm
// and sandwich's cluster-robust and robust standard errors (reference values from
// tests/unit/reference/attrition_glm.R), and its sums' independence of how the rows are split.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "stats/logistic.hpp"
#include "study/attrition_regression.hpp"

namespace {

using namespace engage::kernels;

// The data set of attrition_glm.R.
struct Row {
    AttritionFeatures x;
    bool churned;
    std::uint32_t manager;
};
std::vector<Row> data() {
    std::vector<Row> rows;
    for (int i = 0; i < 120; ++i) {
        const bool engaged = (i * 7) % 5 < 2;
        const double recency = std::log1p(double((i * 13) % 97));
        const double purchases = std::log1p(double((i * 5) % 9));
        const double value = std::log1p(double((i * i) % 17) * 3.5);
        const int threshold = 6 + 2 * (recency > 3) - 3 * engaged;
        rows.push_back({attrition_features(engaged, {recency, purchases, value}), (i * 11 + 5) % 19 < threshold,
                        std::uint32_t(i % 9)});
    }
    return rows;
}

LogisticModel fit(const std::vector<Row>& rows) {
    LogisticMoments m(3);
    for (const Row& r : rows) m.add(std::array<double, 3>{r.x[1], r.x[2], r.x[3]}, r.churned);
    LogisticModel model = start_attrition(m);
    for (int it = 0; it < 50 && !model.converged; ++it) {
        LogisticSums s(kAttritionFeatures);
        for (const Row& r : rows) s.add(model, r.x, r.churned);
        model.converged = newton_step(s, 0.0, model) < 1e-12;
    }
    return model;
}

std::array<std::int64_t, 4> counts(const std::vector<Row>& rows) {
    std::array<std::int64_t, 4> c{};
    for (const Row& r : rows) {
        c[0] += 1;
        c[1] += r.x[0] > 0;
        c[2] += r.churned;
        c[3] += r.churned && r.x[0] > 0;
    }
    return c;
}

TEST(AttritionRegression, MatchesGlmAndSandwich) {
    const auto rows = data();
    const LogisticModel model = fit(rows);
    ASSERT_TRUE(model.converged);
    AttritionScores scores(9, model, std::int64_t(rows.size()));
    for (const Row& r : rows) scores.add(r.manager, r.x, r.churned);
    const AttritionRegressionResult a = scores.result(counts(rows));
    EXPECT_EQ(a.customers, 120);
    EXPECT_EQ(a.churned, 44);
    EXPECT_EQ(a.engaged, 48);
    EXPECT_EQ(a.churned_engaged, 13);
    EXPECT_EQ(a.clusters, 9);
    EXPECT_NEAR(a.log_odds_ratio, -0.6439549218576418, 1e-9);
    EXPECT_NEAR(a.odds_ratio, std::exp(-0.6439549218576418), 1e-9);
    // glm and the Newton steps take their Hessian at slightly different last iterates.
    EXPECT_NEAR(a.se_model, 0.41881922454930665, 1e-7);
    EXPECT_NEAR(a.se_cluster, 0.53503867406347905, 1e-6);
    EXPECT_NEAR(a.se_robust, 0.40445262348852179, 1e-6);
    EXPECT_NEAR(a.ci_low, std::exp(-0.6439549218576418 - 1.959963984540054 * 0.53503867406347905), 1e-6);
    // Unadjusted: (13 / 35) / (31 / 41).
    EXPECT_NEAR(a.unadjusted_odds_ratio, (13.0 / 35.0) / (31.0 / 41.0), 1e-15);
}

TEST(AttritionRegression, ScoresDoNotDependOnTheSplit) {
    const auto rows = data();
    const LogisticModel model = fit(rows);
    AttritionScores all(9, model, 120), a(9, model, 120), b(9, model, 120);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        all.add(rows[i].manager, rows[i].x, rows[i].churned);
        const Row& r = rows[rows.size() - 1 - i];
        (i % 4 == 1 ? a : b).add(r.manager, r.x, r.churned);
    }
    for (std::size_t w = 0; w < a.sum_words().size(); ++w) a.sum_words()[w] += b.sum_words()[w];
    for (std::size_t w = 0; w < all.sum_words().size(); ++w) EXPECT_EQ(all.sum_words()[w], a.sum_words()[w]);
}

TEST(AttritionRegression, NoEngagedCustomerMeansNoOddsRatio) {
    auto rows = data();
    for (Row& r : rows) r.x[0] = 0;
    const auto c = counts(rows);
    EXPECT_EQ(c[1], 0);
    LogisticMoments m(3);
    for (const Row& r : rows) m.add(std::array<double, 3>{r.x[1], r.x[2], r.x[3]}, r.churned);
    LogisticModel model = start_attrition(m);
    LogisticSums s(kAttritionFeatures);
    for (const Row& r : rows) s.add(model, r.x, r.churned);
    EXPECT_THROW(newton_step(s, 0.0, model), std::runtime_error);  // engaged is constant: H singular
}

}  // namespace
