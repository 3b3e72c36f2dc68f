#pragma once
// The retention section of report.json (buy-till-you-die fits, holdout comparison, Kaplan-Meier
// by engagement tier with the log-rank test, cohort retention) and its CSV tables
// (cohort_retention.csv, survival.csv), printed from one JSON document.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "cohort/cohort_retention.hpp"
#include "io/report/score_report.hpp"
#include "retention/retention_config.hpp"
#include "retention/bg_bb.hpp"
#include "retention/bg_nbd.hpp"
#include "retention/bgbb_predictions.hpp"
#include "retention/gamma_gamma.hpp"
#include "retention/pareto_nbd.hpp"
#include "retention/regularity.hpp"
#include "stats/exact_sum.hpp"
#include "survival/survival_counts.hpp"

namespace engage::io {

struct CustomerBaseMeta;

struct RetentionReportInput {
    const kernels::BgNbdFit* bg_nbd;
    const kernels::ParetoNbdFit* pareto_nbd;
    const kernels::GammaGammaFit* gamma_gamma;
    std::int64_t calibrated, gamma_gamma_customers;
    double holdout_actual, holdout_bg_nbd, holdout_pareto_nbd;
    const kernels::SurvivalCounts* survival;  // groups: engagement tiers
    const kernels::CohortRetention* cohorts;  // groups: the values of o.cohort_by (cohort_group_names)
    // BG/BB (--opportunity-days), null when not asked for: the fit, the actual counts and the
    // predicted sums of RetentionStage (jobs/retention_stage.hpp).
    const kernels::BgbbFit* bg_bb = nullptr;
    std::span<const std::int64_t> bgbb_actual = {};
    const kernels::ExactSums* bgbb_predicted = nullptr;
    kernels::WheatMorrisonEstimate regularity{0, 0, 0};  // over all ranks' customers
};

// The names of the groups of the cohort breakdown `by` (business_unit, region, segment, rm):
// the base's dictionary of that attribute, in code order.
std::vector<std::string> cohort_group_names(const CustomerBaseMeta& meta, const std::string& by);

nlohmann::ordered_json retention_report(const RetentionReportInput& in, const kernels::RetentionConfig& o,
                                        const CustomerBaseMeta& meta, const std::string& calibration_end,
                                        const std::string& holdout_end);

// One Kaplan-Meier curve as report.json shows it (life table, median, S at 30/90/180/365 days,
// at-risk counts every 10 days): group `group` of `counts`, named `name`.
nlohmann::ordered_json survival_curve_json(const kernels::SurvivalCounts& counts, std::size_t group, const char* name);

std::vector<CsvTable> retention_tables(const nlohmann::ordered_json& retention);

}  // namespace engage::io
