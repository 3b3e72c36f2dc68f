// "Retention study": report.json's "study" section (issue 5), drawn by the study_*.cpp parts:
// correlations, the seed claims, lift and calibration at the study's as-of date, and the
// backtest over earlier as-of dates.
#include "io/report/html/format.hpp"
#include "io/report/html/json_path.hpp"
#include "io/report/html/page.hpp"
#include "io/report/html/sections.hpp"
#include "io/report/html/study_parts.hpp"

namespace engage::io::html {

namespace {

// The backtest entry at the study's own as-of date, else the latest one.
const json* main_entry(const json& study) {
    const json* backtest = array(at(study, {"backtest"}));
    if (!backtest) return nullptr;
    const std::string as_of = text(at(study, {"as_of"}));
    for (const json& e : *backtest)
        if (text(at(e, {"as_of"})) == as_of) return &e;
    return &backtest->back();
}

}  // namespace

std::string study_section(const json& report) {
    const json* study = at(report, {"study"});
    if (!study || !study->is_object())
        return omitted("study", "Retention study",
                       "No retention study in this report.json: <code>engage score --retention --holdout-days H</code> "
                       "adds the correlations, claims, lift and backtest.");
    std::string body;
    const json* entry = main_entry(*study);
    if (entry) {
        const std::string lift = study_lift(*entry), calibration = study_calibration(*entry);
        if (!lift.empty() || !calibration.empty())
            body += "<h3>Churn and revenue by score decile, as of " + date(text(at(entry, {"as_of"}))) + "</h3>\n" + lift +
                    calibration;
    }
    body += study_claims(*study);
    body += study_correlation(*study);
    body += study_backtest(*study);
    if (body.empty()) body = note("The study section of report.json holds nothing this page can draw.");
    std::string lead = "Does the engagement score predict who stays and who spends? Scores on " +
                       date(text(at(study, {"as_of"}))) + ", outcomes to " + date(text(at(study, {"horizon_end"}))) +
                       " (" + or_na(at(study, {"horizon_days"}), integer) + " days)";
    const std::string population = text(at(study, {"population"}));
    if (!population.empty()) lead += "; population: " + escape(population);
    lead += ".";
    if (const json* min = at(study, {"min_group_size"}); min && min->is_number())
        lead += " Groups below " + integer(number(min)) + " customers are not reported.";
    return section("study", "Retention study", lead, body);
}

}  // namespace engage::io::html
