#pragma once
// The corporate report of `engage score` as one JSON document (report.json), and the CSV
// tables printed from that same document, so both always carry the same numbers. Nothing in
// it depends on how the run was executed (ranks, threads, timings: those go to run.json).
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <utility>

#include "report/score_summary.hpp"

namespace engage::io {

struct CustomerBaseMeta;

struct ScoreReportInfo {
    std::string input;
    std::string as_of;          // YYYY-MM-DD
    std::string window_start;   // YYYY-MM-DD, first day of the scoring window
    std::int64_t window_days = 0;
    std::uint64_t shards = 0;
    std::int64_t min_group_size = 1;  // smaller business units are folded into "other"
    std::string currency = "currency units";  // what money is in (--currency), for people
};

nlohmann::ordered_json build_score_report(const kernels::ScoreSummary& summary,
                                          const CustomerBaseMeta& meta, const ScoreReportInfo& info);

// Writes `report` (indented, newline-terminated) to path; throws IoError on failure.
void write_json(const nlohmann::ordered_json& report, const std::string& path);

// A CSV table of a report: file name -> content. A table too long to hold (a row per
// relationship manager) has `more_rows` rows after `content`, printed one at a time by `row(i)`
// (on the rank's threads: `row` must be safe to call on several at once), then `tail`.
struct CsvTable {
    CsvTable(std::string name_, std::string content_) : name(std::move(name_)), content(std::move(content_)) {}
    std::string name;
    std::string content;
    std::size_t more_rows = 0;
    std::function<std::string(std::size_t)> row;
    std::string tail;

    std::string whole() const;  // the whole table as one string (tests and small tables)
};
std::vector<CsvTable> score_report_tables(const nlohmann::ordered_json& report);

void write_text(const std::string& content, const std::string& path);
void write_table(const CsvTable& table, const std::string& path);

}  // namespace engage::io
