#pragma once
// Small dense symmetric positive definite systems (the log-rank covariance, the Newton steps of
// the logistic fits: a few to a few dozen unknowns) by Cholesky factorisation, A = L L'. Serial
// and in a fixed order, so every rank gets the same bits from the same all-reduced matrix.
#include <cmath>
#include <cstddef>
#include <span>
#include <vector>

namespace engage::kernels {

// Factors A (n x n, row-major) in place: L in the lower triangle. False when a pivot is not
// above `relative_tolerance` times its diagonal entry of A (not positive definite, or singular
// up to rounding when the tolerance is > 0).
inline bool cholesky_factor(std::vector<double>& a, std::size_t n, double relative_tolerance = 0.0) noexcept {
    for (std::size_t j = 0; j < n; ++j) {
        double d = a[j * n + j];
        for (std::size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
        if (!(d > relative_tolerance * a[j * n + j])) return false;
        const double l = std::sqrt(d);
        a[j * n + j] = l;
        for (std::size_t i = j + 1; i < n; ++i) {
            double s = a[i * n + j];
            for (std::size_t k = 0; k < j; ++k) s -= a[i * n + k] * a[j * n + k];
            a[i * n + j] = s / l;
        }
    }
    return true;
}

// Solves L L' x = b with `l` from cholesky_factor; `x` may be `b`.
inline void cholesky_solve_factored(const std::vector<double>& l, std::size_t n, std::span<const double> b,
                                    std::span<double> x) {
    std::vector<double> y(n);
    for (std::size_t i = 0; i < n; ++i) {  // L y = b
        double s = b[i];
        for (std::size_t k = 0; k < i; ++k) s -= l[i * n + k] * y[k];
        y[i] = s / l[i * n + i];
    }
    for (std::size_t i = n; i-- > 0;) {  // L' x = y
        double s = y[i];
        for (std::size_t k = i + 1; k < n; ++k) s -= l[k * n + i] * x[k];
        x[i] = s / l[i * n + i];
    }
}

}  // namespace engage::kernels
