#pragma once
// The revenue claim as an adjusted association (docs/metrics.md, "Adjusted claims"): over the
// customers at risk at T, the least-squares fit
//
//   log(1 + horizon revenue) = b0 + b1 (composite / 10) + b2 log(1 + window revenue) + e,
//
// so that exp(b1) is the ratio of (1 + horizon revenue) per 10 composite points between
// customers of the same past revenue. Its interval is cluster-robust by relationship manager
// (CR1: Liang & Zeger 1986; Cameron & Miller 2015), and heteroskedasticity-robust (HC1: White
// 1980; MacKinnon & White 1985) as well, for bases with too few managers.
//
// Two passes over the customers: the normal equations (exact sums, all-reduced, so every rank
// solves the same bits), then with the fitted b each customer's score x e, summed per manager
// in fixed point (multiples of 2^-20; 64-bit integer sums) and exactly for HC1's meat.
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "stats/exact_sum.hpp"

namespace engage::kernels {

struct RevenueRegressionResult {
    std::int64_t customers = 0, clusters = 0;  // clusters: managers with at least one customer
    std::array<double, 3> coefficients{std::nan(""), std::nan(""), std::nan("")};
    double se_cluster = std::nan(""), se_robust = std::nan("");  // of b1
    double ratio = std::nan("");                                  // exp(b1)
    double ci_low = std::nan(""), ci_high = std::nan("");         // exp(b1 -+ z se_cluster)
    double ci_low_robust = std::nan(""), ci_high_robust = std::nan("");
};

// The regressors of a customer: 1, composite / 10, log(1 + past revenue); the response.
struct RevenueObservation {
    std::array<double, 3> x;
    double y;
};
inline RevenueObservation revenue_observation(double composite, std::int64_t past_revenue_cents,
                                              std::int64_t horizon_revenue_cents) noexcept {
    return {{1.0, composite / 10.0, std::log1p(double(std::max<std::int64_t>(past_revenue_cents, 0)) / 100.0)},
            std::log1p(double(std::max<std::int64_t>(horizon_revenue_cents, 0)) / 100.0)};
}

// Pass 1: X'X and X'y.
class RevenueNormalEquations {
public:
    RevenueNormalEquations() : sums_(kSums) {}
    void add(const RevenueObservation& o) noexcept;
    std::span<std::int64_t> sum_words() noexcept { return sums_.sum_words(); }
    std::span<std::int64_t> max_words() noexcept { return {}; }
    std::int64_t customers() const noexcept { return std::int64_t(std::llround(sums_.value(0))); }
    // b, or NaN when X'X is singular (fewer than 3 customers, a constant regressor).
    std::array<double, 3> solve() const noexcept;
    std::array<std::array<double, 3>, 3> inverse() const noexcept;  // (X'X)^-1; NaN when singular

private:
    static constexpr std::size_t kSums = 6 + 3;  // upper triangle of X'X, then X'y
    ExactSums sums_;
};

// Pass 2: per manager the fixed-point sum of x e, and exactly the sums of e^2 x x' (HC1).
class RevenueScores {
public:
    RevenueScores(std::size_t managers, const std::array<double, 3>& b);
    void add(std::uint32_t manager, const RevenueObservation& o) noexcept;
    std::span<std::int64_t> sum_words() noexcept { return words_; }
    std::span<std::int64_t> max_words() noexcept { return {}; }
    RevenueRegressionResult result(const RevenueNormalEquations& fit, double z = 1.959963984540054) const;

    static constexpr int kQuantumBits = 20;

private:
    std::size_t managers_;
    std::array<double, 3> b_;
    // Per manager: customers, then the 3 fixed-point sums of x e; then the 6 exact sums of
    // e^2 x x' (upper triangle).
    std::vector<std::int64_t> words_;
};

}  // namespace engage::kernels
