#pragma once
// The study section of report.json (backtests over the as-of dates, seed claims and the
// correlation matrices) and its CSV tables (backtest.csv, lift.csv, calibration.csv,
// claims.csv, correlations.csv), printed from one JSON document.
#include <nlohmann/json.hpp>

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "io/report/score_report.hpp"
#include "study/baselines.hpp"
#include "study/claims.hpp"
#include "study/correlation.hpp"
#include "study/revenue_regression.hpp"
#include "study/sentiment_coverage.hpp"

namespace engage::io {

struct CustomerBaseMeta;

struct StudyDate {
    std::string as_of, horizon_end;  // YYYY-MM-DD
    kernels::BacktestResult result;
    bool wallets_known = true;       // the base's wallets were known at as_of, and used
};

// The baselines of a date (jobs/baseline_stage.hpp).
struct BaselineDate {
    std::string as_of;
    kernels::BaselineResult result;
};

struct StudyReportInput {
    kernels::SentimentCoverage::Result sentiment;  // the as-of date's
    kernels::RevenueRegressionResult revenue_regression;  // the as-of date's
    std::span<const StudyDate> dates;  // ascending
    std::span<const BaselineDate> baselines;  // any order; a date without: none reported
    std::string as_of;                 // the run's as-of date, one of the dates
    std::int32_t horizon_days = 0;
    std::int64_t min_group_size = 1;
    std::string churn_definition;      // in words, for the report's reader
    bool planted = false;              // the input has planted truth: report the planted outcome too
    // The correlations of the as-of date: its variables in matrix order, and per group its kind
    // ("corporate", "business_unit", "acquisition_year") and name.
    const kernels::CorrelationResult* correlation = nullptr;
    std::span<const char* const> variables;
    std::vector<std::pair<std::string, std::string>> correlation_groups;
    int key_bits = 0;
};

nlohmann::ordered_json study_report(const StudyReportInput& in, const CustomerBaseMeta& meta);

std::vector<CsvTable> study_tables(const nlohmann::ordered_json& study);

}  // namespace engage::io
