#pragma once
// The engagement section of report.json and its CSV tables (engagement.csv: every level of
// the hierarchy; tier_migration.csv: the trend's tier migration), printed from one JSON
// document. Groups smaller than the configured minimum are folded into an "other" row.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "engagement/engagement_config.hpp"
#include "io/report/score_report.hpp"
#include "report/engagement_summary.hpp"
#include "stats/rank_correlation.hpp"

namespace engage::io {

struct CustomerBaseMeta;

nlohmann::ordered_json engagement_report(const kernels::EngagementSummary& summary,
                                         const kernels::TierScoreHistogram& score_by_tier,
                                         const kernels::RankCorrelation& truth,
                                         const kernels::EngagementConfig& config,
                                         const CustomerBaseMeta& meta, const std::string& as_of,
                                         const std::string& previous_as_of);

std::vector<CsvTable> engagement_tables(const nlohmann::ordered_json& engagement);

}  // namespace engage::io
