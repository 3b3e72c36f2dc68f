#include "retention/pareto_nbd.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <unordered_map>

#include "retention/hypergeometric.hpp"
#include "retention/log_space.hpp"

namespace engage::kernels {
namespace {

using btyd::lgamma;

// ln A0, where (Fader & Hardie 2005 note, the likelihood with the Gauss hypergeometric
// function), with m = max(alpha, beta), n = min(alpha, beta), c = r + s + x:
//   alpha >= beta: A0 = 2F1(c, s + 1; c + 1; (alpha - beta)/(alpha + t_x)) / (alpha + t_x)^c
//                     - 2F1(c, s + 1; c + 1; (alpha - beta)/(alpha + T))   / (alpha + T)^c
//   alpha <  beta: the same with beta for alpha and r + x for s + 1.
// The powers overflow for very frequent customers, and the 2F1 terms grow like (1 - z)^(-c),
// so each term is taken in logs after Euler's transformation (A&S 15.3.3), with
// 1 - z = (n + y) / (m + y):
//   2F1(c, B; c + 1; z) = (1 - z)^(1 - B) 2F1(1, c + 1 - B; c + 1; z),
// a series of positive terms whose ratios never exceed z (hyp2f1_one_b_c).
// With a gradient, d ln A0 / d(r, alpha, s, beta) by the chain rule through B, the series
// parameters b' = c + 1 - B and c + 1, z and the logarithms.
//
// Each of A0's two terms depends on the customer only through x and y (t_x or T): A0Terms holds
// what depends on x, term() gives one term, and log_a0 combines two.
struct A0Terms {
    bool alpha_ge;
    double m, n;
    int im, in, iB, ib;  // gradient slots of m and n; of B = s + 1 or r + x and b' = r + x or s + 1
    double c, big_b, series_b;

    A0Terms(const ParetoNbdParams& p, double x) noexcept
        : alpha_ge(p.alpha >= p.beta), m(alpha_ge ? p.alpha : p.beta), n(alpha_ge ? p.beta : p.alpha),
          im(alpha_ge ? 1 : 3), in(alpha_ge ? 3 : 1), iB(alpha_ge ? 2 : 0), ib(alpha_ge ? 0 : 2),
          c(p.r + p.s + x), big_b(alpha_ge ? p.s + 1 : p.r + x), series_b(c + 1 - big_b) {}

    // The term at y in logs, and with `d` its gradient d[0..3]. `log_m`, `log_n`: ln(m + y) and
    // ln(n + y), which the likelihood's "alive at T" term needs too.
    double term(double y, double* d, double& log_m, double& log_n) const noexcept {
        log_m = std::log(m + y);
        log_n = std::log(n + y);
        const double log_one_minus_z = log_n - log_m;
        const double z = (m - n) / (m + y);
        if (!d) return (1 - big_b) * log_one_minus_z + std::log(hyp2f1_one_b_c(series_b, c + 1, z)) - c * log_m;
        const Hyp2f1Derivatives h = hyp2f1_one_b_c_derivatives(series_b, c + 1, z);
        const double sb = h.d_b / h.value, sc = h.d_c / h.value, sz = h.d_z / h.value;
        d[0] = d[1] = d[2] = d[3] = 0;
        d[iB] -= log_one_minus_z;             // d(1 - B) = -dB
        d[ib] += sb;                          // d b' = 1 in r (alpha >= beta) or s
        d[0] += sc - log_m;                   // c + 1 and c grow with r and s
        d[2] += sc - log_m;
        d[im] += (1 - big_b) * (-1 / (m + y)) + sz * (n + y) / ((m + y) * (m + y)) - c / (m + y);
        d[in] += (1 - big_b) / (n + y) - sz / (m + y);
        return (1 - big_b) * log_one_minus_z + std::log(h.value) - c * log_m;
    }
    double log_alpha_plus(double log_m, double log_n) const noexcept { return alpha_ge ? log_m : log_n; }
    double log_beta_plus(double log_m, double log_n) const noexcept { return alpha_ge ? log_n : log_m; }
};

// ln A0 = ln(e^u1 - e^u2) from its terms at t_x (u1) and T (u2), with their gradients when
// `grad` is given.
double combine_a0(double u1, const double* d1, double u2, const double* d2, double* grad) noexcept {
    if (grad) {  // ln A0 = u1 + ln(1 - e^(u2 - u1)): d = (du1 - rho du2) / (1 - rho), rho = e^(u2 - u1)
        const double rho = std::exp(u2 - u1);
        for (int i = 0; i < 4; ++i) grad[i] = (d1[i] - rho * d2[i]) / (1 - rho);
    }
    return btyd::log_sub_exp(u1, u2);
}

double log_a0(const ParetoNbdParams& p, const RfmSummary& s, double* grad) noexcept {
    if (s.t_x >= s.T) return -std::numeric_limits<double>::infinity();  // A0 = integral over an empty range
    const A0Terms a(p, s.x);
    double d1[4], d2[4], log_m, log_n;
    const double u1 = a.term(s.t_x, grad ? d1 : nullptr, log_m, log_n), u2 = a.term(s.T, grad ? d2 : nullptr, log_m, log_n);
    return combine_a0(u1, d1, u2, d2, grad);
}

// What the likelihood of a customer takes from x alone: A0's terms, the log-gamma head and the
// "died" term's factor s / (r + s + x), and with `gradient` the head's derivatives.
struct XTerms {
    A0Terms a0;
    double rx, rsx, head, log_died;
    double d_head[4] = {0, 0, 0, 0};

