#pragma once
// The MBG/CNBD-k model (Reutterer, Platzer & Schroeder 2021, "Leveraging purchase regularity
// for predicting customer behavior the easy way", International Journal of Research in
// Marketing 38(1), 194-215; the BTYDplus R package's mbgcnbd.* functions): while active, a
// customer's inter-purchase times are Erlang-k with rate lambda ~ Gamma(r, alpha) (so the
// purchase rate is lambda / k, and k = 1 is the Poisson case); at the first purchase and after
// every repeat purchase the customer drops out with probability p ~ Beta(a, b). k = 1 is the
// MBG/NBD of Batislam, Denizel & Filiztekin (2007, IJRM 24(3)); unlike the BG/NBD it lets a
// customer drop out right after the first purchase, so P(alive) < 1 even with no repeat purchase.
// Time in the unit of the summaries (weeks). Pure functions; fits collective through `allreduce`.
#include <span>
#include <vector>

#include "retention/ml_fit.hpp"
#include "retention/rfm_summary.hpp"

namespace engage::kernels {

struct MbgCnbdParams {
    int k;  // Erlang order of the inter-purchase times, >= 1
    double r, alpha, a, b;
};

// The part of the log-likelihood that depends on the timing of the repeat purchases beyond
// (x, t_x, T): sum over customers of (k - 1) * litt - x ln((k - 1)!), litt = the sum of the log
// inter-purchase times (repeat purchases only, in the summaries' unit). It does not depend on
// (r, alpha, a, b), so a fit at fixed k needs only the (x, t_x, T) groups; it is needed to
// compare k. Callers sum litt exactly (ExactSum) over their local customers.
double mbg_cnbd_timing_term(int k, double litt_sum, double repeat_transactions) noexcept;

// ln L of one customer without the timing term (BTYDplus xbgcnbd.LL with dropout_at_zero, its
// P2 + P3 + P4 + ln(S1 + S2); the paper's equation for the individual likelihood integrated over
// lambda and p), in logs:
//   ln B(a, b + x + 1) - ln B(a, b) + ln G(r + k x) - ln G(r) + r ln alpha - (r + k x) ln(alpha + T)
//   + ln( a / (b + x) ((alpha + T) / (alpha + t_x))^(r + k x)
//         + sum_{j=0}^{k-1} (r + k x)_j / j! ((T - t_x) / (alpha + T))^j ).
double mbg_cnbd_log_likelihood(const MbgCnbdParams& p, const RfmSummary& s) noexcept;

// Adds count * (ln L - timing term) of every local group into `value` (exact, thread-count independent).
void mbg_cnbd_add_log_likelihood(const MbgCnbdParams& p, std::span<const RfmGroup> groups, ExactSum& value);

struct MbgCnbdFit {
    MbgCnbdParams params;
    double log_likelihood;  // total over all customers, the timing term included
    int evaluations;
    int nlopt_status;
    bool fitted;  // false: no customer on any rank; params NaN
};

// BTYDplus's start (r, alpha, a, b) = (1, 3, 1, 3).
inline constexpr MbgCnbdParams kMbgCnbdStart{1, 1, 3, 1, 3};

// Maximum likelihood at fixed k = start.k over all ranks' groups (Nelder-Mead on the log
// parameters, with restarts). `local_litt` is the exact sum of the local customers' litt.
// Collective: every rank calls it with the same k, start and options.
MbgCnbdFit fit_mbg_cnbd(std::span<const RfmGroup> local_groups, const ExactSum& local_litt,
                        const AllReduceWords& allreduce = {}, const FitOptions& options = {},
                        const MbgCnbdParams& start = kMbgCnbdStart);

// Fits k = 1, 2, ..., max_k and keeps the k of the largest log-likelihood (BTYDplus's grid
// search; like it, the search stops once the log-likelihood has fallen twice in a row after
// k = 2). fits[i] is the fit at k = i + 1; best indexes fits. Collective.
struct MbgCnbdSelection {
    std::vector<MbgCnbdFit> fits;
    std::size_t best = 0;
};
MbgCnbdSelection fit_mbg_cnbd_select_k(std::span<const RfmGroup> local_groups, const ExactSum& local_litt,
                                       int max_k = 12, const AllReduceWords& allreduce = {},
                                       const FitOptions& options = {});

// P(alive at T | x, t_x, T) = 1 / (1 + S1 / S2) with S1, S2 as in the likelihood (BTYDplus
// xbgcnbd.PAlive with dropout_at_zero); below 1 also for x = 0.
double mbg_cnbd_p_alive(const MbgCnbdParams& p, const RfmSummary& s) noexcept;

// E[Y(t) | x, t_x, T], expected repeat transactions in (T, T + t]. For k = 1 (MBG/NBD) the closed
// form (a + b + x) / (a - 1) [1 - ((alpha + T) / (alpha + T + t))^(r + x)
//  2F1(r + x, b + x + 1; a + b + x; t / (alpha + T + t))] P(alive); for k > 1 the exact series below.
double mbg_cnbd_expected_transactions(const MbgCnbdParams& p, const RfmSummary& s, double t) noexcept;

// The same for any k as a double series over the Erlang phase of the gap in progress and the
// future purchases, with regularized incomplete beta functions (see the .cpp); exact, slower.
double mbg_cnbd_expected_transactions_series(const MbgCnbdParams& p, const RfmSummary& s, double t) noexcept;

// BTYDplus's approximation for k > 1 (the k = 1 expression with alpha replaced by k alpha), without
// the cohort-level rescaling BTYDplus applies when given a whole cohort; for comparison only.
double mbg_cnbd_expected_transactions_btydplus(const MbgCnbdParams& p, const RfmSummary& s, double t) noexcept;

// E[X(t)] of a new customer: the conditional expectation at x = t_x = T = 0 (right after the
// first purchase nothing is learnt yet), for any k; at k = 1
// b / (a - 1) [1 - (alpha / (alpha + t))^r 2F1(r, b + 1; a + b; t / (alpha + t))].
double mbg_cnbd_expected_transactions_new(const MbgCnbdParams& p, double t) noexcept;

}  // namespace engage::kernels
