#pragma once
// The Cox proportional-hazards model (Cox 1972) with Efron's handling of tied event times (Efron
// 1977; R's coxph default), fitted by Newton-Raphson with step halving exactly as R's survival
// package does (coxfit6.c; Therneau & Grambsch 2000, sec. 3.1-3.3).
//
// Durations are integer days 0..max_day, so an evaluation at a coefficient vector b is a set of
// per-day sums over the subjects whose time is that day: of r = exp(b'x), r x and r x x' (all
// subjects: they build the risk sets by suffix sums) and of the same for the subjects whose
// event it is (Efron's correction), the events' covariates, their b'x and their count. Each sum
// is an exact fixed-point sum (stats/exact_sum.hpp) and the suffix sums run on its integer
// words, so the risk-set sums, and every number derived from them, are the same bits for any
// split of the subjects over ranks, threads or shards. The evaluation itself is serial.
#include <cstdint>
#include <span>
#include <vector>

#include "stats/exact_sum.hpp"

namespace engage::kernels {

// The linear predictor b'x (summed in covariate order: every caller gets the same bits).
inline double cox_eta(std::span<const double> x, std::span<const double> beta) noexcept {
    double eta = 0;
    for (std::size_t j = 0; j < x.size(); ++j) eta += beta[j] * x[j];
    return eta;
}

// The per-day sums of one evaluation: mergeable by adding sum_words() (an MPI_SUM all-reduce).
class CoxDaySums {
public:
    CoxDaySums() = default;
    CoxDaySums(int covariates, std::int32_t max_day);

    // One subject whose follow-up ends on `day` (0..max_day; std::out_of_range otherwise) with
    // (`event`) or without churn, covariates `x` (covariates() values) at coefficients `beta`.
    void add(std::int32_t day, bool event, std::span<const double> x, std::span<const double> beta);
    void combine(const CoxDaySums& other) noexcept;

    int covariates() const noexcept { return p_; }
    std::int32_t max_day() const noexcept { return max_day_; }
    std::span<std::int64_t> sum_words() noexcept { return sums_.sum_words(); }
    std::span<const std::int64_t> sum_words() const noexcept { return const_cast<CoxDaySums*>(this)->sums_.sum_words(); }
    std::span<std::int64_t> max_words() noexcept { return {}; }
    // Sums per day: [r, r x (p), r x x' (lower triangle, p(p+1)/2)] over all subjects, the same
    // over the events, the events' x (p), b'x and count, and the count of all subjects.
    std::size_t sums_per_day() const noexcept { return 2 * block() + std::size_t(p_) + 3; }
    std::size_t block() const noexcept { return 1 + std::size_t(p_) + std::size_t(p_) * std::size_t(p_ + 1) / 2; }

private:
    friend struct CoxEvaluator;
    int p_ = 0;
    std::int32_t max_day_ = -1;
    ExactSums sums_;
    std::vector<double> scratch_;
};

// The Efron partial log-likelihood at b, its score vector (first derivatives) and information
// matrix (minus the second derivatives, p x p row-major).
struct CoxEvaluation {
    double log_likelihood = 0;
    std::vector<double> score;
    std::vector<double> information;
    std::int64_t events = 0;
    bool finite = true;  // false when a sum overflowed (exp(b'x) too large): the step is halved
};
CoxEvaluation cox_evaluate(const CoxDaySums& sums);

// The proportional-hazards test from the scaled Schoenfeld residuals as R's cox.zph (survival
// >= 3.0; Grambsch & Therneau 1994; Therneau & Grambsch 2000, sec. 6.2) computes it, with its
// default transform "km": the score test, at the fitted coefficients, of adding x * g(t) for
// each covariate, g(t) = 1 - S(t-) of the pooled Kaplan-Meier curve centred on its mean over
// the events. `sums` must be the evaluation at the fitted coefficients.
struct CoxZph {
    std::vector<double> chi_square;  // per covariate (1 df each), then the global test (p df)
};
CoxZph cox_zph(const CoxDaySums& sums);

struct CoxOptions {
    double eps = 1e-9;          // R's coxph.control(eps): relative change of the log-likelihood
    double toler_chol = 1.8189894035458565e-12;  // R's toler.chol, .Machine$double.eps^0.75
    int max_iterations = 20;    // R's iter.max
};

struct CoxFit {
    std::vector<double> beta;        // per unit of each covariate as given
    std::vector<double> std_error;   // sqrt of the diagonal of the inverse information
    std::vector<double> variance;    // the inverse information at beta, p x p row-major
    double log_likelihood_null = 0;  // at b = 0
    double log_likelihood = 0;       // at beta
    int iterations = 0;
    bool converged = false;
    std::int64_t events = 0;
};

// Newton-Raphson as R's coxfit6: start at b = 0; after each evaluation either stop (the
// relative change of the log-likelihood is <= eps and the last step was not halved), halve the
// last step (the log-likelihood fell), or take the Newton step b + I^-1 U.
class CoxNewton {
public:
    explicit CoxNewton(int covariates, CoxOptions options = {});
    // The coefficients at which the next evaluation is wanted.
    const std::vector<double>& next_beta() const noexcept { return new_beta_; }
    // Takes the evaluation at next_beta(); true when the fit is finished (result() holds it).
    bool step(const CoxEvaluation& e);
    bool done() const noexcept { return done_; }
    const CoxFit& result() const noexcept { return fit_; }

    // Checkpoint words: everything step() needs to continue.
    struct Snapshot {
        std::vector<double> beta, new_beta, fit_beta, fit_se, fit_var;
        double log_likelihood, log_likelihood_null, fit_ll, fit_ll0;
        std::int64_t iteration, halving, done, fit_iterations, fit_converged, fit_events;
    };
    Snapshot snapshot() const;
    void restore(const Snapshot& s);

private:
    void finish(const CoxEvaluation& e, bool converged);
    int p_;
    CoxOptions options_;
    std::vector<double> beta_, new_beta_;
    double log_likelihood_ = 0;
    int iteration_ = -1;  // -1: the evaluation at 0 is next
    bool halving_ = false, done_ = false;
    CoxFit fit_;
};

// Solves the symmetric positive semi-definite system A y = b (n x n, row-major) by Cholesky with
// R's cholesky2 convention: a pivot below toler times the largest diagonal marks a singular
// direction, whose component of y is 0. And the (generalised) inverse in the same convention.
std::vector<double> cox_solve(std::vector<double> a, std::vector<double> b, std::size_t n, double toler);
std::vector<double> cox_inverse(std::vector<double> a, std::size_t n, double toler);

// The cumulative baseline hazard H0(t), t = 0..max_day, at b'x = 0 with Efron's increments
// sum_k 1 / rho_tk at each event day (R survfit.coxph's ctype 2 for an Efron fit): a subject's
// survival is S(t | x) = exp(-H0(t) exp(b'x)). `sums` at the fitted coefficients.
std::vector<double> cox_cumulative_hazard(const CoxDaySums& sums);

// P(chi^2_df >= x): the p-value of the likelihood-ratio test; 1 for df < 1, NaN for x NaN.
double chi_square_upper_tail(double x, int df);

// The whole fit on subjects held in memory (tests, small data): days[i], events[i] and the row
// x[i * p .. i * p + p).
CoxFit fit_cox(std::span<const std::int32_t> days, std::span<const std::uint8_t> events, std::span<const double> x,
               int covariates, CoxOptions options = {});

}  // namespace engage::kernels
