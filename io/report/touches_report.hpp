#pragma once
// report.json's "touches" section (offered vs chosen engagement, support responsiveness against
// the 5-minute expectation, the ideas funnel, the stage mix) and touches.csv, from the reduced
// TouchesSummary (kernels/touches/touches_summary.hpp); docs/data-format.md, section 5.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "io/report/score_report.hpp"
#include "io/report/splice.hpp"
#include "touches/touches_summary.hpp"

namespace engage::io {

struct CustomerBaseMeta;

// The section, with the relationship managers' groups (one entry per manager) left as a splice
// (io/report/splice.hpp) at /touches/relationship_managers/groups, and touches.csv (a row per
// group: corporate, then each level's shown groups and "other"), whose managers' rows are
// likewise printed when written: both from `summary` and `meta`, which must outlive them.
struct TouchesReport {
    nlohmann::ordered_json section;
    Splice relationship_managers;
    CsvTable table{"touches.csv", ""};
};

TouchesReport touches_report(const kernels::TouchesSummary& summary, const CustomerBaseMeta& meta,
                             const std::string& as_of, const std::string& previous_as_of, std::int64_t min_group_size);

}  // namespace engage::io
