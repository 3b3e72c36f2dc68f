#pragma once
// The BG/NBD model (Fader, Hardie & Lee 2005, "'Counting your customers' the easy way: an
// alternative to the Pareto/NBD model", Marketing Science 24(2), 275-284): while active, a
// customer buys as a Poisson process of rate lambda ~ Gamma(r, alpha); after each purchase
// they drop out with probability p ~ Beta(a, b). Time in the unit of the summaries (weeks).
// Pure functions of the parameters and one summary; fits collective through `allreduce`.
#include <span>

#include "retention/ml_fit.hpp"
#include "retention/rfm_summary.hpp"

namespace engage::kernels {

struct BgNbdParams {
    double r, alpha, a, b;
};

struct BgNbdFit {
    BgNbdParams params;
    double log_likelihood;  // total over all customers
    int evaluations;
    int nlopt_status;
    bool fitted;  // false: no customer to fit on any rank (FitResult::fitted); params NaN
};

// Log-likelihood of one customer with summary s (FHL 2005, the likelihood of a randomly chosen
// customer, in the log form A1..A4 they give for spreadsheets). Finite for any x (no power of (alpha + T) is formed).
double bg_nbd_log_likelihood(const BgNbdParams& p, const RfmSummary& s) noexcept;

// The same, with its gradient d ln L / d(r, alpha, a, b) written to gradient[0..3].
double bg_nbd_log_likelihood_gradient(const BgNbdParams& p, const RfmSummary& s, double* gradient) noexcept;

// Adds count * log-likelihood of every local group into `value` and, when `gradient` holds 4
// sums, count * its gradient (exact, thread-count independent).
void bg_nbd_add_log_likelihood(const BgNbdParams& p, std::span<const RfmGroup> groups, ExactSum& value,
                               std::span<ExactSum> gradient = {});

// Deterministic start: r = alpha = a = b = 1 (the BTYD package's default).
inline constexpr BgNbdParams kBgNbdStart{1, 1, 1, 1};

// Maximum likelihood over all ranks' groups (L-BFGS with the analytic gradient unless
// options.algorithm says otherwise). Collective: every rank calls it with its local
// groups, the same start and options; `allreduce` sums ExactSum words over ranks (empty = serial).
BgNbdFit fit_bg_nbd(std::span<const RfmGroup> local_groups, const AllReduceWords& allreduce = {},
                    const FitOptions& options = {}, const BgNbdParams& start = kBgNbdStart);

// P(alive | x, t_x, T) (FHL 2005, with the odds taken in logs as in Fader & Hardie
// 2013, "Overcoming the BG/NBD model's #NUM! error problem", brucehardie.com/notes/027). Exactly 1 when x = 0.
double bg_nbd_p_alive(const BgNbdParams& p, const RfmSummary& s) noexcept;

// E[Y(t) | x, t_x, T]: expected repeat transactions in (T, T + t] (FHL 2005, conditional expectation).
double bg_nbd_expected_transactions(const BgNbdParams& p, const RfmSummary& s, double t) noexcept;

// E[Y(t) | x, t_x, T] / P(alive | x, t_x, T), t > 0: the factor of the expectation that depends on
// the customer through x and T only. Where |a - 1| >= 1e-6, bg_nbd_expected_transactions is
// this times bg_nbd_p_alive, the same bits (at a = 1 it takes the mean of two sides).
double bg_nbd_alive_expectation(const BgNbdParams& p, double x, double T, double t) noexcept;

// E[X(t)]: expected repeat transactions in (0, t] of a new customer (FHL 2005, expected transactions of a new customer).
double bg_nbd_expected_transactions_new(const BgNbdParams& p, double t) noexcept;

}  // namespace engage::kernels
