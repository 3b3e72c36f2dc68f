#pragma once
// Log-space helpers shared by the buy-till-you-die models: Boost.Math's log-gamma and digamma under a
// policy that returns NaN / inf instead of throwing (an optimiser probing a bad region must
// not unwind), and overflow-free log(e^u + e^v), log(e^u - e^v) and 1 / (1 + e^u).
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <limits>

namespace engage::kernels::btyd {

using MathPolicy = boost::math::policies::policy<
    boost::math::policies::promote_double<false>,
    boost::math::policies::domain_error<boost::math::policies::errno_on_error>,
    boost::math::policies::pole_error<boost::math::policies::errno_on_error>,
    boost::math::policies::overflow_error<boost::math::policies::errno_on_error>,
    boost::math::policies::evaluation_error<boost::math::policies::errno_on_error>>;

inline double lgamma(double x) noexcept { return boost::math::lgamma(x, MathPolicy()); }
inline double digamma(double x) noexcept { return boost::math::digamma(x, MathPolicy()); }

// log(e^u + e^v), exact for u or v = -inf; NaN if either is NaN (std::fmax would drop a NaN,
// turning a failed term into a finite likelihood the optimiser could climb).
inline double log_add_exp(double u, double v) noexcept {
    if (std::isnan(u) || std::isnan(v)) return std::numeric_limits<double>::quiet_NaN();
    const double hi = u > v ? u : v, lo = u > v ? v : u;
    if (hi == -std::numeric_limits<double>::infinity()) return hi;
    return hi + std::log1p(std::exp(lo - hi));
}

// log(e^u - e^v) for u >= v; -inf when they are equal, NaN when v > u.
inline double log_sub_exp(double u, double v) noexcept {
    if (v > u) return std::numeric_limits<double>::quiet_NaN();
    if (v == -std::numeric_limits<double>::infinity()) return u;
    return u + std::log(-std::expm1(v - u));
}

// 1 / (1 + e^u) without overflow for any u.
inline double inverse_one_plus_exp(double u) noexcept {
    if (u > 0) {
        const double e = std::exp(-u);
        return e / (1 + e);
    }
    return 1 / (1 + std::exp(u));
}

// f(p) for an f with a removable singularity at p.a = 1 (0/0 in BG/NBD's and MBG/CNBD-k's
// expectations): there the mean of the two sides at a = 1 -+ 1e-6 (f is smooth in a; relative
// error O(1e-12)).
template <class Params, class F>
double regular_at_a_one(const Params& p, F&& f) noexcept {
    if (std::fabs(p.a - 1) >= 1e-6) return f(p);
    Params lo = p, hi = p;
    lo.a = 1 - 1e-6;
    hi.a = 1 + 1e-6;
    return 0.5 * (f(lo) + f(hi));
}

}  // namespace engage::kernels::btyd
