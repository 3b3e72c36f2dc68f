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

}  // namespace engage::kernels::btyd
