#pragma once
// Pearson intervals that hold without normality (docs/metrics.md, "Correlations (issue 5)",
// "Intervals"). Fisher's interval for r assumes a bivariate normal; for a variable as skewed as
// horizon revenue (skewness about 50) it is several times too narrow. The delta method applied
// to the sample moments gives the asymptotic variance of r for any distribution with finite
// fourth moments (Isserlis 1916; Steiger & Hakstian 1982; Hawkins 1989):
//
//   n Var(r) -> rho22 + r^2 / 4 (rho40 + rho04 + 2 rho22) - r (rho31 + rho13),
//
// rho_ab the mean of zx^a zy^b over the pair's customers, z the values standardised by the
// pair's own mean and standard deviation (population). Under a bivariate normal it is
// (1 - r^2)^2, Fisher's; the interval is Fisher's z interval with this variance in place of his.
//
// A later pass than the moments: the pair's means and deviations come from the all-reduced
// CorrelationMoments. Each customer's five products per pair are rounded to multiples of 2^-24
// and summed as 128-bit integers, so the sums are the same bits for any split of the customers
// over ranks and threads.
#include <cstdint>
#include <span>
#include <vector>

#include "stats/rank_correlation.hpp"
#include "study/correlation.hpp"

namespace engage::kernels {

// n Var(r), from the standardised moments; NaN when not positive.
double distribution_free_variance(double r, double rho22, double rho40, double rho04, double rho31, double rho13) noexcept;

class PearsonTails {
public:
    // `moments` all-reduced; it must outlive this state.
    explicit PearsonTails(const CorrelationMoments& moments);

    // The customer's values and groups, as in CorrelationMoments::add.
    void add(std::span<const double> values, std::span<const int> groups);
    void combine(const PearsonTails& other);

    // Three words per sum (bits 0-41, 42-83, and the rest, signed; any carries allowed), into
    // which the 128-bit running sums of add() and combine() are folded here: reduce or save
    // them only through this call.
    std::span<std::int64_t> sum_words() noexcept;
    std::span<std::int64_t> max_words() noexcept { return {}; }

    // n Var(r) of the pair (i < j) in group g, or NaN (undefined r, fewer than 4 customers).
    double variance_n(int g, int i, int j) const noexcept;

    static constexpr int kSums = 5;  // rho22, rho40, rho04, rho31, rho13
    static constexpr int kQuantumBits = 24;

private:
    struct Centre {
        double mean_x = 0, scale_x = 0, mean_y = 0, scale_y = 0;  // scale: 1 / deviation; 0: undefined
    };
    void fold() noexcept;
    Int128 total(std::size_t sum) const noexcept;

    const CorrelationMoments* moments_;
    int variables_, groups_;
    std::vector<Centre> centres_;  // per group and pair i < j
    std::vector<Int128> running_;  // per group, pair and sum: this rank's sums since the last fold
    std::vector<std::int64_t> words_;
    bool dirty_ = false;  // running_ holds terms not yet in words_
};

}  // namespace engage::kernels
