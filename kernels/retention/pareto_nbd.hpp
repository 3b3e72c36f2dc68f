#pragma once
// The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987, "Counting your customers: who
// are they and what will they do next?", Management Science 33(1), 1-24): while alive, a
// customer buys as a Poisson process of rate lambda ~ Gamma(r, alpha); the lifetime is
// exponential with rate mu ~ Gamma(s, beta). Expressions from Fader & Hardie (2005), "A note
// on deriving the Pareto/NBD model and related expressions" (brucehardie.com/notes/009).
// Time in the unit of the summaries (weeks). Pure; fits collective through `allreduce`.
#include <span>

#include "retention/ml_fit.hpp"
#include "retention/rfm_summary.hpp"

namespace engage::kernels {

struct ParetoNbdParams {
    double r, alpha, s, beta;
};

struct ParetoNbdFit {
    ParetoNbdParams params;
    double log_likelihood;
    int evaluations;
    int nlopt_status;
    bool fitted;  // false: no customer to fit on any rank (FitResult::fitted); params NaN
};

// Log-likelihood of one customer (the note's expression with the Gauss hypergeometric
// function, both the alpha >= beta and alpha < beta cases), evaluated entirely in logs.
double pareto_nbd_log_likelihood(const ParetoNbdParams& p, const RfmSummary& s) noexcept;

// The same, with its gradient d ln L / d(r, alpha, s, beta) written to gradient[0..3]
// (derivatives of the 2F1 series taken term by term).
double pareto_nbd_log_likelihood_gradient(const ParetoNbdParams& p, const RfmSummary& s, double* gradient) noexcept;

// Adds count * log-likelihood (and, when `gradient` holds 4 sums, count * its gradient).
void pareto_nbd_add_log_likelihood(const ParetoNbdParams& p, std::span<const RfmGroup> groups,
                                   ExactSum& value, std::span<ExactSum> gradient = {});

// Deterministic start: r = alpha = s = beta = 1 (the BTYD package's default).
inline constexpr ParetoNbdParams kParetoNbdStart{1, 1, 1, 1};

// Collective, as fit_bg_nbd (L-BFGS with the analytic gradient unless options say otherwise).
ParetoNbdFit fit_pareto_nbd(std::span<const RfmGroup> local_groups, const AllReduceWords& allreduce = {},
                            const FitOptions& options = {},
                            const ParetoNbdParams& start = kParetoNbdStart);

// P(alive | x, t_x, T) = 1 / (1 + s / (r + s + x) (alpha + T)^(r + x) (beta + T)^s A0).
double pareto_nbd_p_alive(const ParetoNbdParams& p, const RfmSummary& s) noexcept;

// E[Y(t) | x, t_x, T] = (r + x)(beta + T) / ((alpha + T)(s - 1))
//                        * [1 - ((beta + T) / (beta + T + t))^(s - 1)] * P(alive)
// (the limit (r + x)(beta + T) / (alpha + T) ln((beta + T + t) / (beta + T)) P(alive) at s = 1).
double pareto_nbd_expected_transactions(const ParetoNbdParams& p, const RfmSummary& s, double t) noexcept;
// The same with P(alive) given (pareto_nbd_p_alive(p, s), the same bits), for a caller that asks
// for several t of one summary (the CLV's weeks).
double pareto_nbd_expected_transactions(const ParetoNbdParams& p, const RfmSummary& s, double t, double p_alive) noexcept;

}  // namespace engage::kernels
