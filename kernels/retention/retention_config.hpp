#pragma once
// Parameters of the retention study that `engage score --retention` runs with the scoring: the
// as-of date is the end of the calibration period (docs/metrics.md, "Retention").
#include <cstdint>
#include <string>
#include <vector>

#include "cohort/cohort_calendar.hpp"

namespace engage::kernels {

// The model of the per-customer P(alive), expected transactions and CLV (--prediction-model).
enum class PredictionModel { bg_nbd, pareto_nbd };

struct RetentionConfig {
    bool enabled = false;
    std::int32_t holdout_days = 0;      // repeat transactions counted in (as-of, as-of + holdout]
    std::int32_t churn_days = 90;       // non-contractual churn: this many days without interaction
    std::string cancel_channel;         // contractual churn: the first interaction on this channel
    int cancel_code = -1;               // its code in the file's dictionary (-1: non-contractual)
    CohortUnit cohort_unit = CohortUnit::month;
    std::int32_t cohort_periods = 12;
    std::vector<std::int32_t> cohort_brackets;              // bounds of period brackets; empty: one per period
    CohortWindow cohort_window = CohortWindow::calendar;     // calendar or rolling periods
    std::string cohort_by = "business_unit";                 // breakdown: business_unit, region, segment, rm
    std::int64_t cohort_min_size = 1;                        // smaller cohorts and groups are suppressed
    std::string cohort_show = "on";                          // report.html's heatmap: on, on_or_after, revenue
    std::int32_t horizon_weeks = 52;    // expected transactions and CLV over this horizon
    double annual_discount_rate = 0.10; // CLV discounting
    std::int32_t opportunity_days = 0;  // > 0: BG/BB on discrete opportunities of this many days
    PredictionModel prediction_model = PredictionModel::bg_nbd;
};

inline const char* prediction_model_name(PredictionModel m) noexcept {
    return m == PredictionModel::pareto_nbd ? "pareto_nbd" : "bg_nbd";
}

}  // namespace engage::kernels
