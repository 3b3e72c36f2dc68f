// "Cohort retention": the corporate cohort matrix (first-time entry) of report.json's
// retention.cohorts as a heatmap, cohorts down, periods (or brackets of periods) since entry
// across, with the mean row weighted by cohort size. retention.cohorts.show picks the matrix:
// "on" (active in the period), "on_or_after" (then or later) or "revenue" (revenue retention);
// a cell's tooltip gives its Wilson 95 % interval; withheld (small) cohorts are labelled.
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
    std::vector<double> lower, upper;  // Wilson 95 % interval of each rate, when there is one
    bool withheld = false;             // fewer customers than the minimum: no rates
};

// The matrix drawn: its rate key, interval keys and the words of its tooltip and legend.
struct Shown {
    const char* rates;
    const char* lower;
    const char* upper;
    const char* mean;
    const char* mean_lower;
    const char* mean_upper;
    const char* what;  // "active", "active then or later", "of period-0 revenue"
};

Shown shown_matrix(const std::string& show) {
    if (show == "on_or_after")
        return {"rolling_retention", "rolling_lower", "rolling_upper", "mean_rolling_weighted_by_size", "", "",
                "active then or later"};
    if (show == "revenue") return {"revenue_retention", "", "", "mean_revenue_retention", "", "", "of period-0 revenue"};
    return {"retention", "retention_lower", "retention_upper", "mean_weighted_by_size", "mean_lower", "mean_upper",
            "active"};
}

std::vector<double> numbers(const json* values) {
    std::vector<double> out;
    if (const json* a = array(values))
        for (const json& v : *a) out.push_back(number(v));
    return out;
}

