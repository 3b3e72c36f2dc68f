#include "retention/dert.hpp"

#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/expint.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "retention/log_space.hpp"

namespace engage::kernels {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Legendre's continued fraction (A&S 6.5.31; DLMF 8.9.2) for the scaled function,
//   e^y y^(-a) Gamma(a, y) = 1 / (y + 1 - a - 1 (1 - a) / (y + 3 - a - 2 (2 - a) / (y + 5 - a - ...))),
// valid for any real a and y > 0, evaluated by the modified Lentz method (Lentz 1976; Thompson
// & Barnett 1986). It converges fast when y > a + 1, which is where it is used.
double scaled_upper_gamma_fraction(double a, double y) noexcept {
    constexpr double tiny = 1e-300;
    double b = y + 1 - a;
    double c = 1 / tiny, d = 1 / b, h = d;
    for (int i = 1; i < 10000; ++i) {
        const double an = -double(i) * (double(i) - a);
        b += 2;
        d = an * d + b;
        if (std::fabs(d) < tiny) d = tiny;
        c = b + an / c;
        if (std::fabs(c) < tiny) c = tiny;
        d = 1 / d;
        const double step = d * c;
        h *= step;
        if (std::fabs(step - 1) < 1e-16) return h;
    }
    return kNaN;
}

}  // namespace

// Three regimes:
//  - y >= 2 and a <= y - 1: the continued fraction above;
//  - a > 0 otherwise: Boost.Math's tgamma(a, y) times e^y y^(-a), in logs;
//  - a <= 0 and y < 2: from a0 = a + m in (0, 1] (or a0 = 0, e^y E1(y) with Boost's expint, when a
//    is a whole number) down by the recurrence Gamma(a + 1, y) = a Gamma(a, y) + y^a e^(-y)
//    (A&S 6.5.22), which in the scaled form reads G(a, y) = (y G(a + 1, y) - 1) / a. For y < 2
//    each step subtracts y G(a + 1, y) < 1 from 1 without cancellation worse than a factor of a few.
double scaled_upper_gamma(double a, double y) noexcept {
    if (!(y > 0) || !std::isfinite(a)) return kNaN;
    if (y >= 2 && a <= y - 1) return scaled_upper_gamma_fraction(a, y);
    if (a > 0) {
        const double upper = boost::math::tgamma(a, y, btyd::MathPolicy());
        return std::exp(y - a * std::log(y) + std::log(upper));
    }
    const double m = std::ceil(-a);  // a + m in [0, 1)
    double a0 = a + m, g;
    if (a0 == 0) {
        g = std::exp(y) * boost::math::expint(1, y, btyd::MathPolicy());
    } else {
        g = std::exp(y - a0 * std::log(y) + std::log(boost::math::tgamma(a0, y, btyd::MathPolicy())));
    }
    for (double ai = a0 - 1; ai >= a - 0.5; ai -= 1) g = (y * g - 1) / ai;
    return g;
}

double pareto_nbd_dert(const ParetoNbdParams& p, const RfmSummary& s, double delta) noexcept {
    if (!(delta > 0)) return kNaN;
    const double scale = p.beta + s.T;
    const double alive_rate = (p.r + s.x) / (p.alpha + s.T);
    return pareto_nbd_p_alive(p, s) * alive_rate * scale * scaled_upper_gamma(1 - p.s, delta * scale);
}

double bg_nbd_dert(const BgNbdParams& p, const RfmSummary& s, double delta) noexcept {
    if (!(delta > 0)) return kNaN;
    const double shape = p.r + s.x, scale = p.alpha + s.T;
    const double beta_a = p.a, beta_b = p.b + s.x;
    const double log_beta = btyd::lgamma(beta_a) + btyd::lgamma(beta_b) - btyd::lgamma(beta_a + beta_b);
    // Integrand: Beta(p; a, b + x) density times (r + x) / p G(-(r + x), delta (alpha + T) / p).
    // tanh-sinh passes the distance to the nearer endpoint as `pc` (negative near 0), which keeps
    // 1 - p exact near p = 1.
    auto integrand = [&](double q, double qc) {
        const double one_minus_q = q > 0.5 ? qc : 1 - q;
        if (!(q > 0) || !(one_minus_q > 0)) return 0.0;
        const double log_density = (beta_a - 1) * std::log(q) + (beta_b - 1) * std::log(one_minus_q) - log_beta;
        const double y = delta * scale / q;
        // (r + x) / q * G(-(r + x), y) with G ~ 1 / y for large y: written as (r + x) / (delta scale) * (y G).
        // Past y = 1e15 (p within 1e-15 delta (alpha + T) of 0) y G = 1 - (r + x + 1) / y to double precision
        // (the asymptotic series, A&S 6.5.32); this also keeps y finite when p underflows.
        const double y_g = y < 1e15 ? y * scaled_upper_gamma(-shape, y) : 1 - (shape + 1) / y;
        return std::exp(log_density) * shape / (delta * scale) * y_g;
    };
    // Boost's quadrature throws on a NaN integrand (parameters outside the model, e.g. an unfitted
    // NaN fit); this function is noexcept and answers NaN instead.
    if (!(p.r > 0 && p.alpha > 0 && p.a > 0 && p.b > 0 && std::isfinite(shape + scale + beta_b))) return kNaN;
    try {
        boost::math::quadrature::tanh_sinh<double> integrator;
        const double expectation = integrator.integrate(integrand, 0.0, 1.0, 1e-13);
        return bg_nbd_p_alive(p, s) * expectation;
    } catch (const std::exception&) {
        return kNaN;
    }
}

}  // namespace engage::kernels
