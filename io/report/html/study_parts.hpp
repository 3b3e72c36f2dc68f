#pragma once
// The parts of the retention-study section (report.json's "study", issue 5). The field names
// are read in these study_*.cpp files only, so a change of that section's shape is adjusted
// here. Each part returns "" when its data is absent.
#include <nlohmann/json.hpp>

#include <string>

namespace engage::io::html {

using json = nlohmann::ordered_json;

// Heatmaps of Spearman and Pearson correlations of the corporate group, and the score-retention
// correlations of every group.
std::string study_correlation(const json& study);
// Churn and revenue lift by score decile of one backtest entry.
std::string study_lift(const json& entry);
// Predicted P(alive) against the observed active share of one backtest entry.
std::string study_calibration(const json& entry);
// The seed claims (published figures) against this base, with their intervals.
std::string study_claims(const json& study);
// AUC of each predictor over the backtest's as-of dates.
std::string study_backtest(const json& study);

}  // namespace engage::io::html
