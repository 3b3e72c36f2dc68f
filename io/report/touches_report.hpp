#pragma once
// report.json's "touches" section (offered vs chosen engagement, support responsiveness against
// the 5-minute expectation, the ideas funnel, the stage mix) and touches.csv, from the reduced
// TouchesSummary (kernels/touches/touches_summary.hpp); docs/data-format.md, section 5.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "io/report/score_report.hpp"
#include "touches/touches_summary.hpp"

namespace engage::io {

struct CustomerBaseMeta;

nlohmann::ordered_json touches_report(const kernels::TouchesSummary& summary, const CustomerBaseMeta& meta,
                                      const std::string& as_of, const std::string& previous_as_of,
                                      std::int64_t min_group_size);
// One row per group of the section: corporate, then each level's shown groups and "other".
CsvTable touches_table(const nlohmann::ordered_json& section);

}  // namespace engage::io
