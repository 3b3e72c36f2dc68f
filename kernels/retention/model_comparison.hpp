#pragma once
// Comparing fitted customer-base models on the same customers: information criteria from the
// log-likelihood, and holdout errors of the per-customer forecasts.
//
// AIC = 2 m - 2 ln L (Akaike 1974, IEEE Transactions on Automatic Control 19(6), 716-723) and
// BIC = m ln n - 2 ln L (Schwarz 1978, Annals of Statistics 6(2), 461-464), for m estimated
// parameters and n customers; lower is better. They compare models only when the likelihoods are
// densities of the same data in the same time unit: BG/NBD, Pareto/NBD and MBG/CNBD-k are all
// densities of a customer's purchase times over (0, T] in weeks (for the Poisson models (x, t_x, T)
// is sufficient), so their ln L compare; a model fitted to other data (BG/BB's yearly patterns)
// does not. MBG/CNBD-k with k chosen by likelihood counts k as a fifth parameter.
//
// Holdout errors (the measures of BTYDplus's CDNOW demo, demo/cdnow.R): for actual x*_i and
// forecast f_i over the n customers, MAE = mean |x* - f|, RMSE = sqrt(mean (x* - f)^2),
// MSLE = mean (ln(1 + x*) - ln(1 + f))^2, and the aggregate bias sum f / sum x* - 1. They show
// how well a model forecasts these customers over this holdout; they do not show which model is
// true, and a model can win on the total (bias) while losing on individuals (MAE), or the reverse.
#include <cmath>
#include <cstdint>
#include <limits>

#include "stats/exact_sum.hpp"

namespace engage::kernels {

struct InformationCriteria {
    double aic, bic;
};

inline InformationCriteria information_criteria(double log_likelihood, int parameters, std::int64_t customers) noexcept {
    return {2.0 * parameters - 2 * log_likelihood,
            double(parameters) * std::log(double(customers)) - 2 * log_likelihood};
}

struct HoldoutErrorState {
    std::int64_t customers = 0;
    ExactSum actual, forecast, absolute_error, squared_error, squared_log_error;
};

struct HoldoutErrors {
    std::int64_t customers;
    double actual_total, forecast_total;
    double mae, rmse, msle, bias;  // NaN with no customer; bias NaN when no actual transaction
};

struct HoldoutErrorKernel {
    using State = HoldoutErrorState;
    // One customer: actual holdout transactions and the model's forecast for them.
    static void update(State& s, double actual, double forecast) noexcept {
        const double e = actual - forecast, le = std::log1p(actual) - std::log1p(forecast);
        ++s.customers;
        s.actual.add(actual);
        s.forecast.add(forecast);
        s.absolute_error.add(std::fabs(e));
        s.squared_error.add(e * e);
        s.squared_log_error.add(le * le);
    }
    static void combine(State& into, const State& from) noexcept {
        into.customers += from.customers;
        into.actual.combine(from.actual);
        into.forecast.combine(from.forecast);
        into.absolute_error.combine(from.absolute_error);
        into.squared_error.combine(from.squared_error);
        into.squared_log_error.combine(from.squared_log_error);
    }
    static HoldoutErrors finalize(const State& s) noexcept {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        if (s.customers == 0) return {0, 0, 0, nan, nan, nan, nan};
        const double n = double(s.customers), actual = s.actual.value(), forecast = s.forecast.value();
        return {s.customers,
                actual,
                forecast,
                s.absolute_error.value() / n,
                std::sqrt(s.squared_error.value() / n),
                s.squared_log_error.value() / n,
                actual > 0 ? forecast / actual - 1 : nan};
    }
};

}  // namespace engage::kernels
