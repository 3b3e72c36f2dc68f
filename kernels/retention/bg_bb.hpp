#pragma once
// The BG/BB model (Fader, Hardie & Shang 2010, "Customer-base analysis in a discrete-time
// noncontractual setting", Marketing Science 29(6), 1086-1108): the first transaction is
// opportunity 0; at the start of each discrete opportunity 1, 2, ... (a year, a weekly event, a
// mailing) a living customer dies with probability theta ~ Beta(gamma, delta), and if still
// alive transacts with probability p ~ Beta(alpha, beta). Predictions of NaN parameters are NaN.
// A customer is summarised by (x, t_x, n): x transactions in the n opportunities, the last at
// opportunity t_x (0 when x = 0). Pure functions of the parameters and one summary; the fit is
// collective through `allreduce`, as the BG/NBD and Pareto/NBD fits.
#include <compare>
#include <cstdint>
#include <span>

#include "retention/ml_fit.hpp"
#include "retention/rfm_summary.hpp"

namespace engage::kernels {

// Recency/frequency pattern over n opportunities: 0 <= x <= t_x <= n, t_x = 0 iff x = 0,
// and x <= t_x (at most one transaction per opportunity).
struct BgbbSummary {
    std::int32_t x;    // transactions in opportunities 1..n
    std::int32_t t_x;  // opportunity of the last transaction; 0 when x = 0
    std::int32_t n;    // opportunities in the calibration period
    friend auto operator<=>(const BgbbSummary&, const BgbbSummary&) = default;
};

using BgbbGroup = Grouped<BgbbSummary>;

// Why a pattern cannot enter a fit, or nullptr; for the caller's input check, identical on every rank.
const char* bgbb_summary_problem(const BgbbSummary& s) noexcept;

struct BgbbParams {
    double alpha, beta, gamma, delta;
};

struct BgbbFit {
    BgbbParams params;
    double log_likelihood;  // total over all customers
    int evaluations;
    int nlopt_status;
    bool fitted;  // false: no customer to fit on any rank (FitResult::fitted); params NaN
};

// ln L(alpha, beta, gamma, delta | x, t_x, n) (FHS 2010, equation 5), summed in logs over its
// n - t_x + 1 terms; finite for any n.
double bgbb_log_likelihood(const BgbbParams& p, const BgbbSummary& s) noexcept;

// The same with its gradient d ln L / d(alpha, beta, gamma, delta) written to gradient[0..3].
double bgbb_log_likelihood_gradient(const BgbbParams& p, const BgbbSummary& s, double* gradient) noexcept;

// Adds count * log-likelihood of every local group into `value` and, when `gradient` holds 4
// sums, count * its gradient (exact, thread-count independent).
void bgbb_add_log_likelihood(const BgbbParams& p, std::span<const BgbbGroup> groups, ExactSum& value,
                             std::span<ExactSum> gradient = {});

// Deterministic start: every parameter 1 (as the BTYD package's BG/BB start).
inline constexpr BgbbParams kBgbbStart{1, 1, 1, 1};

// Maximum likelihood over all ranks' groups (L-BFGS with the analytic gradient unless
// options.algorithm says otherwise). Collective: every rank calls it with its local groups,
// the same start and options; `allreduce` sums ExactSum words over ranks (empty = serial).
BgbbFit fit_bgbb(std::span<const BgbbGroup> local_groups, const AllReduceWords& allreduce = {},
                 const FitOptions& options = {}, const BgbbParams& start = kBgbbStart);

// P(X(n) = x): probability that a new customer makes x transactions in n opportunities
// (FHS 2010, equation 7). Times the cohort size: the expected number of customers with x.
double bgbb_probability_of_x(const BgbbParams& p, std::int32_t x, std::int32_t n) noexcept;

// P(alive at opportunity n + 1 | x, t_x, n) (FHS 2010, equation 11). For t_x = n it is
// (delta + n) / (gamma + delta + n), not 1: alive at n is certain, surviving to n + 1 is not.
double bgbb_p_alive(const BgbbParams& p, const BgbbSummary& s) noexcept;

// E[X(n)]: expected transactions of a new customer in opportunities 1..n (FHS 2010, eq. 8).
double bgbb_expected_transactions_new(const BgbbParams& p, std::int32_t n) noexcept;

// E[X(n, n + n_star) | x, t_x, n]: expected transactions in opportunities n + 1..n + n_star
// (FHS 2010, equation 13). Cost O(n - t_x + n_star): the survival sum is added term by term.
double bgbb_expected_transactions(const BgbbParams& p, const BgbbSummary& s, std::int32_t n_star) noexcept;

// DERT(d | x, t_x, n): discounted expected residual transactions, the transaction at
// opportunity n + k discounted by (1 + d)^-k, summed over k >= 1 (FHS 2010, equation 14, with
// the Gauss hypergeometric 2F1(1, delta + n + 1; gamma + delta + n + 1; 1 / (1 + d))).
// d is the discount rate per opportunity, > 0; NaN below about 0.0004 (the series' reach).
double bgbb_dert(const BgbbParams& p, const BgbbSummary& s, double discount_rate) noexcept;

}  // namespace engage::kernels
