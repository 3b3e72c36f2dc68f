#pragma once
// Kaplan-Meier survival curves from SurvivalCounts: the life table at each event time, the
// product-limit estimate S(t), its Greenwood standard error, pointwise log-log confidence
// intervals, and survival-time quantiles (the median) with Brookmeyer-Crowley intervals.
// Finalize only: every input is an integer count, and the arithmetic runs serially in time
// order, so the same counts give the same bits on every rank.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "survival/survival_counts.hpp"

namespace engage::kernels {

struct KaplanMeierRow {
    std::int32_t time = 0;       // days since acquisition: a day with at least one event
    std::int64_t at_risk = 0;    // n_j: survival time >= time
    std::int64_t events = 0;     // d_j: churned on day `time`
    std::int64_t censored = 0;   // q_j: censored in [time, next event time) (the last row: >= time)
    double survival = 0;         // S(time), the product-limit estimate just after the events
    double std_error = 0;        // Greenwood; NaN where S(time) = 0
    double lower = 0, upper = 0; // log-log interval at the curve's level; NaN where S(time) = 0
};

// A survival time quantile: the first event time with S(t) <= 1 - p, and its interval. nullopt
// where the curve (or the band) never falls that low: "not reached".
struct SurvivalQuantile {
    std::optional<std::int32_t> time, lower, upper;
};

struct KaplanMeierCurve {
    double level = 0.95;                   // confidence level of the intervals
    std::int64_t subjects = 0;             // customers with a valid survival time
    std::int64_t events = 0;
    std::int64_t censored_before_first = 0;  // censored in [0, first event time)
    std::vector<KaplanMeierRow> rows;      // one per event time, ascending
    SurvivalQuantile median;

    // S(t) of the step function: 1 before the first event time; NaN at every t when there are
    // no subjects (no curve: nothing was observed to survive).
    double survival_at(std::int32_t t) const noexcept;
};

// The curve of one group, or of several groups pooled (e.g. every group: the overall curve).
// `level` in (0, 1), e.g. 0.95; std::invalid_argument otherwise. Groups must be < groups().
KaplanMeierCurve kaplan_meier(const SurvivalCounts& counts, std::span<const std::size_t> groups,
                              double level = 0.95);
KaplanMeierCurve kaplan_meier(const SurvivalCounts& counts, std::size_t group, double level = 0.95);

// The p-quantile of the survival time (p = 0.5: the median), p in (0, 1).
SurvivalQuantile survival_quantile(const KaplanMeierCurve& curve, double p) noexcept;

}  // namespace engage::kernels
