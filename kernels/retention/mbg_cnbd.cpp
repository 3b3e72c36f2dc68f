#include "retention/mbg_cnbd.hpp"

#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "retention/hypergeometric.hpp"
#include "retention/log_space.hpp"

namespace engage::kernels {
namespace {

using btyd::lgamma;

// ln S1 and ln S2 of the likelihood (BTYDplus xbgcnbd.LL, dropout_at_zero = TRUE):
//   S1 = a / (b + x) ((alpha + T) / (alpha + t_x))^(r + k x)   (dropped out after the last purchase)
//   S2 = sum_{j<k} (r + k x)_j / j! ((T - t_x) / (alpha + T))^j (alive: the Erlang-k gap after the
//        last purchase is longer than T - t_x; the terms are the Poisson probabilities of j < k
//        stages completed, integrated over lambda ~ Gamma(r + k x, alpha + T)).
// S2's terms are positive and k is small, so the sum is formed directly.
struct LogTerms {
    double s1, s2;
};
LogTerms log_terms(const MbgCnbdParams& p, const RfmSummary& s) noexcept {
    const double rk = p.r + p.k * s.x;
    const double log_at = std::log(p.alpha + s.T);
    const double s1 = std::log(p.a) - std::log(p.b + s.x) + rk * (log_at - std::log(p.alpha + s.t_x));
    const double ratio = (s.T - s.t_x) / (p.alpha + s.T);
    double term = 1, sum = 1;
    for (int j = 1; j < p.k; ++j) {
        term *= (rk + j - 1) / j * ratio;
        sum += term;
    }
    return {s1, std::log(sum)};
}

struct PerCustomer {
    MbgCnbdParams p;
    // No analytic gradient (the fit is derivative-free); zeros if one is asked for.
    double operator()(const RfmSummary& s, double* grad) const noexcept {
        if (grad)
            for (int i = 0; i < 4; ++i) grad[i] = 0;
        return mbg_cnbd_log_likelihood(p, s);
    }
};

// The bracket of the conditional expectation before P(alive), with scale A = k alpha + T
// (A = alpha + T exactly when k = 1):
//   (a + b + x) / (a - 1) [1 - (A / (A + t))^(r + x) 2F1(r + x, b + x + 1; a + b + x; z)], z = t / (A + t).
// Euler's transformation (A&S 15.3.3) gives 2F1 = (1 - z)^(a - 1 - r - x) 2F1(a + b - r, a - 1; a + b + x; z),
// so the power collapses to (1 - z)^(a - 1) and the series keeps small numerator parameters
// (the same steps as the BG/NBD bracket in bg_nbd.cpp, with b + 1 for b).
double alive_expectation(const MbgCnbdParams& p, double x, double scale, double t) noexcept {
    const double log_one_minus_z = std::log(scale) - std::log(scale + t);
    const double z = t / (scale + t);
    const double f = hyp2f1_series(p.a + p.b - p.r, p.a - 1, p.a + p.b + x, z);
    return (p.a + p.b + x) / (p.a - 1) * -std::expm1((p.a - 1) * log_one_minus_z + std::log(f));
}


MbgCnbdFit not_fitted(int k) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {{k, nan, nan, nan, nan}, nan, 0, 0, false};
}

}  // namespace

double mbg_cnbd_timing_term(int k, double litt_sum, double repeat_transactions) noexcept {
    return double(k - 1) * litt_sum - repeat_transactions * lgamma(double(k));
}

double mbg_cnbd_log_likelihood(const MbgCnbdParams& p, const RfmSummary& s) noexcept {
    const double rk = p.r + p.k * s.x;
    const LogTerms lt = log_terms(p, s);
    // ln B(a, b + x + 1) - ln B(a, b) = ln G(b + x + 1) - ln G(a + b + x + 1) - ln G(b) + ln G(a + b).
    const double beta_part = lgamma(p.b + s.x + 1) - lgamma(p.a + p.b + s.x + 1) - lgamma(p.b) + lgamma(p.a + p.b);
    const double gamma_part = lgamma(rk) - lgamma(p.r) + p.r * std::log(p.alpha) - rk * std::log(p.alpha + s.T);
    return beta_part + gamma_part + btyd::log_add_exp(lt.s1, lt.s2);
}

void mbg_cnbd_add_log_likelihood(const MbgCnbdParams& p, std::span<const RfmGroup> groups, ExactSum& value) {
    sum_over_groups<4>(groups, PerCustomer{p}, value, {});
}

MbgCnbdFit fit_mbg_cnbd(std::span<const RfmGroup> local_groups, const ExactSum& local_litt,
                        const AllReduceWords& allreduce, const FitOptions& options, const MbgCnbdParams& start) {
    const int k = start.k;
    if (k < 1) throw std::invalid_argument("fit_mbg_cnbd: k must be at least 1");
    const double log_k_factorial = lgamma(double(k));  // ln((k - 1)!)
    const double start_values[4] = {start.r, start.alpha, start.a, start.b};
    const LocalLogLikelihood local{
        [&](std::span<const double> v, ExactSum& value, std::span<ExactSum>) {
            mbg_cnbd_add_log_likelihood({k, v[0], v[1], v[2], v[3]}, local_groups, value);
            // The timing term, exactly: (k - 1) copies of the litt sum, and -x ln((k - 1)!) per customer.
            for (int i = 1; i < k; ++i) value.combine(local_litt);
            if (k > 1)
                for (const RfmGroup& g : local_groups) value.add(-g.summary.x * log_k_factorial, g.count);
        },
        false, customer_count<RfmSummary>(local_groups)};
    const FitResult fit = maximise_log_likelihood(local, start_values, allreduce, options);
    if (!fit.fitted) return not_fitted(k);
    return {{k, fit.params[0], fit.params[1], fit.params[2], fit.params[3]}, fit.log_likelihood, fit.evaluations,
            fit.nlopt_status, true};
}

