#include "retention/hypergeometric.hpp"

#include <cmath>
#include <limits>

namespace engage::kernels {
namespace {
constexpr double kEps = 0x1.0p-53;
constexpr long kMaxTerms = 1000000;
// 2F1(1, b; c; z) needs about 37 / (1 - z) terms; 10^5 covers z <= 0.9996, i.e. Pareto/NBD
// parameters with max(alpha, beta) / min(alpha, beta) below about 2,500 for a customer with
// t_x = 0, and bounds the cost of an optimiser's probe far outside that.
constexpr long kMaxTermsOneBC = 100000;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

double hyp2f1_one_b_c(double b, double c, double z) noexcept {
    if (!(b > 0 && c >= b && z >= 0 && z < 1)) return kNaN;
    const double tail_factor = z / (1 - z);
    double term = 1, sum = 1;
    for (long k = 0; k < kMaxTermsOneBC; ++k) {
        // Every later ratio is at most z: the rest of the series is at most term * z / (1 - z).
        if (term * tail_factor <= kEps * sum) return sum;
        term *= (b + double(k)) / (c + double(k)) * z;
        sum += term;
    }
    return kNaN;
}

Hyp2f1Derivatives hyp2f1_one_b_c_derivatives(double b, double c, double z) noexcept {
    if (!(b > 0 && c >= b && z >= 0 && z < 1)) return {kNaN, kNaN, kNaN, kNaN};
    const double geometric = z / (1 - z);
    const double harmonic = std::fmax(1.0, 1 / std::fmin(b, c));
    // The value's terms are formed exactly as in hyp2f1_one_b_c and its sum is frozen where that
    // function stops, so value and gradient paths give the same bits. q_k = t_k / z =
    // prod_{j<k} (b + j) / (c + j) z^(k - 1), so d t_k / dz = k q_k, also at z = 0.
    double term = 1, sum = 1, value = kNaN, q = 0;
    double hb = 0, hc = 0, d_b = 0, d_c = 0, d_z = 0;
    for (long k = 0; k < kMaxTermsOneBC; ++k) {
        const double kd = double(k);
        if (std::isnan(value) && term * geometric <= kEps * sum) value = sum;
        if (k > 0 && !std::isnan(value) &&
            std::fmax(term * harmonic, q) * (kd * geometric + geometric / (1 - z)) <= kEps * value)
            return {value, d_b, d_c, d_z};
        const double ratio = (b + kd) / (c + kd) * z;
        term *= ratio;
        sum += term;
        q = k == 0 ? b / c : q * ratio;
        hb += 1 / (b + kd);
        hc += 1 / (c + kd);
        d_b += term * hb;
        d_c -= term * hc;
        d_z += (kd + 1) * q;
    }
    return {kNaN, kNaN, kNaN, kNaN};
}

double hyp2f1_series(double a, double b, double c, double z) noexcept {
    if (!(std::fabs(z) < 1) || (c <= 0 && c == std::floor(c))) return kNaN;
    // f(k) = (a + k)(b + k) / ((c + k)(k + 1)) is the term ratio over z. For k past
    // max(-a, -b, -c) every factor is positive and f(k) - 1 = (D k + E) / ((c + k)(k + 1)),
    // with D = a + b - c - 1 and E = ab - c: the numerator is linear in k, so either f stays
    // at most 1 from some k on (later ratios <= |z|), or f - 1 is positive and, once past the
    // larger root of its derivative's numerator -D k^2 - 2 E k + D c - E (c + 1), decreasing
    // (later ratios <= the current one). Either way rho bounds every later ratio.
    const double D = a + b - c - 1, E = a * b - c;
    const double positive_from = std::fmax(0.0, std::fmax(-a, std::fmax(-b, -c)));
    const double az = std::fabs(z);
    double term = 1, sum = 1;
    for (long k = 0; k < kMaxTerms; ++k) {
        const double kd = double(k);
        const double f = (a + kd) * (b + kd) / ((c + kd) * (kd + 1));
        if (f == 0) return sum;  // a or b is a non-positive integer: the series terminates
        if (kd > positive_from) {
            double rho = 2;  // no bound yet
            if (D < 0 || (D == 0 && E <= 0)) {
                if (kd * D + E <= 0) rho = az;
            } else if (D == 0) {
                rho = f * az;
            } else if (kd >= -E / D && -D * kd * kd - 2 * E * kd + D * c - E * (c + 1) <= 0) {
                rho = f * az;
            }
            if (rho < 1 && std::fabs(term) * rho / (1 - rho) <= kEps * std::fabs(sum)) return sum;
        }
        term *= f * z;
        sum += term;
    }
    return kNaN;
}

}  // namespace engage::kernels
