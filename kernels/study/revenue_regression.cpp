#include "study/revenue_regression.hpp"

#include "stats/cholesky.hpp"

namespace engage::kernels {

namespace {

// The upper triangle of a symmetric 3 x 3 matrix, row by row: (0,0) (0,1) (0,2) (1,1) (1,2) (2,2).
constexpr int kUpper[3][3] = {{0, 1, 2}, {1, 3, 4}, {2, 4, 5}};
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using Matrix = std::array<std::array<double, 3>, 3>;

Matrix nan_matrix() {
    Matrix m;
    for (auto& row : m) row.fill(kNaN);
    return m;
}

// The inverse of X'X by its Cholesky factors (kernels/stats/cholesky.hpp), column by column;
// NaN when it is singular up to rounding.
Matrix inverse_of(const Matrix& a) {
    std::vector<double> l(9);
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) l[std::size_t(i * 3 + j)] = a[i][j];
    if (!cholesky_factor(l, 3, 1e-12)) return nan_matrix();
    Matrix inv;
    for (int j = 0; j < 3; ++j) {
        double e[3] = {0, 0, 0}, column[3];
        e[j] = 1;
        cholesky_solve_factored(l, 3, e, column);
        for (int i = 0; i < 3; ++i) inv[i][j] = column[i];
    }
    return inv;
}

double quadratic(const Matrix& bread, const Matrix& meat, int k) {
    // (bread meat bread)[k][k]
    double v = 0;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) v += bread[k][i] * meat[i][j] * bread[j][k];
    return v;
}

}  // namespace

void RevenueNormalEquations::add(const RevenueObservation& o) noexcept {
    for (int i = 0; i < 3; ++i)
        for (int j = i; j < 3; ++j) sums_.add(std::size_t(kUpper[i][j]), o.x[i] * o.x[j]);
    for (int i = 0; i < 3; ++i) sums_.add(std::size_t(6 + i), o.x[i] * o.y);
}

std::array<std::array<double, 3>, 3> RevenueNormalEquations::inverse() const noexcept {
    Matrix a;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) a[i][j] = sums_.value(std::size_t(kUpper[i][j]));
    return inverse_of(a);
}

std::array<double, 3> RevenueNormalEquations::solve() const noexcept {
    const Matrix inv = inverse();
    std::array<double, 3> b{};
    for (int i = 0; i < 3; ++i) {
        b[i] = 0;
        for (int j = 0; j < 3; ++j) b[i] += inv[i][j] * sums_.value(std::size_t(6 + j));
    }
    return b;
}

RevenueScores::RevenueScores(std::size_t managers, const std::array<double, 3>& b)
    : managers_(managers), b_(b), words_(managers * 4 + 6 * ExactSum::kWords, 0) {}

void RevenueScores::add(std::uint32_t manager, const RevenueObservation& o) noexcept {
    const double e = o.y - (b_[0] * o.x[0] + b_[1] * o.x[1] + b_[2] * o.x[2]);
    if (!std::isfinite(e)) return;  // no fit (singular X'X): nothing to sum, result() says so
    std::int64_t* w = &words_[std::size_t(manager) * 4];
    w[0] += 1;
    for (int i = 0; i < 3; ++i) w[1 + i] += std::llround(std::ldexp(o.x[i] * e, kQuantumBits));
    std::int64_t* meat = &words_[managers_ * 4];
    for (int i = 0; i < 3; ++i)
        for (int j = i; j < 3; ++j)
            ExactSumWords::add(ExactSumWords::Words(meat + kUpper[i][j] * ExactSum::kWords, ExactSum::kWords),
                               e * e * o.x[i] * o.x[j]);
}

RevenueRegressionResult RevenueScores::result(const RevenueNormalEquations& fit, double z) const {
    RevenueRegressionResult r;
    r.customers = fit.customers();
    const Matrix bread = fit.inverse();
    if (std::isnan(bread[0][0]) || std::isnan(b_[1])) return r;
    r.coefficients = b_;
    r.ratio = std::exp(b_[1]);
    const double n = double(r.customers), k = 3;
    // HC1: n / (n - k) (X'X)^-1 (sum e^2 x x') (X'X)^-1.
    Matrix meat;
    const std::int64_t* m = &words_[managers_ * 4];
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
            meat[i][j] = ExactSumWords::value(ExactSumWords::ConstWords(m + kUpper[i][j] * ExactSum::kWords, ExactSum::kWords));
    if (n > k) {
        r.se_robust = std::sqrt(quadratic(bread, meat, 1) * n / (n - k));
        r.ci_low_robust = std::exp(b_[1] - z * r.se_robust);
        r.ci_high_robust = std::exp(b_[1] + z * r.se_robust);
    }
    // CR1: G / (G - 1) (n - 1) / (n - k) (X'X)^-1 (sum_c u_c u_c') (X'X)^-1, u_c = sum x e.
    Matrix clustered{};
    for (std::size_t c = 0; c < managers_; ++c) {
        const std::int64_t* w = &words_[c * 4];
        if (w[0] == 0) continue;
        ++r.clusters;
        double u[3];
        for (int i = 0; i < 3; ++i) u[i] = std::ldexp(double(w[1 + i]), -kQuantumBits);
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j) clustered[i][j] += u[i] * u[j];
    }
    const double g = double(r.clusters);
    if (g >= 2 && n > k) {
        r.se_cluster = std::sqrt(quadratic(bread, clustered, 1) * g / (g - 1) * (n - 1) / (n - k));
        r.ci_low = std::exp(b_[1] - z * r.se_cluster);
        r.ci_high = std::exp(b_[1] + z * r.se_cluster);
    }
    return r;
}

}  // namespace engage::kernels
