#include "io/report/html_report.hpp"

#include <exception>
#include <functional>

#include "io/report/html/format.hpp"
#include "io/report/html/json_path.hpp"
#include "io/report/html/page.hpp"
#include "io/report/html/sections.hpp"

namespace engage::io {

namespace {

using json = nlohmann::ordered_json;

// A section that meets data of an unexpected shape is replaced by a note: report.html never
// fails the run that has just produced report.json.
std::string guarded(const char* id, const char* heading, const std::function<std::string()>& draw) {
    try {
        return draw();
    } catch (const std::exception& e) {
        return html::omitted(id, heading,
                             "This section could not be drawn from report.json (" + html::escape(e.what()) +
                                 "); the numbers are in report.json and the CSV tables.");
    }
}

}  // namespace

std::string html_report(const json& report, const json& run) {
    using namespace html;
    std::string body = guarded("summary", "Summary", [&] { return header_section(report); });
    body += guarded("tiers", "Engagement tiers", [&] { return tier_section(report); });
    body += guarded("business-units", "Tier mix by business unit", [&] { return business_unit_section(report); });
    // Only for a base with touches (issue 18): other reports' pages stay as they were.
    if (report.contains("touches"))
        body += guarded("touches", "Offered and chosen", [&] { return touches_section(report); });
    body += guarded("risk", "Accounts at risk", [&] { return risk_section(report); });
    body += guarded("hierarchy", "Hierarchy", [&] { return hierarchy_section(report); });
    body += guarded("survival", "Survival by engagement tier", [&] { return survival_section(report); });
    body += guarded("cohorts", "Cohort retention", [&] { return cohort_section(report); });
    body += guarded("models", "Purchase models", [&] { return models_section(report); });
    body += guarded("study", "Retention study", [&] { return study_section(report); });
    body += guarded("run", "Run", [&] { return run_section(run); });
    body += "<footer>Engage " + escape(text(at(run, {"engage_version"}), "")) +
            " &middot; the results on this page are in report.json and the CSV tables beside it, the run details in "
            "run.json.</footer>\n";
    return page("Engage report, as of " + date(text(at(report, {"as_of"}), "n/a")), body);
}

}  // namespace engage::io
