#include "retention/bg_nbd.hpp"

#include <cmath>

#include "retention/hypergeometric.hpp"
#include "retention/log_space.hpp"

namespace engage::kernels {
namespace {

using btyd::lgamma;

// The terms of ln L that depend on x only (FHL 2005, the log-likelihood split into A1..A4):
//   A1 = ln G(r + x) - ln G(r) + r ln(alpha)
//   A2 = ln G(a + b) + ln G(b + x) - ln G(b) - ln G(a + b + x)
//   ln(a / (b + x - 1)), the prefactor of the x > 0 term,
// and, for the gradient, the derivatives of A1 + A2 (digamma psi = d ln G):
//   d/dr = psi(r + x) - psi(r) + ln alpha, d/dalpha = r / alpha,
//   d/da = psi(a + b) - psi(a + b + x), d/db = psi(a + b) + psi(b + x) - psi(b) - psi(a + b + x).
// Groups arrive sorted by x, so the cache is refreshed once per distinct x. The values are the
// same function of (params, x) whether cached or not, so caching cannot change a result.
struct XTerms {
    double x = -1, a12 = 0, log_a_over_bx1 = 0;
    double d_a12[4] = {0, 0, 0, 0};
    bool with_gradient = false;
    void update(const BgNbdParams& p, double new_x, bool gradient) noexcept {
        x = new_x;
        with_gradient = gradient;
        a12 = lgamma(p.r + x) - lgamma(p.r) + p.r * std::log(p.alpha) + lgamma(p.a + p.b) +
              lgamma(p.b + x) - lgamma(p.b) - lgamma(p.a + p.b + x);
        log_a_over_bx1 = x > 0 ? std::log(p.a) - std::log(p.b + x - 1) : 0;
        if (!gradient) return;
        const double psi_ab = btyd::digamma(p.a + p.b), psi_abx = btyd::digamma(p.a + p.b + x);
        d_a12[0] = btyd::digamma(p.r + x) - btyd::digamma(p.r) + std::log(p.alpha);
        d_a12[1] = p.r / p.alpha;
        d_a12[2] = psi_ab - psi_abx;
        d_a12[3] = psi_ab + btyd::digamma(p.b + x) - btyd::digamma(p.b) - psi_abx;
    }
};

// ln L = A1 + A2 + ln(e^A3 + [x > 0] e^A4), A3 = -(r + x) ln(alpha + T),
// A4 = ln(a / (b + x - 1)) - (r + x) ln(alpha + t_x). With weights w3, w4 = the softmax of
// (A3, A4), d ln L = d(A1 + A2) + w3 dA3 + w4 dA4, where
//   dA3 = (-ln(alpha + T), -(r + x) / (alpha + T), 0, 0),
//   dA4 = (-ln(alpha + t_x), -(r + x) / (alpha + t_x), 1 / a, -1 / (b + x - 1)).
double log_likelihood_with(const BgNbdParams& p, const XTerms& xt, const RfmSummary& s, double* grad) noexcept {
    const double rx = p.r + s.x;
    const double log_at = std::log(p.alpha + s.T);
    const double a3 = -rx * log_at;
    if (s.x == 0) {
        if (grad) {
            grad[0] = xt.d_a12[0] - log_at;
            grad[1] = xt.d_a12[1] - rx / (p.alpha + s.T);
            grad[2] = xt.d_a12[2];
            grad[3] = xt.d_a12[3];
        }
        return xt.a12 + a3;
    }
    const double log_atx = std::log(p.alpha + s.t_x);
    const double a4 = xt.log_a_over_bx1 - rx * log_atx;
    if (grad) {
        const double w4 = btyd::inverse_one_plus_exp(a3 - a4), w3 = 1 - w4;
        grad[0] = xt.d_a12[0] - w3 * log_at - w4 * log_atx;
        grad[1] = xt.d_a12[1] - rx * (w3 / (p.alpha + s.T) + w4 / (p.alpha + s.t_x));
        grad[2] = xt.d_a12[2] + w4 / p.a;
        grad[3] = xt.d_a12[3] - w4 / (p.b + s.x - 1);
    }
    return xt.a12 + btyd::log_add_exp(a3, a4);
}

struct PerCustomer {
    BgNbdParams p;
    XTerms xt;
    double operator()(const RfmSummary& s, double* grad) noexcept {
        if (s.x != xt.x || (grad && !xt.with_gradient)) xt.update(p, s.x, grad != nullptr);
        return log_likelihood_with(p, xt, s, grad);
    }
};

// 1 - (1 - z)^e * F, evaluated as -expm1(e ln(1 - z) + ln F) so that a bracket close to 0
// (short horizons) keeps its relative accuracy.
double one_minus_power_times(double log_one_minus_z, double e, double f) noexcept {
    return -std::expm1(e * log_one_minus_z + std::log(f));
}

// (a + b + x - 1) / (a - 1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)],
// z = t / (alpha + T + t), i.e. E[Y(t)] before the P(alive) factor. Euler's transformation
// (A&S 15.3.3) turns the 2F1 into (1 - z)^(a - 1 - r - x) 2F1(a + b - 1 - r, a - 1; a + b + x - 1; z):
// the power of (1 - z) collapses to (1 - z)^(a - 1) and the remaining series has small
// numerator parameters, so nothing overflows for very frequent customers.
//
// Each form's terms grow while the ratio of its smaller numerator parameter to k + 1 exceeds
// (1 - z) / z: Euler's form needs about (a - 1) z / (1 - z) terms, the direct one about
// (r + x) z / (1 - z). A fit at the boundary where every customer has the same dropout
// probability (a and b in the millions; a homogeneous base) would make Euler's form run to
// millions of terms per customer, or past the series' cap (NaN): there the direct form is
// used, in logs as well, unless its 2F1 overflows. Ordinary fits (a - 1 <= r + x, or few terms)
// keep Euler's form, bit for bit.
double alive_expectation(const BgNbdParams& p, double x, double age, double t) noexcept {
    const double log_one_minus_z = std::log(p.alpha + age) - std::log(p.alpha + age + t);
    const double z = t / (p.alpha + age + t);
    constexpr double kManyTerms = 1000;
    if (p.a - 1 > p.r + x && (p.a - 1) * t / (p.alpha + age) > kManyTerms) {
        const double direct = hyp2f1_series(p.r + x, p.b + x, p.a + p.b + x - 1, z);
        if (std::isfinite(direct))
            return (p.a + p.b + x - 1) / (p.a - 1) * one_minus_power_times(log_one_minus_z, p.r + x, direct);
    }
    const double f = hyp2f1_series(p.a + p.b - 1 - p.r, p.a - 1, p.a + p.b + x - 1, z);
    return (p.a + p.b + x - 1) / (p.a - 1) * one_minus_power_times(log_one_minus_z, p.a - 1, f);
}


}  // namespace

double bg_nbd_log_likelihood(const BgNbdParams& p, const RfmSummary& s) noexcept {
    XTerms xt;
    xt.update(p, s.x, false);
    return log_likelihood_with(p, xt, s, nullptr);
}

double bg_nbd_log_likelihood_gradient(const BgNbdParams& p, const RfmSummary& s, double* gradient) noexcept {
    XTerms xt;
    xt.update(p, s.x, true);
    return log_likelihood_with(p, xt, s, gradient);
}

void bg_nbd_add_log_likelihood(const BgNbdParams& p, std::span<const RfmGroup> groups, ExactSum& value,
                               std::span<ExactSum> gradient) {
    sum_over_groups<4>(groups, PerCustomer{p, {}}, value, gradient);
}

BgNbdFit fit_bg_nbd(std::span<const RfmGroup> local_groups, const AllReduceWords& allreduce,
                    const FitOptions& options, const BgNbdParams& start) {
    const double start_values[4] = {start.r, start.alpha, start.a, start.b};
    const LocalLogLikelihood local{
        [&](std::span<const double> v, ExactSum& value, std::span<ExactSum> gradient) {
            bg_nbd_add_log_likelihood({v[0], v[1], v[2], v[3]}, local_groups, value, gradient);
        },
        true, customer_count<RfmSummary>(local_groups)};
    const FitResult fit = maximise_log_likelihood(local, start_values, allreduce, options);
    return {{fit.params[0], fit.params[1], fit.params[2], fit.params[3]}, fit.log_likelihood,
            fit.evaluations, fit.nlopt_status, fit.fitted};
}

double bg_nbd_p_alive(const BgNbdParams& p, const RfmSummary& s) noexcept {
    if (s.x == 0) return 1.0;
    // 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x)), with the odds in logs.
    const double log_odds = std::log(p.a) - std::log(p.b + s.x - 1) +
                            (p.r + s.x) * (std::log(p.alpha + s.T) - std::log(p.alpha + s.t_x));
    return btyd::inverse_one_plus_exp(log_odds);
}

double bg_nbd_expected_transactions(const BgNbdParams& p, const RfmSummary& s, double t) noexcept {
    if (t <= 0) return 0.0;
    return btyd::regular_at_a_one(p, [&](const BgNbdParams& q) {
        return alive_expectation(q, s.x, s.T, t) * bg_nbd_p_alive(q, s);
    });
}

double bg_nbd_alive_expectation(const BgNbdParams& p, double x, double T, double t) noexcept {
    return alive_expectation(p, x, T, t);
}

double bg_nbd_expected_transactions_new(const BgNbdParams& p, double t) noexcept {
    if (t <= 0) return 0.0;
    // (a + b - 1) / (a - 1) * [1 - (alpha / (alpha + t))^r 2F1(r, b; a + b - 1; t / (alpha + t))]
    // is the x = 0, T = 0 case of the conditional bracket above (P(alive) = 1).
    return btyd::regular_at_a_one(p, [&](const BgNbdParams& q) { return alive_expectation(q, 0, 0, t); });
}

}  // namespace engage::kernels
