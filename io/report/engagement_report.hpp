#pragma once
// The engagement section of report.json and its CSV tables (engagement.csv: every level of
// the hierarchy; tier_migration.csv: the trend's tier migration), printed from one JSON
// document. Groups smaller than the configured minimum are folded into an "other" row.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "engagement/engagement_config.hpp"
#include "io/report/score_report.hpp"
#include "io/report/splice.hpp"
#include "report/engagement_summary.hpp"
#include "stats/rank_correlation.hpp"

namespace engage::io {

struct CustomerBaseMeta;

// report.json's "engagement" section, with the relationship managers' groups (one per manager)
// left as a splice (io/report/splice.hpp) at /engagement/relationship_managers/groups: its
// entries are built from `summary` and `meta` when written, so both must outlive it.
struct EngagementReport {
    nlohmann::ordered_json section;
    Splice relationship_managers;
};

EngagementReport engagement_report(const kernels::EngagementSummary& summary,
                                         const kernels::TierScoreHistogram& score_by_tier,
                                         const kernels::RankCorrelation& truth,
                                         const kernels::EngagementConfig& config,
                                         const std::array<bool, kernels::kDimensions>& signal,
                                         const CustomerBaseMeta& meta, const std::string& as_of,
                                         const std::string& previous_as_of);

// The tables; engagement.csv's relationship-manager rows are printed from the splice's entries
// when written (so what they are built from must outlive the tables).
std::vector<CsvTable> engagement_tables(const EngagementReport& report);

}  // namespace engage::io
