#include "stats/logistic.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "stats/cholesky.hpp"

namespace engage::kernels {

LogisticMoments::LogisticMoments(int features)
    : features_(features), w_(2 + std::size_t(2 * features) * ExactSum::kWords, 0) {}

void LogisticMoments::add(std::span<const double> x, bool y) noexcept {
    w_[0] += 1;
    w_[1] += y;
    for (int j = 0; j < features_; ++j) {
        const double v = x[std::size_t(j)];
        ExactSumWords::add(ExactSumWords::Words(w_.data() + 2 + std::size_t(2 * j) * ExactSum::kWords, ExactSum::kWords), v);
        ExactSumWords::add(ExactSumWords::Words(w_.data() + 2 + std::size_t(2 * j + 1) * ExactSum::kWords, ExactSum::kWords),
                           v * v);
    }
}

double LogisticMoments::sum(int i) const noexcept {
    return ExactSumWords::value(
        ExactSumWords::ConstWords(w_.data() + 2 + std::size_t(i) * ExactSum::kWords, ExactSum::kWords));
}

double LogisticMoments::mean(int j) const noexcept { return rows() > 0 ? sum(2 * j) / double(rows()) : 0.0; }

double LogisticMoments::sd(int j) const noexcept {
    const std::int64_t n = rows();
    if (n < 2) return 0;
    // (sum x^2 - n mean^2) / (n - 1) from the exact sums: each rounded once, so the variance of a
    // constant feature can come out a few ulps from 0; anything below 1e-12 of the mean square
    // counts as constant.
    const double m = mean(j), squares = sum(2 * j + 1);
    const double var = (squares - double(n) * m * m) / double(n - 1);
    return var > 1e-12 * std::max(1.0, squares / double(n)) ? std::sqrt(var) : 0.0;
}

void LogisticModel::standardise(std::span<const double> x, std::span<double> z) const noexcept {
    z[0] = 1;
    for (std::size_t j = 0; j < mean.size(); ++j) z[j + 1] = (x[j] - mean[j]) / scale[j];
}

double LogisticModel::linear(std::span<const double> x) const noexcept {
    double eta = beta[0];
    for (std::size_t j = 0; j < mean.size(); ++j) eta += beta[j + 1] * ((x[j] - mean[j]) / scale[j]);
    return eta;
}

double LogisticModel::probability(std::span<const double> x) const noexcept {
    return 1.0 / (1.0 + std::exp(-linear(x)));
}

LogisticModel start_logistic(const LogisticMoments& m) {
    LogisticModel model;
    for (int j = 0; j < m.features(); ++j) {
        const double s = m.sd(j);
        if (!(s > 0)) throw std::invalid_argument("feature " + std::to_string(j) + " is constant");
        model.mean.push_back(m.mean(j));
        model.scale.push_back(s);
    }
    model.beta.assign(std::size_t(m.features() + 1), 0.0);
    model.se.assign(model.beta.size(), std::nan(""));
    return model;
}

LogisticSums::LogisticSums(int features)
    : p_(features + 1), sums_(std::size_t(p_ + p_ * (p_ + 1) / 2 + 1)) {}

std::size_t LogisticSums::hessian_index(int i, int j) const noexcept {
    if (i > j) std::swap(i, j);
    // Row i of the upper triangle starts after rows 0..i-1, of p, p - 1, ... entries.
    return std::size_t(p_ + i * p_ - i * (i - 1) / 2 + (j - i));
}

double LogisticSums::hessian(int i, int j) const noexcept { return sums_.value(hessian_index(i, j)); }

void LogisticSums::clear() noexcept { std::fill(sums_.sum_words().begin(), sums_.sum_words().end(), 0); }

void LogisticSums::add(const LogisticModel& model, std::span<const double> x, bool y) noexcept {
    double z[16];
    model.standardise(x, std::span<double>(z, std::size_t(p_)));
    double eta = 0;
    for (int i = 0; i < p_; ++i) eta += model.beta[std::size_t(i)] * z[i];
    const double mu = 1.0 / (1.0 + std::exp(-eta));
    const double w = mu * (1.0 - mu);
    const double r = (y ? 1.0 : 0.0) - mu;
    for (int i = 0; i < p_; ++i) {
        sums_.add(std::size_t(i), r * z[i]);
        for (int j = i; j < p_; ++j) sums_.add(hessian_index(i, j), w * z[i] * z[j]);
    }
    // log(1 + e^eta) without overflow.
    const double softplus = eta > 0 ? eta + std::log1p(std::exp(-eta)) : std::log1p(std::exp(eta));
    sums_.add(std::size_t(p_ + p_ * (p_ + 1) / 2), (y ? eta : 0.0) - softplus);
}

bool cholesky_solve(std::vector<double> a, int n, std::span<const double> b, std::span<double> x,
                    std::span<double> inverse) {
    const auto N = std::size_t(n);
    if (!cholesky_factor(a, N)) return false;
    cholesky_solve_factored(a, N, b, x);
    if (!inverse.empty()) {
        std::vector<double> e(N), column(N);
        for (std::size_t i = 0; i < N; ++i) {
            std::fill(e.begin(), e.end(), 0.0);
            e[i] = 1;
            cholesky_solve_factored(a, N, e, column);
            for (std::size_t j = 0; j < N; ++j) inverse[j * N + i] = column[j];
        }
    }
    return true;
}

double newton_step(const LogisticSums& sums, double lambda, LogisticModel& model) {
    const int p = sums.parameters();
    const auto P = std::size_t(p);
    std::vector<double> a(P * P), g(P), delta(P), inverse(P * P);
    for (int i = 0; i < p; ++i) {
        const double penalty = i > 0 ? lambda : 0.0;
        g[std::size_t(i)] = sums.gradient(i) - penalty * model.beta[std::size_t(i)];
        for (int j = 0; j < p; ++j) a[std::size_t(i) * P + std::size_t(j)] = sums.hessian(i, j) + (i == j ? penalty : 0.0);
    }
    if (!cholesky_solve(a, p, g, delta, inverse))
        throw std::runtime_error("the Hessian of the logistic regression is not positive definite");
    double change = 0;
    for (std::size_t i = 0; i < P; ++i) {
        model.beta[i] += delta[i];
        model.se[i] = std::sqrt(inverse[i * P + i]);
        change = std::max(change, std::fabs(delta[i]));
    }
    model.covariance = std::move(inverse);
    model.log_likelihood = sums.log_likelihood();
    ++model.iterations;
    return change;
}

}  // namespace engage::kernels
