#pragma once
// The Gamma-Gamma model of monetary value (Fader, Hardie & Lee 2005, "RFM and CLV: using
// iso-value curves for customer base analysis", Journal of Marketing Research 42(4), 415-430;
// Fader & Hardie 2013, "The Gamma-Gamma model of monetary value", brucehardie.com/notes/025):
// a customer's transaction values are Gamma(p, nu) with nu ~ Gamma(q, gamma) across customers,
// independent of the transaction process. Input: x >= 1 repeat transactions of mean value m.
#include <span>

#include "retention/ml_fit.hpp"
#include "retention/rfm_summary.hpp"

namespace engage::kernels {

struct GammaGammaParams {
    double p, q, gamma;
};

struct GammaGammaFit {
    GammaGammaParams params;
    double log_likelihood;
    int evaluations;
    int nlopt_status;
    bool fitted;  // false: no customer to fit on any rank (FitResult::fitted); params NaN
};

// ln f(m | p, q, gamma; x): the density of the mean of x transaction values (the note, the marginal density of m)
//   ln G(p x + q) - ln G(p x) - ln G(q) + q ln gamma + (p x - 1) ln m + p x ln x
//   - (p x + q) ln(gamma + m x).
double gamma_gamma_log_likelihood(const GammaGammaParams& p, const SpendSummary& s) noexcept;

// Adds count * log-likelihood (and, when `gradient` holds 3 sums, count * d/d(p, q, gamma)).
void gamma_gamma_add_log_likelihood(const GammaGammaParams& p, std::span<const SpendGroup> groups,
                                    ExactSum& value, std::span<ExactSum> gradient = {});

inline constexpr GammaGammaParams kGammaGammaStart{1, 1, 1};

// Collective, as fit_bg_nbd (L-BFGS with the analytic gradient). Groups must have x >= 1 and m > 0 (customers without repeat
// transactions carry no spend information and are left out by the caller).
GammaGammaFit fit_gamma_gamma(std::span<const SpendGroup> local_groups, const AllReduceWords& allreduce = {},
                              const FitOptions& options = {},
                              const GammaGammaParams& start = kGammaGammaStart);

// E[M | p, q, gamma, m, x] = p (gamma + m x) / (p x + q - 1) (FHL 2005 JMR and the note:
// the posterior mean of 1 / nu times p): a weighted mean of the population mean p gamma / (q - 1) and the observed mean m.
// With x = 0 it is the population mean. NaN unless q > 1 (the mean does not exist).
double gamma_gamma_expected_spend(const GammaGammaParams& p, double x, double m) noexcept;

}  // namespace engage::kernels
