#pragma once
// The engagement section of report.json and its CSV tables (engagement.csv: every level of
// the hierarchy; tier_migration.csv: the trend's tier migration; score_distribution.csv),
// printed from the same figures of each group. Groups smaller than the configured minimum are
// folded into an "other" row.
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
// left as a splice (io/report/splice.hpp) at /engagement/relationship_managers/groups, and the
// tables, whose relationship-manager rows of engagement.csv are likewise printed when written:
// both are printed from `summary` (the corporation, units and regions), `managers` (its
// relationship managers' groups, or where they are kept when the summary holds a range of them
// only) and `meta`, which must outlive them.
struct EngagementReport {
    nlohmann::ordered_json section;
    Splice relationship_managers;
    std::vector<CsvTable> tables;
};

EngagementReport engagement_report(const kernels::EngagementSummary& summary, const kernels::LevelGroups& managers,
                                         const kernels::TierScoreHistogram& score_by_tier,
                                         const kernels::RankCorrelation& truth,
                                         const kernels::EngagementConfig& config,
                                         const std::array<bool, kernels::kDimensions>& signal,
                                         const CustomerBaseMeta& meta, const std::string& as_of,
                                         const std::string& previous_as_of);

}  // namespace engage::io
