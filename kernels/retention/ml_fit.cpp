#include "retention/ml_fit.hpp"

#include <nlopt.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace engage::kernels {
namespace {

struct Objective {
    const LocalLogLikelihood* local;
    const AllReduceWords* allreduce;
    std::vector<double> natural;
    std::vector<ExactSum> gradient;
    std::vector<std::int64_t> words;  // value then gradient words: one all-reduce per evaluation
    double scale = 1;                 // 1 / (customers on all ranks)
    int evaluations = 0;
};

// NLopt minimises: the negative mean log-likelihood per customer at exp(log_params), and its
// gradient with respect to the log-parameters, d(-LL)/d(log theta) = -theta dLL/dtheta, over
// the customer count. The mean keeps the gradient O(1) whatever the number of customers, so
// L-BFGS's first step (scaled by the gradient) stays in a sensible range. A non-finite
// likelihood (a region where a series does not converge, or an overflow) is +HUGE_VAL, which
// the simplex methods treat as worse than any point and L-BFGS's line search backtracks from.
double negative_log_likelihood(unsigned n, const double* log_params, double* grad, void* data) {
    auto& o = *static_cast<Objective*>(data);
    for (unsigned i = 0; i < n; ++i) o.natural[i] = std::exp(log_params[i]);
    ExactSum value;
    const std::size_t with = grad ? n : 0;
    o.gradient.assign(with, ExactSum{});
    o.local->add(o.natural, value, std::span<ExactSum>(o.gradient.data(), with));
    if (*o.allreduce) {
        constexpr std::size_t w = ExactSum::kWords;
        o.words.resize((1 + with) * w);
        auto pack = [&](ExactSum& s, std::size_t at, bool out) {
            auto words = s.sum_words();
            if (out)
                std::copy(words.begin(), words.end(), o.words.begin() + std::ptrdiff_t(at * w));
            else
                std::copy_n(o.words.begin() + std::ptrdiff_t(at * w), w, words.begin());
        };
        pack(value, 0, true);
        for (std::size_t i = 0; i < with; ++i) pack(o.gradient[i], 1 + i, true);
        (*o.allreduce)(o.words);
        pack(value, 0, false);
        for (std::size_t i = 0; i < with; ++i) pack(o.gradient[i], 1 + i, false);
    }
    ++o.evaluations;
    const double ll = value.value();
    if (!std::isfinite(ll)) {
        for (std::size_t i = 0; i < with; ++i) grad[i] = 0;
        return HUGE_VAL;
    }
    for (std::size_t i = 0; i < with; ++i) grad[i] = -o.gradient[i].value() * o.natural[i] * o.scale;
    return -ll * o.scale;
}

nlopt_algorithm nlopt_algorithm_for(FitAlgorithm a, bool has_gradient) {
    switch (a) {
        case FitAlgorithm::automatic: return has_gradient ? NLOPT_LD_LBFGS : NLOPT_LN_NELDERMEAD;
        case FitAlgorithm::nelder_mead: return NLOPT_LN_NELDERMEAD;
        case FitAlgorithm::subplex: return NLOPT_LN_SBPLX;
        case FitAlgorithm::lbfgs:
            if (!has_gradient) throw std::invalid_argument("maximise_log_likelihood: L-BFGS needs a model with a gradient");
            return NLOPT_LD_LBFGS;
    }
    return NLOPT_LN_NELDERMEAD;
}

}  // namespace

const char* nlopt_status_name(int status) noexcept {
    switch (status) {
        case NLOPT_SUCCESS: return "success";
        case NLOPT_STOPVAL_REACHED: return "stopval_reached";
        case NLOPT_FTOL_REACHED: return "ftol_reached";
        case NLOPT_XTOL_REACHED: return "xtol_reached";
        case NLOPT_MAXEVAL_REACHED: return "maxeval_reached";
        case NLOPT_MAXTIME_REACHED: return "maxtime_reached";
        case NLOPT_FAILURE: return "failure";
        case NLOPT_INVALID_ARGS: return "invalid_args";
        case NLOPT_OUT_OF_MEMORY: return "out_of_memory";
        case NLOPT_ROUNDOFF_LIMITED: return "roundoff_limited";
        case NLOPT_FORCED_STOP: return "forced_stop";
        default: return "unknown";
    }
}

