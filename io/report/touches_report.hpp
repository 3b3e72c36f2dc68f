#pragma once
// report.json's "touches" section (offered vs chosen engagement, support responsiveness against
// the 5-minute expectation, the ideas funnel, the stage mix) and touches.csv, from the reduced
// TouchesSummary (kernels/touches/touches_summary.hpp); docs/data-format.md, section 5.
#include <cstdint>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "io/report/score_report.hpp"
#include "io/report/splice.hpp"
#include "touches/touches_summary.hpp"

namespace engage::io {

struct CustomerBaseMeta;

// A level's groups as the report reads them: group g at both dates, from the summary that holds
// them or from where rank 0 keeps the relationship managers' groups when they are built range by
// range (jobs/touches_stage.hpp). `read` may be called from several threads at once.
struct TouchesLevelGroups {
    std::size_t count = 0;
    std::function<kernels::TouchesGroups(std::size_t g)> read;
    static TouchesLevelGroups of(const kernels::TouchesSummary& s, int level);  // s must outlive it
};

// The section, with the relationship managers' groups (one entry per manager) left as a splice
// (io/report/splice.hpp) at /touches/relationship_managers/groups, and touches.csv (a row per
// group: corporate, then each level's shown groups and "other"), whose managers' rows are
// likewise printed when written: both from `summary` (the levels above and beside the managers),
// `managers` and `meta`, which must outlive them.
struct TouchesReport {
    nlohmann::ordered_json section;
    Splice relationship_managers;
    CsvTable table{"touches.csv", ""};
};

TouchesReport touches_report(const kernels::TouchesSummary& summary, const TouchesLevelGroups& managers,
                             const CustomerBaseMeta& meta, const std::string& as_of, const std::string& previous_as_of,
                             std::int64_t min_group_size);

}  // namespace engage::io
