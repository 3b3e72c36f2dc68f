#pragma once
// Maximum-likelihood driver shared by the buy-till-you-die fits: NLopt on the logarithms of
// the (positive) parameters, with the objective summed exactly so that a distributed fit
// follows the same path on any number of ranks and threads.
//
// Every evaluation sums the local log-likelihood into an ExactSum, hands its words to the
// caller's `allreduce` (an MPI_SUM all-reduce of int64 in the MPI layer; empty = serial),
// then reads value() (the gradient, where the model has one, travels in the same all-reduce).
// All ranks therefore see bit-identical objective values and gradients, and NLopt's
// algorithms (L-BFGS, Nelder-Mead, Subplex) are deterministic functions of those values and
// the start point: the path, the optimum and the evaluation count do not depend on the number
// of ranks or threads.
#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "stats/exact_sum.hpp"

namespace engage::kernels {

// Collective in the caller's sense: invoked once per objective evaluation, on every rank.
using AllReduceWords = std::function<void(std::span<std::int64_t>)>;

// automatic: L-BFGS (NLopt LD_LBFGS) when the model supplies an analytic gradient (all three
// models here do), Nelder-Mead otherwise. The derivative-free methods stay available.
enum class FitAlgorithm { automatic, nelder_mead, subplex, lbfgs };

struct FitOptions {
    FitAlgorithm algorithm = FitAlgorithm::automatic;
    double xtol_rel = 1e-10;     // on each log-parameter
    double ftol_abs = 1e-9;      // on the total log-likelihood
    double initial_step = 0.5;   // simplex size in log-parameter units (derivative-free only)
    int max_evaluations = 20000;
    int restarts = 2;            // derivative-free only: re-runs from the optimum with a fresh simplex
};

// Whether an NLopt outcome (nlopt_result) met a stopping criterion on the optimum: SUCCESS (1),
// STOPVAL_REACHED (2), FTOL_REACHED (3) or XTOL_REACHED (4). MAXEVAL_REACHED (5) and
// MAXTIME_REACHED (6) are positive too ("not an error" to NLopt), but the search was cut short
// wherever it was, so they are not convergence; negative codes are failures.
constexpr bool nlopt_converged(int status) noexcept { return status >= 1 && status <= 4; }

// NLopt's name of an outcome in lower case without the prefix ("xtol_reached", "maxeval_reached",
// "roundoff_limited", ...); "unknown" for a code NLopt does not define (0: never run).
const char* nlopt_status_name(int status) noexcept;

struct FitResult {
    std::vector<double> params;  // at the optimum, natural scale
    double log_likelihood = 0;   // total over all ranks' customers
    int evaluations = 0;
    int nlopt_status = 0;        // NLopt's nlopt_result of the last run
    bool fitted = false;         // false: no customer on any rank; params and log_likelihood NaN
    bool converged() const noexcept { return fitted && nlopt_converged(nlopt_status); }
};

// Adds the local customers' log-likelihood at `params` (natural scale) into `value` and, when
// `gradient` is not empty (one ExactSum per parameter), its partial derivatives with respect
// to the natural-scale parameters into `gradient`.
struct LocalLogLikelihood {
    std::function<void(std::span<const double> params, ExactSum& value, std::span<ExactSum> gradient)> add;
    bool has_gradient = false;
    std::int64_t local_customers = 0;  // sum of the local groups' counts
};

// Maximises the all-reduced log-likelihood from `start` (positive, natural scale). With no
// customer on any rank there is nothing to fit: no evaluation, fitted = false, NaN parameters
// and log-likelihood (never the start values, which would read as estimates). One
// `allreduce` of ExactSum::kWords words for the customer count, then one of
// (1 + gradient size) * ExactSum::kWords words per evaluation.
// Collective: every rank calls this with the same start and options.
FitResult maximise_log_likelihood(const LocalLogLikelihood& local, std::span<const double> start,
                                  const AllReduceWords& allreduce, const FitOptions& options);

// Sums count * per_customer(summary, grad) over groups into `value` (and count * grad into
// `gradient` when it is not empty; per_customer receives nullptr for grad otherwise), exactly
// (ExactSum multiplicity), with OpenMP threads over contiguous blocks. Each thread copies
// `prototype`, so it may cache quantities shared by consecutive groups. The result does not
// depend on the thread count. N: the number of parameters.
template <int N, class Group, class PerCustomer>
void sum_over_groups(std::span<const Group> groups, const PerCustomer& prototype, ExactSum& value,
                     std::span<ExactSum> gradient) {
    const std::int64_t n = std::int64_t(groups.size());
    const bool with_gradient = !gradient.empty();
#pragma omp parallel if (n > 4096)
    {
        PerCustomer per_customer = prototype;
        ExactSum local;
        std::array<ExactSum, N> local_gradient{};
        double g[N];
#pragma omp for schedule(static)
        for (std::int64_t i = 0; i < n; ++i) {
            const auto count = groups[i].count;
            local.add(per_customer(groups[i].summary, with_gradient ? g : nullptr), count);
            if (with_gradient)
                for (int j = 0; j < N; ++j) local_gradient[j].add(g[j], count);
        }
#pragma omp critical(engage_exact_sum_combine)
        {
            value.combine(local);
            if (with_gradient)
                for (int j = 0; j < N; ++j) gradient[j].combine(local_gradient[j]);
        }
    }
}

}  // namespace engage::kernels
