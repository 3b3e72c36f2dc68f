#pragma once
// report.html: one self-contained page (inline CSS, SVG charts and script; no network) rendered
// from the run's report.json document and its run.json record, never recomputed. The sections
// are in io/report/html/; a section whose data is absent (no retention study, no "study") is
// replaced by a one-line note, and one whose data has an unexpected shape by a note too, so this
// never throws on a well-formed JSON value. The output depends only on `report`, except the "Run"
// section and the footer, which show `run`.
#include <nlohmann/json.hpp>

#include <string>

namespace engage::io {

std::string html_report(const nlohmann::ordered_json& report, const nlohmann::ordered_json& run);

}  // namespace engage::io