FitResult maximise_log_likelihood(const LocalLogLikelihood& local, std::span<const double> start,
                                  const AllReduceWords& allreduce, const FitOptions& options) {
    const unsigned n = unsigned(start.size());
    std::vector<double> x(n);
    for (unsigned i = 0; i < n; ++i) {  // checked before the first collective
        if (!(start[i] > 0)) throw std::invalid_argument("maximise_log_likelihood: start values must be positive");
        x[i] = std::log(start[i]);
    }
    Objective objective{&local, &allreduce, std::vector<double>(n), {}, {}};
    ExactSum customers;  // one all-reduce before the first evaluation, identical on every rank
    customers.add(1.0, local.local_customers);
    if (allreduce) allreduce(customers.sum_words());
    if (!(customers.value() > 0)) {
        // Every rank sees the same count, so every rank returns here: no further collective.
        FitResult none;
        none.params.assign(n, std::numeric_limits<double>::quiet_NaN());
        none.log_likelihood = std::numeric_limits<double>::quiet_NaN();
        return none;
    }
    objective.scale = 1 / customers.value();
    double best = HUGE_VAL;
    int status = 0;
    // One NLopt run from x; keeps the result when it improves on the best so far.
    auto run = [&](nlopt_algorithm algorithm, double step) {
        nlopt_opt opt = nlopt_create(algorithm, n);
        if (!opt) throw std::runtime_error("maximise_log_likelihood: nlopt_create failed");
        nlopt_set_min_objective(opt, negative_log_likelihood, &objective);
        nlopt_set_xtol_rel(opt, options.xtol_rel);
        nlopt_set_ftol_abs(opt, options.ftol_abs * objective.scale);
        // Log-parameters in [-30, 30]: every parameter stays within [1e-13, 1e13], so no step
        // ends in an overflow of exp().
        const std::vector<double> lower(n, -30.0), upper(n, 30.0);
        nlopt_set_lower_bounds(opt, lower.data());
        nlopt_set_upper_bounds(opt, upper.data());
        nlopt_set_maxeval(opt, std::max(1, options.max_evaluations - objective.evaluations));
        if (algorithm != NLOPT_LD_LBFGS) {
            const std::vector<double> steps(n, step);
            nlopt_set_initial_step(opt, steps.data());
        }
        double value = HUGE_VAL;
        std::vector<double> trial = x;
        status = int(nlopt_optimize(opt, trial.data(), &value));
        nlopt_destroy(opt);
        const double gain = best - value;
        if (value < best) {
            x = trial;
            best = value;
        }
        return gain;
    };
    const nlopt_algorithm algorithm = nlopt_algorithm_for(options.algorithm, local.has_gradient);
    bool derivative_free = algorithm != NLOPT_LD_LBFGS;
    if (!derivative_free) {
        run(algorithm, 0);
        // L-BFGS gave up (a failure code other than running into round-off at the optimum):
        // continue derivative-free from its best point. Every rank sees the same codes.
        derivative_free = status < 0 && status != NLOPT_ROUNDOFF_LIMITED;
    }
    // Derivative-free: a run, then restarts from its optimum with a fresh, smaller simplex, a
    // standard guard against Nelder-Mead's premature collapse (Press et al., Numerical Recipes,
    // 3rd ed., section 10.5); stops when a restart gains nothing.
    for (int r = 0; derivative_free && r <= options.restarts; ++r) {
        if (objective.evaluations >= options.max_evaluations) break;
        const nlopt_algorithm simplex = algorithm == NLOPT_LN_SBPLX ? NLOPT_LN_SBPLX : NLOPT_LN_NELDERMEAD;
        const double gain = run(simplex, options.initial_step / double(1 << (2 * r)));
        if (r > 0 && !(gain > options.ftol_abs * objective.scale)) break;
    }
    FitResult result;
    result.params.resize(n);
    for (unsigned i = 0; i < n; ++i) result.params[i] = std::exp(x[i]);
    // The reported log-likelihood is the exact sum at the optimum, not the scaled objective.
    ExactSum at_optimum;
    local.add(result.params, at_optimum, {});
    if (allreduce) allreduce(at_optimum.sum_words());
    result.log_likelihood = at_optimum.value();
    result.evaluations = objective.evaluations;
    result.nlopt_status = status;
    result.fitted = true;
    return result;
}

}  // namespace engage::kernels
