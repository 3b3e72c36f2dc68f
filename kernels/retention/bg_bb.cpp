#include "retention/bg_bb.hpp"

#include <cmath>
#include <limits>

#include "retention/hypergeometric.hpp"
#include "retention/log_space.hpp"

namespace engage::kernels {
namespace {

using btyd::digamma;
using btyd::lgamma;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ln B(a, b) = ln G(a) + ln G(b) - ln G(a + b).
double log_beta(double a, double b) noexcept { return lgamma(a) + lgamma(b) - lgamma(a + b); }

// ln of the sum of e^(l_k) and the e^(l_k)-weighted mean of the l_k's gradients, one term at a
// time (a running maximum keeps every exponential <= 1). NaN in any term makes the result NaN.
struct LogSumExp {
    double max = -std::numeric_limits<double>::infinity(), sum = 0, g[4] = {0, 0, 0, 0};
    void add(double l, const double* grad) noexcept {
        if (l > max) {
            const double r = std::exp(max - l);
            sum = sum * r + 1;
            if (grad)
                for (int j = 0; j < 4; ++j) g[j] = g[j] * r + grad[j];
            max = l;
        } else {
            const double w = std::exp(l - max);
            sum += w;
            if (grad)
                for (int j = 0; j < 4; ++j) g[j] += w * grad[j];
        }
    }
    double value() const noexcept { return max + std::log(sum); }
};

// FHS 2010, equation 5:
//   L = B(alpha + x, beta + n - x) / B(alpha, beta) * B(gamma, delta + n) / B(gamma, delta)
//     + sum_{i=0}^{n - t_x - 1} B(alpha + x, beta + t_x - x + i) / B(alpha, beta)
//                                * B(gamma + 1, delta + t_x + i) / B(gamma, delta),
// the first term "alive through n", the i-th "alive through t_x + i, dead at t_x + i + 1".
// With A_i = ln B(alpha + x, beta + t_x - x + i) - ln B(alpha, beta) and
// C_i = ln B(gamma + 1, delta + t_x + i) - ln B(gamma, delta), the i-th term is e^(A_i + C_i) and
// the first e^(A_m + D), m = n - t_x, D = ln B(gamma, delta + n) - ln B(gamma, delta).
// B(a, b + 1) = B(a, b) b / (a + b) steps A and C from i to i + 1 with one log each (and their
// derivatives with one reciprocal each: psi(z + 1) = psi(z) + 1 / z), so a pattern costs a
// fixed number of lgamma / digamma calls plus O(n - t_x) logs.
// The gradient of each term (digamma psi = d ln G):
//   dA_0/dalpha = psi(alpha + x) - psi(alpha + beta + t_x) - psi(alpha) + psi(alpha + beta)
//   dA_0/dbeta  = psi(beta + t_x - x) - psi(alpha + beta + t_x) - psi(beta) + psi(alpha + beta)
//   dC_0/dgamma = psi(gamma + 1) - psi(gamma + delta + 1 + t_x) - psi(gamma) + psi(gamma + delta)
//   dC_0/ddelta = psi(delta + t_x) - psi(gamma + delta + 1 + t_x) - psi(delta) + psi(gamma + delta)
//   dD/dgamma   = psi(gamma + delta) - psi(gamma + delta + n)
//   dD/ddelta   = psi(delta + n) - psi(gamma + delta + n) - psi(delta) + psi(gamma + delta),
// and d ln L is the e^(term)-weighted mean of the terms' gradients.
struct Pattern {
    double log_likelihood;
    double a_m;  // A_{n - t_x} = ln B(alpha + x, beta + n - x) - ln B(alpha, beta)
    double d;    // D = ln B(gamma, delta + n) - ln B(gamma, delta)
};

Pattern evaluate(const BgbbParams& p, const BgbbSummary& s, double* grad) noexcept {
    const double al = p.alpha, be = p.beta, ga = p.gamma, de = p.delta;
    const double x = s.x, tx = s.t_x, n = s.n;
    const double log_b_ab = log_beta(al, be), log_b_gd = log_beta(ga, de);
    double a = log_beta(al + x, be + tx - x) - log_b_ab;
    double c = log_beta(ga + 1, de + tx) - log_b_gd;
    const double d = lgamma(de + n) - lgamma(ga + de + n) - lgamma(de) + lgamma(ga + de);
    double da[2] = {0, 0}, dc[2] = {0, 0}, dd[2] = {0, 0};
    if (grad) {
        const double psi_ab = digamma(al + be), psi_gd = digamma(ga + de);
        da[0] = digamma(al + x) - digamma(al + be + tx) - digamma(al) + psi_ab;
        da[1] = digamma(be + tx - x) - digamma(al + be + tx) - digamma(be) + psi_ab;
        dc[0] = digamma(ga + 1) - digamma(ga + de + 1 + tx) - digamma(ga) + psi_gd;
        dc[1] = digamma(de + tx) - digamma(ga + de + 1 + tx) - digamma(de) + psi_gd;
        dd[0] = psi_gd - digamma(ga + de + n);
        dd[1] = digamma(de + n) - digamma(ga + de + n) - digamma(de) + psi_gd;
    }
    LogSumExp sum;
    const int m = s.n - s.t_x;
    for (int i = 0; i < m; ++i) {
        const double g[4] = {da[0], da[1], dc[0], dc[1]};
        sum.add(a + c, grad ? g : nullptr);
        const double b_i = be + tx - x + i, ab_i = al + be + tx + i;  // A_i -> A_{i+1}
        const double d_i = de + tx + i, gd_i = ga + de + 1 + tx + i;  // C_i -> C_{i+1}
        a += std::log(b_i / ab_i);
        c += std::log(d_i / gd_i);
        if (grad) {
            da[0] -= 1 / ab_i;
            da[1] += 1 / b_i - 1 / ab_i;
            dc[0] -= 1 / gd_i;
            dc[1] += 1 / d_i - 1 / gd_i;
        }
    }
    const double g_alive[4] = {da[0], da[1], dd[0], dd[1]};
    sum.add(a + d, grad ? g_alive : nullptr);
    if (grad)
        for (int j = 0; j < 4; ++j) grad[j] = sum.g[j] / sum.sum;
    return {sum.value(), a, d};
}

struct PerCustomer {
    BgbbParams p;
    double operator()(const BgbbSummary& s, double* grad) const noexcept { return evaluate(p, s, grad).log_likelihood; }
};

// ln sum_{k=1}^{count} B(gamma, delta + n + k) / B(gamma, delta) from d = D at n, summed term by
// term: B(gamma, b + 1) / B(gamma, b) = b / (gamma + b). The closed form (FHS 2010, eqs. 8 and 13,
// delta / (gamma - 1) Gamma(gamma + delta) / Gamma(1 + delta) [...]) has a removable singularity
// at gamma = 1 and cancels near it; the direct sum has neither, at O(count) cost.
double log_survival_sum(const BgbbParams& p, double n, double d, std::int32_t count) noexcept {
    double term = 1, sum = 0;
    for (std::int32_t k = 0; k < count; ++k) {
        term *= (p.delta + n + k) / (p.gamma + p.delta + n + k);
        sum += term;
    }
    return d + std::log(sum);
}

}  // namespace

const char* bgbb_summary_problem(const BgbbSummary& s) noexcept {
    if (s.n < 0) return "the number of transaction opportunities n must be at least 0";
    if (s.x < 0 || s.x > s.t_x || s.t_x > s.n)
        return "the pattern must satisfy 0 <= x <= t_x <= n (at most one transaction per opportunity)";
    if ((s.x == 0) != (s.t_x == 0)) return "t_x must be 0 exactly when x = 0";
    return nullptr;
}

double bgbb_log_likelihood(const BgbbParams& p, const BgbbSummary& s) noexcept {
    return evaluate(p, s, nullptr).log_likelihood;
}

double bgbb_log_likelihood_gradient(const BgbbParams& p, const BgbbSummary& s, double* gradient) noexcept {
    return evaluate(p, s, gradient).log_likelihood;
}

void bgbb_add_log_likelihood(const BgbbParams& p, std::span<const BgbbGroup> groups, ExactSum& value,
                             std::span<ExactSum> gradient) {
    sum_over_groups<4>(groups, PerCustomer{p}, value, gradient);
}

BgbbFit fit_bgbb(std::span<const BgbbGroup> local_groups, const AllReduceWords& allreduce, const FitOptions& options,
                 const BgbbParams& start) {
    const double start_values[4] = {start.alpha, start.beta, start.gamma, start.delta};
    const LocalLogLikelihood local{
        [&](std::span<const double> v, ExactSum& value, std::span<ExactSum> gradient) {
            bgbb_add_log_likelihood({v[0], v[1], v[2], v[3]}, local_groups, value, gradient);
        },
        true, customer_count<BgbbSummary>(local_groups)};
    const FitResult fit = maximise_log_likelihood(local, start_values, allreduce, options);
    return {{fit.params[0], fit.params[1], fit.params[2], fit.params[3]}, fit.log_likelihood, fit.evaluations,
            fit.nlopt_status, fit.fitted};
}

double bgbb_probability_of_x(const BgbbParams& p, std::int32_t x, std::int32_t n) noexcept {
    if (x < 0 || x > n) return 0.0;
    // FHS 2010, equation 7:
    //   P(X(n) = x) = C(n, x) B(alpha + x, beta + n - x) / B(alpha, beta) B(gamma, delta + n) / B(gamma, delta)
    //     + sum_{i=x}^{n-1} C(i, x) B(alpha + x, beta + i - x) / B(alpha, beta) B(gamma + 1, delta + i) / B(gamma, delta).
    const double log_b_ab = log_beta(p.alpha, p.beta), log_b_gd = log_beta(p.gamma, p.delta);
    auto log_choose = [](double k, double j) { return lgamma(k + 1) - lgamma(j + 1) - lgamma(k - j + 1); };
    LogSumExp sum;
    sum.add(log_choose(n, x) + log_beta(p.alpha + x, p.beta + n - x) - log_b_ab + log_beta(p.gamma, p.delta + n) -
                log_b_gd,
            nullptr);
    for (std::int32_t i = x; i < n; ++i)
        sum.add(log_choose(i, x) + log_beta(p.alpha + x, p.beta + i - x) - log_b_ab +
                    log_beta(p.gamma + 1, p.delta + i) - log_b_gd,
                nullptr);
    return std::exp(sum.value());
}

double bgbb_p_alive(const BgbbParams& p, const BgbbSummary& s) noexcept {
    // FHS 2010, equation 11: B(alpha + x, beta + n - x) / B(alpha, beta)
    //   * B(gamma, delta + n + 1) / B(gamma, delta) / L, and B(gamma, delta + n + 1) =
    //   B(gamma, delta + n) (delta + n) / (gamma + delta + n).
    const Pattern e = evaluate(p, s, nullptr);
    const double log_p = e.a_m + e.d + std::log((p.delta + s.n) / (p.gamma + p.delta + s.n)) - e.log_likelihood;
    const double v = std::exp(log_p);
    return v > 1 ? 1.0 : v;  // rounding can pass 1; NaN (e.g. an unfitted model's NaN parameters) stays NaN
}

double bgbb_expected_transactions_new(const BgbbParams& p, std::int32_t n) noexcept {
    if (n <= 0) return 0.0;
    // FHS 2010, equation 8, as sum_{t=1}^{n} P(alive at t) E[p] = alpha / (alpha + beta)
    //   * sum_{t=1}^{n} B(gamma, delta + t) / B(gamma, delta).
    return p.alpha / (p.alpha + p.beta) * std::exp(log_survival_sum(p, 0, 0, n));
}

double bgbb_expected_transactions(const BgbbParams& p, const BgbbSummary& s, std::int32_t n_star) noexcept {
    if (n_star <= 0) return 0.0;
    // FHS 2010, equation 13: B(alpha + x + 1, beta + n - x) / B(alpha, beta) / L
    //   * sum_{k=1}^{n*} B(gamma, delta + n + k) / B(gamma, delta) (the sum is the equation's
    //   delta / (gamma - 1) Gamma(gamma + delta) / Gamma(1 + delta) [...] bracket), with
    //   B(alpha + x + 1, beta + n - x) = B(alpha + x, beta + n - x) (alpha + x) / (alpha + beta + n).
    const Pattern e = evaluate(p, s, nullptr);
    const double log_p = e.a_m + std::log((p.alpha + s.x) / (p.alpha + p.beta + s.n)) - e.log_likelihood;
    return std::exp(log_p + log_survival_sum(p, s.n, e.d, n_star));
}

double bgbb_dert(const BgbbParams& p, const BgbbSummary& s, double discount_rate) noexcept {
    if (!(discount_rate > 0)) return kNaN;
    // FHS 2010, equation 14:
    //   DERT = B(alpha + x + 1, beta + n - x) / B(alpha, beta) * B(gamma, delta + n + 1) / (B(gamma, delta) (1 + d))
    //        * 2F1(1, delta + n + 1; gamma + delta + n + 1; 1 / (1 + d)) / L:
    // sum_{k>=1} (1 + d)^-k B(gamma, delta + n + k) / B(gamma, delta), whose term ratio is
    // (delta + n + k) / (gamma + delta + n + k) / (1 + d), is that 2F1 series.
    const Pattern e = evaluate(p, s, nullptr);
    const double z = 1 / (1 + discount_rate);
    const double f = hyp2f1_one_b_c(p.delta + s.n + 1, p.gamma + p.delta + s.n + 1, z);
    const double log_p = e.a_m + std::log((p.alpha + s.x) / (p.alpha + p.beta + s.n)) - e.log_likelihood + e.d +
                         std::log((p.delta + s.n) / (p.gamma + p.delta + s.n)) + std::log(z);
    return std::exp(log_p) * f;
}

}  // namespace engage::kernels
