#pragma once
// The attrition claim as an adjusted association (docs/metrics.md, "Adjusted claims"): over the
// customers at risk at T, the logistic regression (maximum likelihood, no penalty)
//
//   logit P(churn over (T, T + H]) = b0 + b1 engaged + b2 log recency + b3 log purchases
//                                    + b4 log mean purchase value,
//
// engaged = tier engaged or fully engaged at T, the other three RFM's features at T
// (kernels/study/baselines.hpp), so that exp(b1) is the odds ratio of churning, engaged against
// not, between customers of the same recency, frequency and monetary value. Fitted with the
// baselines' Newton iterations on exact sums (kernels/stats/logistic.hpp); its interval is
// cluster-robust by relationship manager, and robust with each customer its own cluster:
//
//   Var(b1) = c [H^-1 (sum_g u_g u_g') H^-1]_11,  u_g = sum over g's customers of (y - mu) x,
//
// c = G / (G - 1) (Liang & Zeger 1986; Stata's `logit, vce(cluster)`, R sandwich's `vcovCL` for
// a glm). Only row 1 of H^-1 matters: with q = n H^-1 e_1 every customer adds
// t = (y - mu) q.x, summed per manager in fixed point (multiples of 2^-24, integers, so the sums
// do not depend on the order) and exactly for the robust variance; then
// Var(b1) = c / n^2 sum_g (sum_{i in g} t_i)^2. Pure: no MPI.
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "stats/exact_sum.hpp"
#include "stats/logistic.hpp"

namespace engage::kernels {

// engaged, then RFM's three features (kernels/study/baselines.hpp, which includes this file).
constexpr int kAttritionFeatures = 4;
using AttritionFeatures = std::array<double, kAttritionFeatures>;
constexpr const char* kAttritionFeatureNames[kAttritionFeatures] = {"engaged", "log_recency_days", "log_purchases",
                                                                    "log_mean_purchase_value"};
inline AttritionFeatures attrition_features(bool engaged, const std::array<double, 3>& rfm) noexcept {
    return {engaged ? 1.0 : 0.0, rfm[0], rfm[1], rfm[2]};
}

// The first iterate: zero coefficients; engaged as it is (mean 0, scale 1, so that its
// coefficient is b1 itself), the RFM features standardised by `rfm` (their moments over the
// customers at risk). Throws std::invalid_argument when an RFM feature is constant.
LogisticModel start_attrition(const LogisticMoments& rfm);

struct AttritionRegressionResult {
    std::int64_t customers = 0, engaged = 0, churned = 0, churned_engaged = 0;
    std::int64_t clusters = 0;             // managers with at least one customer
    double unadjusted_odds_ratio = std::nan("");
    double log_odds_ratio = std::nan("");  // b1, per engaged vs not (the feature is not standardised)
    double se_model = std::nan(""), se_cluster = std::nan(""), se_robust = std::nan("");
    double odds_ratio = std::nan("");      // exp(b1)
    double ci_low = std::nan(""), ci_high = std::nan("");                // exp(b1 -+ z se_cluster)
    double ci_low_robust = std::nan(""), ci_high_robust = std::nan("");  // exp(b1 -+ z se_robust)
};

// The sweep after the fit: per manager the customers and the fixed-point sum of t, and the exact
// sum of t^2. `model`: the fitted regression (its covariance is H^-1 at the fit).
class AttritionScores {
public:
    AttritionScores(std::size_t managers, const LogisticModel& model, std::int64_t customers);
    void add(std::uint32_t manager, const AttritionFeatures& x, bool churned) noexcept;
    std::span<std::int64_t> sum_words() noexcept { return words_; }
    std::span<std::int64_t> max_words() noexcept { return {}; }
    // `counts`: customers, engaged, churned, churned and engaged (of the fit's rows).
    AttritionRegressionResult result(const std::array<std::int64_t, 4>& counts, double z = 1.959963984540054) const;

    static constexpr int kQuantumBits = 24;

private:
    std::size_t managers_;
    const LogisticModel* model_;
    std::int64_t n_;
    std::vector<double> q_;             // n H^-1 e_1 in the standardised coordinates
    std::vector<std::int64_t> words_;   // per manager: customers, fixed-point sum of t; then sum t^2
};

}  // namespace engage::kernels
