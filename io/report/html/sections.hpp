#pragma once
// The sections of report.html, in page order. Each one reads only its part of report.json (or of
// run.json) and returns its HTML; a section whose data is absent returns a one-line note
// (omitted()). The study section, drawn from issue 5's "study", is in study_*.cpp.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace engage::io::html {

using json = nlohmann::ordered_json;

std::string header_section(const json& report);         // title, dates, key numbers, contents
std::string tier_section(const json& report);           // customers per tier, now and at the trend date
std::string business_unit_section(const json& report);  // tier mix per business unit
std::string touches_section(const json& report);        // offered vs chosen, support, ideas, stage mix (issue 18)
std::string risk_section(const json& report);           // accounts at risk, groups by revenue at risk
std::string hierarchy_section(const json& report);      // business unit, region, relationship manager tables
std::string survival_section(const json& report);       // Kaplan-Meier curves per tier, at-risk counts
std::string cohort_section(const json& report);         // cohort retention heatmap
std::string models_section(const json& report);         // purchase-model fits, holdout check
std::string study_section(const json& report);          // correlation, lift, calibration, claims, backtest
std::string run_section(const json& run);               // how the run was executed (run.json)

// Of a hierarchy level's groups (their mean scores in report order, NaN where undefined), the
// ones hierarchy_section shows, in report order: all of a short level, else the top and the
// bottom groups by mean score. A level too long to hold in the report is given to it as
// {"total": count, "shown": these groups} in place of its "groups" array.
std::vector<std::size_t> shown_groups(const std::vector<double>& mean_scores);

}  // namespace engage::io::html
