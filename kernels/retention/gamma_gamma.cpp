#include "retention/gamma_gamma.hpp"

#include <cmath>
#include <limits>

#include "retention/log_space.hpp"

namespace engage::kernels {
namespace {

using btyd::lgamma;

// The mean of x iid Gamma(p, nu) values is Gamma(p x, nu x); integrating nu over
// Gamma(q, gamma) gives the density in gamma_gamma.hpp (Fader & Hardie 2013). Its gradient,
// with psi = digamma:
//   d/dp     = x [psi(p x + q) - psi(p x) + ln m + ln x - ln(gamma + m x)]
//   d/dq     = psi(p x + q) - psi(q) + ln gamma - ln(gamma + m x)
//   d/dgamma = q / gamma - (p x + q) / (gamma + m x)
double log_likelihood_impl(const GammaGammaParams& g, const SpendSummary& s, double* grad) noexcept {
    const double px = g.p * s.x;
    const double log_m = std::log(s.m), log_x = std::log(s.x), log_g = std::log(g.gamma);
    const double log_gmx = std::log(g.gamma + s.m * s.x);
    if (grad) {
        const double psi_pxq = btyd::digamma(px + g.q);
        grad[0] = s.x * (psi_pxq - btyd::digamma(px) + log_m + log_x - log_gmx);
        grad[1] = psi_pxq - btyd::digamma(g.q) + log_g - log_gmx;
        grad[2] = g.q / g.gamma - (px + g.q) / (g.gamma + s.m * s.x);
    }
    return lgamma(px + g.q) - lgamma(px) - lgamma(g.q) + g.q * log_g + (px - 1) * log_m + px * log_x -
           (px + g.q) * log_gmx;
}

struct PerCustomer {
    GammaGammaParams g;
    double operator()(const SpendSummary& s, double* grad) const noexcept { return log_likelihood_impl(g, s, grad); }
};

}  // namespace

double gamma_gamma_log_likelihood(const GammaGammaParams& p, const SpendSummary& s) noexcept {
    return log_likelihood_impl(p, s, nullptr);
}

void gamma_gamma_add_log_likelihood(const GammaGammaParams& p, std::span<const SpendGroup> groups,
                                    ExactSum& value, std::span<ExactSum> gradient) {
    sum_over_groups<3>(groups, PerCustomer{p}, value, gradient);
}

GammaGammaFit fit_gamma_gamma(std::span<const SpendGroup> local_groups, const AllReduceWords& allreduce,
                              const FitOptions& options, const GammaGammaParams& start) {
    const double start_values[3] = {start.p, start.q, start.gamma};
    const LocalLogLikelihood local{
        [&](std::span<const double> v, ExactSum& value, std::span<ExactSum> gradient) {
            gamma_gamma_add_log_likelihood({v[0], v[1], v[2]}, local_groups, value, gradient);
        },
        true, customer_count<SpendSummary>(local_groups)};
    const FitResult fit = maximise_log_likelihood(local, start_values, allreduce, options);
    return {{fit.params[0], fit.params[1], fit.params[2]}, fit.log_likelihood, fit.evaluations,
            fit.nlopt_status, fit.fitted};
}

double gamma_gamma_expected_spend(const GammaGammaParams& p, double x, double m) noexcept {
    if (!(p.q > 1)) return std::numeric_limits<double>::quiet_NaN();
    return p.p * (p.gamma + m * x) / (p.p * x + p.q - 1);
}

}  // namespace engage::kernels