MbgCnbdSelection fit_mbg_cnbd_select_k(std::span<const RfmGroup> local_groups, const ExactSum& local_litt,
                                       int max_k, const AllReduceWords& allreduce, const FitOptions& options) {
    MbgCnbdSelection out;
    for (int k = 1; k <= max_k; ++k) {
        MbgCnbdParams start = kMbgCnbdStart;
        start.k = k;
        out.fits.push_back(fit_mbg_cnbd(local_groups, local_litt, allreduce, options, start));
        const auto& f = out.fits;
        if (!f.back().fitted) break;  // no customer anywhere: every rank stops here
        // Every rank sees the same all-reduced log-likelihoods, so every rank stops at the same k.
        if (k > 2 && f[k - 1].log_likelihood < f[k - 2].log_likelihood &&
            f[k - 2].log_likelihood < f[k - 3].log_likelihood)
            break;
    }
    for (std::size_t i = 1; i < out.fits.size(); ++i)
        if (out.fits[i].log_likelihood > out.fits[out.best].log_likelihood) out.best = i;
    return out;
}

double mbg_cnbd_p_alive(const MbgCnbdParams& p, const RfmSummary& s) noexcept {
    const LogTerms lt = log_terms(p, s);
    return btyd::inverse_one_plus_exp(lt.s1 - lt.s2);
}

// Exact for any k (derived here from the model's assumptions; the paper and BTYDplus give no
// closed form for k > 1). Given alive at T, the gap in progress since t_x has completed j < k
// Erlang stages with posterior weight w_j proportional to S2's term j, (r + k x)_j / j!
// ((T - t_x) / (alpha + T))^j; given j, lambda ~ Gamma(r + k x + j, alpha + T) and, independently,
// p ~ Beta(a, b + x + 1). The n-th future purchase then comes after a Gamma(k - j + (n - 1) k,
// lambda) time (stages are memoryless) and happens with probability (1 - p)^(n-1), so
//   E[Y(t)] = P(alive) sum_j w_j sum_{n>=1} B(a, b + x + n) / B(a, b + x + 1)
//             I_z(k - j + (n - 1) k, r + k x + j),   z = t / (alpha + T + t),
// where P(Gamma(m, lambda) <= t) averaged over lambda ~ Gamma(R, A) is the regularized incomplete
// beta function I_{t / (A + t)}(m, R) (Boost.Math ibeta). Both factors of a term fall with n;
// summation stops once I_z < 1/2 (past the bulk, where it falls geometrically) and a term is below
// 2^-53 of the sum; NaN past 10^6 terms (t far beyond alpha + T).
double mbg_cnbd_expected_transactions_series(const MbgCnbdParams& p, const RfmSummary& s, double t) noexcept {
    if (t <= 0) return 0.0;
    const double rk = p.r + p.k * s.x, scale = p.alpha + s.T, z = t / (scale + t);
    const double ratio = (s.T - s.t_x) / scale;
    const double b1 = p.b + s.x + 1;
    double weight = 1, weight_sum = 0, total = 0;
    for (int j = 0; j < p.k; ++j) {
        if (j > 0) weight *= (rk + j - 1) / j * ratio;
        weight_sum += weight;
        double inner = 0, log_beta_ratio = 0;
        for (int n = 1;; ++n) {
            if (n > 1000000) return std::numeric_limits<double>::quiet_NaN();
            const double m = double(p.k - j) + double(n - 1) * p.k;
            const double prob = boost::math::ibeta(m, rk + j, z, btyd::MathPolicy());
            const double term = std::exp(log_beta_ratio) * prob;
            inner += term;
            if (!std::isfinite(inner)) return std::numeric_limits<double>::quiet_NaN();
            if (prob < 0.5 && term <= 0x1.0p-53 * inner) break;
            // B(a, c + 1) / B(a, c) = c / (a + c), c = b + x + n.
            const double c = b1 + n - 1;
            log_beta_ratio += std::log(c / (p.a + c));
        }
        total += weight * inner;
    }
    return mbg_cnbd_p_alive(p, s) * total / weight_sum;
}

double mbg_cnbd_expected_transactions(const MbgCnbdParams& p, const RfmSummary& s, double t) noexcept {
    if (t <= 0) return 0.0;
    if (p.k > 1) return mbg_cnbd_expected_transactions_series(p, s, t);
    const double p_alive = mbg_cnbd_p_alive(p, s);
    return p_alive * btyd::regular_at_a_one(p, [&](const MbgCnbdParams& q) {
               return alive_expectation(q, s.x, q.k * q.alpha + s.T, t);
           });
}

double mbg_cnbd_expected_transactions_btydplus(const MbgCnbdParams& p, const RfmSummary& s, double t) noexcept {
    if (t <= 0) return 0.0;
    const double p_alive = mbg_cnbd_p_alive(p, s);
    return p_alive * btyd::regular_at_a_one(p, [&](const MbgCnbdParams& q) {
               return alive_expectation(q, s.x, q.k * q.alpha + s.T, t);
           });
}

double mbg_cnbd_expected_transactions_new(const MbgCnbdParams& p, double t) noexcept {
    return mbg_cnbd_expected_transactions(p, {0, 0, 0}, t);
}

}  // namespace engage::kernels
