#pragma once
// report.html: one self-contained page (inline CSS, SVG charts and script; no network) rendered
// from the run's report.json document and its run.json record, never recomputed.
#include <nlohmann/json.hpp>

#include <string>

namespace engage::io {

std::string html_report(const nlohmann::ordered_json& report, const nlohmann::ordered_json& run);

}  // namespace engage::io
