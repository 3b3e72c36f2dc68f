#pragma once
// The Gauss hypergeometric function 2F1 by its power series, for the buy-till-you-die models.
// Boost 1.74 has no dedicated 2F1 (boost/math/special_functions/hypergeometric_2F1.hpp does
// not exist there; only the generic, much slower hypergeometric_pFq, which the unit tests use
// as the oracle), so the series is summed here with explicit truncation bounds.
//
// Series (Abramowitz & Stegun 15.1.1): 2F1(a, b; c; z) = sum_k (a)_k (b)_k / ((c)_k k!) z^k,
// convergent for |z| < 1. The callers first apply Euler's transformation
// (A&S 15.3.3: 2F1(a, b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z)) so that the
// parameters left in the series stay small even for very frequent customers.

namespace engage::kernels {

// 2F1(1, b; c; z) for 0 < b <= c and 0 <= z < 1: all terms are positive and the ratio of
// successive terms, (b + k) / (c + k) * z, never exceeds z, so the tail after a term t is at
// most t * z / (1 - z). Summation stops when that bound is below 2^-53 of the partial sum
// (a rigorous relative truncation error below 1.2e-16). Returns NaN for arguments outside the
// domain or when more than 10^5 terms would be needed (z above about 0.9996).
double hyp2f1_one_b_c(double b, double c, double z) noexcept;

// The same with its partial derivatives in b, c and z (term-wise: d t_k / db = t_k
// sum_{j<k} 1 / (b + j), d t_k / dc = -t_k sum_{j<k} 1 / (c + j), d t_k / dz = k t_k / z).
// Summation stops when the tail bounds of all four series, t_k z / (1 - z) and
// max(t_k max(1, 1 / min(b, c)), t_k / z) (k z / (1 - z) + z / (1 - z)^2) (the harmonic sums
// are at most j / min(b, c); later ratios are at most z), are below 2^-53 of the value.
// The value is bit-identical to hyp2f1_one_b_c's.
struct Hyp2f1Derivatives {
    double value, d_b, d_c, d_z;
};
Hyp2f1Derivatives hyp2f1_one_b_c_derivatives(double b, double c, double z) noexcept;

// General 2F1(a, b; c; z) for |z| < 1, c not a non-positive integer. Stops when a proven bound
// rho on every later term ratio (see the .cpp: the ratio minus one has a numerator linear in
// k, which gives either rho = |z| or rho = the current ratio) makes the geometric tail bound
// |t_k| rho / (1 - rho) smaller than 2^-53 |S_k|. NaN past 10^6 terms or outside the domain.
double hyp2f1_series(double a, double b, double c, double z) noexcept;

}  // namespace engage::kernels