    XTerms(const ParetoNbdParams& p, double x, bool gradient) noexcept
        : a0(p, x), rx(p.r + x), rsx(p.r + p.s + x),
          head(lgamma(rx) - lgamma(p.r) + p.r * std::log(p.alpha) + p.s * std::log(p.beta)),
          log_died(std::log(p.s) - std::log(rsx)) {
        if (!gradient) return;
        d_head[0] = btyd::digamma(rx) - btyd::digamma(p.r) + std::log(p.alpha);
        d_head[1] = p.r / p.alpha;
        d_head[2] = std::log(p.beta);
        d_head[3] = p.s / p.beta;
    }
};

// ln L = ln G(r + x) - ln G(r) + r ln alpha + s ln beta
//        + ln[ (alpha + T)^-(r + x) (beta + T)^-s + s / (r + s + x) A0 ],
// the bracket's two terms being "alive at T" and "died in (t_x, T]". With `grad`, the
// gradient d ln L / d(r, alpha, s, beta) (digamma for the log-gamma terms; the bracket's
// terms weighted by their shares of it). `log_at`, `log_bt`: ln(alpha + T), ln(beta + T);
// `log_a0_value` and `d_a0`: ln A0 and its gradient.
double log_likelihood_with(const ParetoNbdParams& p, const XTerms& xt, const RfmSummary& s, double log_at,
                           double log_bt, double log_a0_value, const double* d_a0, double* grad) noexcept {
    const double alive_to_T = -xt.rx * log_at - p.s * log_bt;
    const double died = xt.log_died + log_a0_value;
    if (grad) {
        const double w_died = died == -std::numeric_limits<double>::infinity()
                                  ? 0.0 : btyd::inverse_one_plus_exp(alive_to_T - died);
        const double w_alive = 1 - w_died;
        const double d_alive[4] = {-log_at, -xt.rx / (p.alpha + s.T), -log_bt, -p.s / (p.beta + s.T)};
        const double d_died[4] = {-1 / xt.rsx + d_a0[0], d_a0[1], 1 / p.s - 1 / xt.rsx + d_a0[2], d_a0[3]};
        for (int i = 0; i < 4; ++i)
            grad[i] = xt.d_head[i] + w_alive * d_alive[i] + (w_died > 0 ? w_died * d_died[i] : 0.0);
    }
    return xt.head + btyd::log_add_exp(alive_to_T, died);
}

double log_likelihood_impl(const ParetoNbdParams& p, const RfmSummary& s, double* grad) noexcept {
    const XTerms xt(p, s.x, grad != nullptr);
    double d_a0[4] = {0, 0, 0, 0};
    const double log_a0_value = log_a0(p, s, grad ? d_a0 : nullptr);
    return log_likelihood_with(p, xt, s, std::log(p.alpha + s.T), std::log(p.beta + s.T), log_a0_value, d_a0, grad);
}

// The likelihood over groups sorted by x (RfmGroup lists are): a group's likelihood depends on
// it through x, (x, t_x) and (x, T) only, and the groups of one x share a few thousand values of
// t_x and T between them (weeks of whole days), against millions of groups in a large base.
// So the terms of x and those of each (x, y), y = t_x or T (A0's term, ln(alpha + y) and
// ln(beta + y)), are computed once and kept until x changes: the same functions of the same
// arguments, so the same bits as log_likelihood_impl's.
class PerCustomer {
public:
    // `gradient`: whether every call asks for the gradient (sum_over_groups asks for it in all
    // of a sum's calls or in none).
    PerCustomer(const ParetoNbdParams& p, bool gradient) noexcept : p_(p), gradient_(gradient) {}
    double operator()(const RfmSummary& s, double* grad) {
        if (!xt_ || !(s.x == x_)) {
            terms_.clear();
            x_ = s.x;
            xt_.emplace(p_, s.x, gradient_);
        }
        double d_a0[4] = {0, 0, 0, 0};
        double log_a0_value = -std::numeric_limits<double>::infinity();  // A0 over an empty range
        const Term& at_T = term(s.T);  // references to a map's elements stay valid
        if (s.t_x < s.T) {
            const Term& at_tx = term(s.t_x);
            log_a0_value = combine_a0(at_tx.value, at_tx.d, at_T.value, at_T.d, grad ? d_a0 : nullptr);
        }
        return log_likelihood_with(p_, *xt_, s, xt_->a0.log_alpha_plus(at_T.log_m, at_T.log_n),
                                   xt_->a0.log_beta_plus(at_T.log_m, at_T.log_n), log_a0_value, d_a0, grad);
    }

private:
    struct Term {
        double value = 0, log_m = 0, log_n = 0;
        double d[4] = {0, 0, 0, 0};
    };
    const Term& term(double y) {
        auto [it, added] = terms_.try_emplace(y);
        if (added) it->second.value = xt_->a0.term(y, gradient_ ? it->second.d : nullptr, it->second.log_m, it->second.log_n);
        return it->second;
    }
    ParetoNbdParams p_;
    bool gradient_;
    double x_ = 0;
    std::optional<XTerms> xt_;
    std::unordered_map<double, Term> terms_;  // by y, for x_
};

}  // namespace

double pareto_nbd_log_likelihood(const ParetoNbdParams& p, const RfmSummary& s) noexcept {
    return log_likelihood_impl(p, s, nullptr);
}

double pareto_nbd_log_likelihood_gradient(const ParetoNbdParams& p, const RfmSummary& s, double* gradient) noexcept {
    return log_likelihood_impl(p, s, gradient);
}

void pareto_nbd_add_log_likelihood(const ParetoNbdParams& p, std::span<const RfmGroup> groups,
                                   ExactSum& value, std::span<ExactSum> gradient) {
    sum_over_groups<4>(groups, PerCustomer(p, !gradient.empty()), value, gradient);
}

ParetoNbdFit fit_pareto_nbd(std::span<const RfmGroup> local_groups, const AllReduceWords& allreduce,
                            const FitOptions& options, const ParetoNbdParams& start) {
    const double start_values[4] = {start.r, start.alpha, start.s, start.beta};
    const LocalLogLikelihood local{
        [&](std::span<const double> v, ExactSum& value, std::span<ExactSum> gradient) {
            pareto_nbd_add_log_likelihood({v[0], v[1], v[2], v[3]}, local_groups, value, gradient);
        },
        true, customer_count<RfmSummary>(local_groups)};
    const FitResult fit = maximise_log_likelihood(local, start_values, allreduce, options);
    return {{fit.params[0], fit.params[1], fit.params[2], fit.params[3]}, fit.log_likelihood,
            fit.evaluations, fit.nlopt_status, fit.fitted};
}

double pareto_nbd_p_alive(const ParetoNbdParams& p, const RfmSummary& s) noexcept {
    // The odds of "died" to "alive at T", both terms of the likelihood above, in logs.
    const double log_odds = std::log(p.s) - std::log(p.r + p.s + s.x) +
                            (p.r + s.x) * std::log(p.alpha + s.T) + p.s * std::log(p.beta + s.T) +
                            log_a0(p, s, nullptr);
    return btyd::inverse_one_plus_exp(log_odds);
}

double pareto_nbd_expected_transactions(const ParetoNbdParams& p, const RfmSummary& s, double t) noexcept {
    if (t <= 0) return 0.0;
    return pareto_nbd_expected_transactions(p, s, t, pareto_nbd_p_alive(p, s));
}

double pareto_nbd_expected_transactions(const ParetoNbdParams& p, const RfmSummary& s, double t, double p_alive) noexcept {
    if (t <= 0) return 0.0;
    // [1 - ((beta+T)/(beta+T+t))^(s-1)] / (s - 1) = L * (-expm1(-y) / y), L = ln(1 + t/(beta+T)),
    // y = (s - 1) L; the factor is 1 at y = 0, which gives the s = 1 limit without a branch cut.
    const double big_l = std::log1p(t / (p.beta + s.T));
    const double y = (p.s - 1) * big_l;
    const double factor = y == 0 ? big_l : big_l * (-std::expm1(-y) / y);
    return (p.r + s.x) * (p.beta + s.T) / (p.alpha + s.T) * factor * p_alive;
}

}  // namespace engage::kernels
