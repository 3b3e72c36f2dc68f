#pragma once
// Discounted expected residual transactions (DERT) in continuous time, and CLV from them:
//
//   DERT(delta | x, t_x, T) = E[ integral_T^inf e^{-delta (tau - T)} dY(tau) | x, t_x, T ],
//
// the customer's future transactions, each discounted continuously at rate delta per unit of
// time (weeks here: an annual rate d is delta = ln(1 + d) / 52) over an infinite horizon
// (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves for customer base analysis",
// Journal of Marketing Research 42(4), 415-430, section "DERT"). CLV = margin x E[spend] x DERT
// (ibid., equation 1: spend independent of the transaction process, as in the Gamma-Gamma model).
// Unlike clv.hpp's weekly sum over a finite horizon, this is closed form (Pareto/NBD) or one
// integral over p (BG/NBD) and has no truncation.
#include <cmath>

#include "retention/bg_nbd.hpp"
#include "retention/pareto_nbd.hpp"

namespace engage::kernels {

// e^y y^(-a) Gamma(a, y) = integral_0^inf e^{-y t} (1 + t)^(a - 1) dt for any real a and y > 0
// (Gamma(a, y) the upper incomplete gamma function; Tricomi's confluent hypergeometric function
// of the second kind is U(s, s; y) = e^y Gamma(1 - s, y) = y^(1-s) times this at a = 1 - s).
// Boost 1.74's tgamma(a, y) takes a > 0 only; see the .cpp for the method.
double scaled_upper_gamma(double a, double y) noexcept;

// Pareto/NBD (FHL 2005 JMR, equation 2):
//   DERT = P(alive) (r + x) / (alpha + T) (beta + T) e^z z^(s-1) Gamma(1 - s, z),  z = delta (beta + T),
// i.e. alpha^r beta^s delta^(s-1) Gamma(r + x + 1) U(s, s; delta (beta + T)) / (Gamma(r) (alpha + T)^(r+x+1) L).
// Given alive, lambda ~ Gamma(r + x, alpha + T) and mu ~ Gamma(s, beta + T) independently, and
// DERT | alive = E[lambda] E[1 / (delta + mu)]. delta > 0.
double pareto_nbd_dert(const ParetoNbdParams& p, const RfmSummary& s, double delta) noexcept;

// BG/NBD. Given alive at T with rate lambda and drop-out probability p, the j-th future purchase
// comes at a Gamma(j, lambda) time and happens if the j - 1 earlier ones were survived, so
//   DERT | lambda, p = sum_j (1 - p)^(j-1) (lambda / (lambda + delta))^j = lambda / (delta + p lambda).
// Given alive, lambda ~ Gamma(r + x, alpha + T) and p ~ Beta(a, b + x) independently; the
// expectation over lambda is closed form,
//   E[lambda / (delta + p lambda)] = (r + x) / p * e^y y^(r+x) Gamma(-(r + x), y),  y = delta (alpha + T) / p,
// and the one over p is an integral on (0, 1) by tanh-sinh quadrature (Boost.Math), which copes
// with the endpoint singularities of the Beta density. No closed form in p is known to us
// (FHL's BG/NBD papers give none; derivation above, ours). delta > 0.
double bg_nbd_dert(const BgNbdParams& p, const RfmSummary& s, double delta) noexcept;

// Continuous discount rate per week from an annual rate d: ln(1 + d) / 52.
inline double weekly_continuous_rate(double annual_rate) noexcept { return std::log1p(annual_rate) / 52; }

// CLV = margin x expected spend per transaction x DERT (FHL 2005 JMR, equation 1).
inline double clv_from_dert(double margin, double expected_spend, double dert) noexcept {
    return margin * expected_spend * dert;
}

}  // namespace engage::kernels