// `entry`: the first column is the entry period itself (100% by definition, drawn grey and kept
// out of the colour scale); false when the first bracket starts after period 0, or when it
// spans more than period 0 and revenue is shown.
std::string heatmap(const std::vector<Row>& rows, const std::vector<std::string>& columns, const std::string& unit,
                    const Shown& shown, bool entry) {
    const std::size_t periods = columns.size();
    const double label_w = 170, top = 64, cell_h = 20;
    const double cell_w = std::min(64.0, (960.0 - label_w - 16) / double(std::max<std::size_t>(periods, 1)));
    const double height = top + cell_h * double(rows.size()) + 60;
    Svg svg("cohort-heatmap", 960, height, "Cohort retention heatmap: share of each cohort active in each period since entry");
    // The colour scale spans the rates after the entry period (rounded out to 5%): the entry period
    // is 100% by definition and would otherwise wash out every other cell.
    double lo = 1, hi = 0;
    for (const Row& r : rows)
        for (std::size_t k = entry ? 1 : 0; k < r.rates.size(); ++k)
            if (finite(r.rates[k])) lo = std::min(lo, r.rates[k]), hi = std::max(hi, r.rates[k]);
    lo = std::floor(lo * 20) / 20;
    hi = std::ceil(hi * 20) / 20;
    if (hi <= lo) lo = 0, hi = 1;
    auto shade = [&](double v) { return sequential((v - lo) / (hi - lo)); };
    svg.text(label_w + cell_w * double(periods) / 2, 16, escape(unit) + "s since entry", "middle", "axis-title");
    for (std::size_t k = 0; k < periods; ++k)
        svg.text(label_w + cell_w * (double(k) + 0.5), top - 8, escape(columns[k]), "middle", "tick");
    svg.text(label_w - 8, top - 8, "cohort (customers)", "end", "axis-title");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Row& r = rows[i];
        const double y0 = top + cell_h * double(i) + (r.mean ? 6 : 0);
        svg.text(label_w - 8, y0 + 14,
                 r.label + (finite(r.customers) ? " (" + compact(r.customers) + ")" : r.withheld ? " (withheld)" : ""),
                 "end", r.mean ? "strong" : "");
        for (std::size_t k = 0; k < periods && k < r.rates.size(); ++k) {
            const double v = r.rates[k];
            if (!finite(v)) continue;
            const std::string fill = k == 0 && entry ? std::string("#E9ECEF") : shade(v);
            const bool bracket = columns[k].find('-') != std::string::npos;  // "3-5": months 3-5
            std::string tip = r.label + ", " + unit + (bracket ? "s " : " ") + escape(columns[k]) + ": " + percent(v) +
                              " " + shown.what;
            if (k < r.lower.size() && k < r.upper.size() && finite(r.lower[k]) && finite(r.upper[k]))
                tip += " (95% interval " + percent(r.lower[k], 1) + " to " + percent(r.upper[k], 1) + ")";
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
    svg.text(label_w + lw + 16, ly + 9,
             std::string(shown.rates == std::string("retention") ? "share of the cohort active"
                         : shown.rates == std::string("rolling_retention") ? "share of the cohort active then or later"
                                                                          : "revenue per period over period-0 revenue") +
                 (entry ? " (entry period: 100%, grey)" : ""),
             "start", "small", kInkGrey);
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
    const Shown shown = shown_matrix(text(at(report, {"retention", "cohorts", "show"}), "on"));
    std::size_t periods = 0;
    std::vector<Row> rows;
    const std::size_t first = cohorts->size() > kMaxCohorts ? cohorts->size() - kMaxCohorts : 0;
    for (std::size_t i = first; i < cohorts->size(); ++i) {
        const json& c = (*cohorts)[i];
        Row r;
        r.label = period(text(at(c, {"cohort"})), unit);
        r.customers = number(at(c, {"customers"}));
        r.rates = numbers(at(c, {shown.rates}));
        r.lower = numbers(at(c, {shown.lower}));
        r.upper = numbers(at(c, {shown.upper}));
        if (const json* w = at(c, {"suppressed"}); w && w->is_boolean()) r.withheld = w->get<bool>();
        periods = std::max(periods, r.rates.size());
        rows.push_back(std::move(r));
    }
    if (const json* mean = array(at(matrix, {shown.mean}))) {
        Row r;
        r.label = "All cohorts";
        r.rates = numbers(mean);
        r.mean = true;
        r.lower = numbers(at(matrix, {shown.mean_lower}));
        r.upper = numbers(at(matrix, {shown.mean_upper}));
        rows.push_back(std::move(r));
    }
    // The first column is the entry period unless the first bracket starts later, or spans more
    // periods while revenue (not activity, which period 0 makes 100%) is shown.
    bool entry = true;
    if (const json* b = array(at(report, {"retention", "cohorts", "brackets"}));
        b && !b->empty() && (*b)[0].is_array() && (*b)[0].size() == 2) {
        const double lo = number((*b)[0][0]), hi = number((*b)[0][1]);
        entry = lo == 0 && (hi == 0 || shown.rates != std::string("revenue_retention"));
    }
    // Column labels: the period, or a bracket's first and last period ("3-5").
    std::vector<std::string> columns;
    const json* brackets = array(at(report, {"retention", "cohorts", "brackets"}));
    for (std::size_t k = 0; k < periods; ++k) {
        std::string label = integer(double(k));
        if (brackets && k < brackets->size() && (*brackets)[k].is_array() && (*brackets)[k].size() == 2) {
            const double lo = number((*brackets)[k][0]), hi = number((*brackets)[k][1]);
            label = hi > lo ? integer(lo) + "-" + integer(hi) : integer(lo);
        }
        columns.push_back(label);
    }
    std::string notes;
    if (first > 0)
        notes = note("The " + integer(double(kMaxCohorts)) + " most recent of " + integer(double(cohorts->size())) +
                     " cohorts are drawn; every cohort is in <code>cohort_retention.csv</code>.");
    const std::string u = escape(unit);
    const std::string what = shown.rates == std::string("retention")
                                 ? "the share of its customers active in that " + u + " after entry"
                             : shown.rates == std::string("rolling_retention")
                                 ? "the share of its customers active in that " + u + " after entry or any later one"
                                 : "its revenue per " + u + " over its revenue in the entry " + u;
    const std::string caption =
        "Each row is a " + u + "ly acquisition cohort (customers by first interaction); each cell " + what +
        ". Blank: not yet observed by the as-of date. "
        "All cohorts: the mean weighted by cohort size over the cohorts that have reached the period (younger and "
        "withheld cohorts left out). Hover a cell for its 95% Wilson interval. Retention on or after a period, revenue "
        "retention, the recurring-entry matrix and one matrix per group of the breakdown are in "
        "<code>cohort_retention.csv</code> and <code>report.json</code>.";
    return section("cohorts", "Cohort retention",
                   "Do newer customers stay as well as older ones? Read down a column to compare cohorts at the same age.",
                   figure(heatmap(rows, columns, unit, shown, entry), caption) + notes);
}

}  // namespace engage::io::html
