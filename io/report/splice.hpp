#pragma once
// Lists of a report too long to hold as JSON: one entry per relationship manager is 400,000
// entries and 742 MB of report.json at 100 M customers, several GB as an in-memory document.
// The document holds a marker where the list goes; write_json prints each list one entry at a
// time, each written as text (io/report/json_text.hpp) rather than built as a json value, and the
// file is byte for byte what report.dump(2) would print had the list been in it. CSV tables do
// the same with `CsvTable::more_rows`.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "io/report/json_text.hpp"

namespace engage::io {

struct Splice {
    std::string pointer;   // where the list goes in the report (a JSON pointer)
    std::size_t count = 0;
    std::function<void(std::size_t, JsonText&)> entry;  // writes entry i; called on several threads at once
    nlohmann::ordered_json entry_json(std::size_t i) const;  // entry i as a json value
    // What stays in the in-memory report once report.json is written (for report.html).
    nlohmann::ordered_json shown;

    // The string value that stands in for the list in the document.
    std::string marker() const { return "\x01splice:" + pointer; }
    // The whole list, as one JSON array (tests and small reports).
    nlohmann::ordered_json whole() const;
};

// `report` (indented by 2, newline-terminated) to path with each splice's list in place of its
// marker; throws IoError on failure or when a marker is not in the document.
void write_json(const nlohmann::ordered_json& report, const std::vector<Splice>& splices, const std::string& path);

// Each splice's marker replaced by its `shown` value (after write_json), or by its whole list.
void replace_markers(nlohmann::ordered_json& report, const std::vector<Splice>& splices, bool whole = false);

}  // namespace engage::io
