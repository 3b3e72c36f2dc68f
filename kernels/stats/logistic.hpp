#pragma once
// L2-penalised logistic regression fitted by Newton-Raphson from mergeable exact sums
// (docs/metrics.md, "Baselines"): the features are standardised by their exactly summed means
// and standard deviations; each Newton iteration sums the gradient, the Hessian and the
// log-likelihood at the current coefficients over all rows exactly (kernels/stats/exact_sum.hpp),
// so that after an all-reduce of the words every rank takes the same step, bit for bit, for any
// split of the rows into ranks, shards and threads. Pure: no MPI.
//
// Model: P(y = 1 | x) = 1 / (1 + exp(-eta)), eta = b0 + sum_j b_j z_j, z_j = (x_j - m_j) / s_j.
// Fitted: the b maximising  log L(b) - lambda / 2 * sum_{j >= 1} b_j^2  (the intercept is not
// penalised). Newton: b <- b + (H + lambda P)^-1 (g - lambda P b), g = sum (y - mu) z,
// H = sum mu (1 - mu) z z^T, with z_0 = 1 and P the identity without its (0, 0) entry.
// Standard errors: the square roots of the diagonal of (H + lambda P)^-1 at the fit.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "stats/exact_sum.hpp"

namespace engage::kernels {

// The pass before the fit: per feature the exact sums of x and x^2, and the rows and positives.
class LogisticMoments {
public:
    explicit LogisticMoments(int features);
    int features() const noexcept { return features_; }
    void add(std::span<const double> x, bool y) noexcept;
    std::span<std::int64_t> sum_words() noexcept { return w_; }
    std::span<std::int64_t> max_words() noexcept { return {}; }

    std::int64_t rows() const noexcept { return w_[0]; }
    std::int64_t positives() const noexcept { return w_[1]; }
    double mean(int j) const noexcept;
    // The sample standard deviation (n - 1 in the denominator); 0 when constant or n < 2.
    double sd(int j) const noexcept;

private:
    double sum(int i) const noexcept;
    int features_;
    std::vector<std::int64_t> w_;  // rows, positives, then 2 x features exact sums
};

// The standardisation and coefficients of a fitted model.
struct LogisticModel {
    std::vector<double> mean, scale;  // per feature
    std::vector<double> beta;         // intercept, then per standardised feature (per SD of x)
    std::vector<double> se;           // standard errors of beta
    std::vector<double> covariance;   // (H + lambda P)^-1 at the last iterate, row-major; se = sqrt(diagonal)
    int iterations = 0;
    bool converged = false;
    double log_likelihood = 0;        // at the last iteration's coefficients (unpenalised)

    int features() const noexcept { return int(mean.size()); }
    // The standardised row with its leading 1, into z (features + 1).
    void standardise(std::span<const double> x, std::span<double> z) const noexcept;
    double linear(std::span<const double> x) const noexcept;       // eta
    double probability(std::span<const double> x) const noexcept;  // P(y = 1)
};

// A model with zero coefficients over the standardisation of `m` (the first iterate).
// Throws std::invalid_argument when a feature is constant (its sd is 0).
LogisticModel start_logistic(const LogisticMoments& m);

// One Newton iteration's sums at the model's coefficients.
class LogisticSums {
public:
    explicit LogisticSums(int features);
    void add(const LogisticModel& model, std::span<const double> x, bool y) noexcept;
    std::span<std::int64_t> sum_words() noexcept { return sums_.sum_words(); }
    std::span<std::int64_t> max_words() noexcept { return {}; }
    void clear() noexcept;

    int parameters() const noexcept { return p_; }
    double gradient(int i) const noexcept { return sums_.value(std::size_t(i)); }
    double hessian(int i, int j) const noexcept;  // of the negative log-likelihood
    double log_likelihood() const noexcept { return sums_.value(std::size_t(p_ + p_ * (p_ + 1) / 2)); }

private:
    std::size_t hessian_index(int i, int j) const noexcept;
    int p_;
    ExactSums sums_;  // gradient (p), Hessian upper triangle, log-likelihood
};

// The Newton step from the all-reduced sums at `model`'s coefficients: updates beta, se,
// log_likelihood and iterations; returns the largest absolute change of a coefficient.
// Throws std::runtime_error when H + lambda P is not positive definite.
double newton_step(const LogisticSums& sums, double lambda, LogisticModel& model);

// Solves A x = b for a symmetric positive definite A (n x n, row-major) by Cholesky, and
// optionally A^-1 (n x n, row-major) into `inverse`; false when A is not positive definite.
bool cholesky_solve(std::vector<double> a, int n, std::span<const double> b, std::span<double> x,
                    std::span<double> inverse);

}  // namespace engage::kernels
