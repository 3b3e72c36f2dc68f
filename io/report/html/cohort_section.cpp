// "Cohort retention": the corporate cohort matrix (first-time entry) of report.json's
// retention.cohorts as a heatmap, cohorts down, periods since entry across, with the mean row
// weighted by cohort size.
#include <algorithm>
#include <cmath>

#include "io/report/html/axes.hpp"
#include "io/report/html/format.hpp"
#include "io/report/html/json_path.hpp"
#include "io/report/html/page.hpp"
#include "io/report/html/palette.hpp"
#include "io/report/html/sections.hpp"

namespace engage::io::html {

namespace {

constexpr std::size_t kMaxCohorts = 36;  // the most recent cohorts drawn; all are in the CSV

struct Row {
    std::string label;        // HTML
    double customers = NAN;
    std::vector<double> rates;
    bool mean = false;
};

std::string heatmap(const std::vector<Row>& rows, std::size_t periods, const std::string& unit) {
    const double label_w = 170, top = 64, cell_h = 20;
    const double cell_w = std::min(64.0, (960.0 - label_w - 16) / double(std::max<std::size_t>(periods, 1)));
    const double height = top + cell_h * double(rows.size()) + 60;
    Svg svg("cohort-heatmap", 960, height, "Cohort retention heatmap: share of each cohort active in each period since entry");
    // The colour scale spans the rates after the entry period (rounded out to 5%): the entry period
    // is 100% by definition and would otherwise wash out every other cell.
    double lo = 1, hi = 0;
    for (const Row& r : rows)
        for (std::size_t k = 1; k < r.rates.size(); ++k)
            if (finite(r.rates[k])) lo = std::min(lo, r.rates[k]), hi = std::max(hi, r.rates[k]);
    lo = std::floor(lo * 20) / 20;
    hi = std::ceil(hi * 20) / 20;
    if (hi <= lo) lo = 0, hi = 1;
    auto shade = [&](double v) { return sequential((v - lo) / (hi - lo)); };
    svg.text(label_w + cell_w * double(periods) / 2, 16, escape(unit) + "s since entry", "middle", "axis-title");
    for (std::size_t k = 0; k < periods; ++k)
        svg.text(label_w + cell_w * (double(k) + 0.5), top - 8, integer(double(k)), "middle", "tick");
    svg.text(label_w - 8, top - 8, "cohort (customers)", "end", "axis-title");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row& r = rows[i];
        const double y0 = top + cell_h * double(i) + (r.mean ? 6 : 0);
        svg.text(label_w - 8, y0 + 14, r.label + (finite(r.customers) ? " (" + compact(r.customers) + ")" : ""), "end",
                 r.mean ? "strong" : "");
        for (std::size_t k = 0; k < periods && k < r.rates.size(); ++k) {
            const double v = r.rates[k];
            if (!finite(v)) continue;
            const std::string fill = k == 0 ? std::string("#E9ECEF") : shade(v);
            const std::string tip = r.label + ", " + unit + " " + integer(double(k)) + ": " + percent(v) + " active";
            svg.rect(label_w + cell_w * double(k) + 1, y0 + 1, cell_w - 2, cell_h - 2, fill, tip);
            if (cell_w >= 30)
                svg.text(label_w + cell_w * (double(k) + 0.5), y0 + 14, percent(v, v < 0.1 && v > 0 ? 1 : 0), "middle",
                         "value", ink_on(fill));
        }
    }
    // Colour legend: a gradient of 10 steps from lo to hi.
    const double ly = height - 30, lw = 240;
    for (int s = 0; s < 10; ++s) svg.rect(label_w + lw * s / 10.0, ly, lw / 10.0 + 0.5, 10, sequential((s + 0.5) / 10.0));
    // Ticks at 0, 25, 50, 75 and 100 % of the legend's range, each with its share.
    for (int q = 0; q <= 4; ++q) {
        const double x = label_w + lw * q / 4.0;
        svg.line(x, ly + 10, x, ly + 14, kInkGrey);
        svg.text(x, ly + 26, percent(lo + (hi - lo) * q / 4.0, 0), "middle", "tick");
    }
    svg.text(label_w + lw + 16, ly + 9, "share of the cohort active (entry period: 100%, grey)", "start", "small", kInkGrey);
    return svg.str();
}

}  // namespace

std::string cohort_section(const json& report) {
    const json* matrix = at(report, {"retention", "cohorts", "corporate"});
    const json* cohorts = array(at(matrix, {"cohorts"}));
    if (!cohorts)
        return omitted("cohorts", "Cohort retention",
                       "No retention study in this run: <code>engage score --retention</code> adds the cohort matrices.");
    const std::string unit = text(at(report, {"retention", "cohorts", "unit"}), "period");
    std::size_t periods = 0;
    std::vector<Row> rows;
    const std::size_t first = cohorts->size() > kMaxCohorts ? cohorts->size() - kMaxCohorts : 0;
    for (std::size_t i = first; i < cohorts->size(); ++i) {
        const json& c = (*cohorts)[i];
        Row r{period(text(at(c, {"cohort"})), unit), number(at(c, {"customers"})), {}, false};
        if (const json* rates = array(at(c, {"retention"})))
            for (const json& v : *rates) r.rates.push_back(number(v));
        periods = std::max(periods, r.rates.size());
        rows.push_back(std::move(r));
    }
    if (const json* mean = array(at(matrix, {"mean_weighted_by_size"}))) {
        Row r{"All cohorts", NAN, {}, true};
        for (const json& v : *mean) r.rates.push_back(number(v));
        rows.push_back(std::move(r));
    }
    std::string notes;
    if (first > 0)
        notes = note("The " + integer(double(kMaxCohorts)) + " most recent of " + integer(double(cohorts->size())) +
                     " cohorts are drawn; every cohort is in <code>cohort_retention.csv</code>.");
    const std::string caption =
        "Each row is a " + escape(unit) + "ly acquisition cohort (customers by first interaction); each cell the share of its "
        "customers active in that " + escape(unit) + " after entry. Blank: not yet observed by the as-of date. "
        "All cohorts: the mean weighted by cohort size. Rolling retention, the recurring-entry matrix and one matrix per "
        "business unit are in <code>cohort_retention.csv</code> and <code>report.json</code>.";
    return section("cohorts", "Cohort retention",
                   "Do newer customers stay as well as older ones? Read down a column to compare cohorts at the same age.",
                   figure(heatmap(rows, periods, unit), caption) + notes);
}

}  // namespace engage::io::html
