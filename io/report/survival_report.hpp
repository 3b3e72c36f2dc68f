#pragma once
// The "survival" section of report.json: the forward-looking (landmark) view of churn after the
// as-of date T (Kaplan-Meier by tier at T, the log-rank test, the Cox model of churn on the
// covariates at T), and its CSV tables landmark_survival.csv (the life tables) and cox.csv (the
// coefficients and hazard ratios), printed from that same document.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "io/report/score_report.hpp"
#include "survival/concordance.hpp"
#include "survival/cox.hpp"
#include "survival/landmark_cox.hpp"
#include "survival/survival_counts.hpp"

namespace engage::io {

struct SurvivalReportInput {
    std::string as_of, follow_up_end;  // T and T + H, YYYY-MM-DD
    std::int32_t follow_up_days = 0;   // H
    std::string churn;                 // the churn definition, in words
    const kernels::SurvivalCounts* survival = nullptr;  // groups: tiers at T; days after T
    const kernels::CoxDesign* design = nullptr;
    const kernels::CoxFit* fit = nullptr;  // null: no model (no covariate entered)
    std::int64_t model_customers = 0, model_events = 0;
    const kernels::Concordance* concordance = nullptr;  // Harrell's C of the linear predictor
    double predictor_lo = 0, predictor_hi = 0;          // its range (the keys' bins)
    int concordance_keys = 0;
    const kernels::CoxZph* zph = nullptr;               // the proportional-hazards test
    struct Horizon {
        std::int32_t days;
        double auc, brier, cumulative_hazard;
    };
    std::vector<Horizon> horizons;  // time-dependent AUC and Brier score at 30/90/180/365 days <= H
};

nlohmann::ordered_json survival_report(const SurvivalReportInput& in);
std::vector<CsvTable> survival_tables(const nlohmann::ordered_json& survival);

}  // namespace engage::io
