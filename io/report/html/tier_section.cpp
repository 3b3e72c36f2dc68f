// "Engagement tiers": customers per tier at the as-of date beside the same count at the trend
// date, and the corporate tier migration between the two dates.
#include <algorithm>
#include <array>

#include "io/report/html/axes.hpp"
#include "io/report/html/format.hpp"
#include "io/report/html/json_path.hpp"
#include "io/report/html/page.hpp"
#include "io/report/html/palette.hpp"
#include "io/report/html/sections.hpp"
#include "io/report/html/table.hpp"
#include "io/report/html/tiers.hpp"

namespace engage::io::html {

namespace {

// The tier's rule under its name, from the model's thresholds (docs/metrics.md, Tiers).
std::string rule(std::size_t tier, const json& report) {
    const std::string fully = or_na(at(report, {"engagement", "model", "fully_engaged_min"}), compact);
    const std::string engaged = or_na(at(report, {"engagement", "model", "engaged_min"}), compact);
    switch (tier) {
        case 0: return "score &ge; " + fully;
        case 1: return "score " + engaged + "&ndash;" + fully;
        case 2: return "score &lt; " + engaged;
        default: return "&lt; " + engaged + ", unhappy, fading";
    }
}

std::string distribution_chart(const json& report, const json& e) {
    const std::string as_of = date(text(at(report, {"engagement", "as_of"})));
    const std::string previous = date(text(at(report, {"engagement", "previous_as_of"})));
    double top = 0;
    for (const char* t : kTierKeys) {
        top = std::max(top, number(at(e, {"tiers", t})));
        top = std::max(top, number(at(e, {"trend", "tiers_previous", t})));
    }
    Svg svg("tier-distribution", 960, 314,
            "Customers per engagement tier on " + as_of + " and on " + previous);
    const Frame f{80, 34, 860, 230};
    const Ticks ticks = nice_ticks(0, top > 0 ? top * 1.08 : 1, 5);
    const LinearScale y{0, ticks.hi(), f.bottom(), f.top};
    axis_left(svg, f, y, ticks, compact, "customers");
    // Legend: a four-colour swatch for the as-of bars (coloured by tier), grey for the trend date.
    for (std::size_t t = 0; t < 4; ++t) svg.rect(f.left + 3 + 3.0 * double(t), 6, 3, 12, tier_colour(t));
    svg.text(f.left + 24, 16, "on " + as_of + " (as-of date)", "start", "legend");
    legend(svg, f.left + 40 + text_width("on " + as_of + " (as-of date)"), 16,
           {{"on " + previous + " (trend date)", "#C9CDD2", LegendItem::box}});
    const double slot = f.width / 4, bar = slot * 0.3;
    const double n_now = number(at(e, {"customers"})), n_prev = number(at(e, {"trend", "customers_previous"}));
    std::vector<double> centres;
    std::vector<std::string> names;
    for (std::size_t t = 0; t < 4; ++t) {
        const double cx = f.left + slot * (double(t) + 0.5);
        const double prev = number(at(e, {"trend", "tiers_previous", kTierKeys[t]}));
        const double now = number(at(e, {"tiers", kTierKeys[t]}));
        const std::string tip_prev = label(kTierKeys[t]) + " on " + previous + ": " + integer(prev) + " customers (" +
                                     percent(n_prev > 0 ? prev / n_prev : NAN) + ")";
        const std::string tip_now = label(kTierKeys[t]) + " on " + as_of + ": " + integer(now) + " customers (" +
                                    percent(n_now > 0 ? now / n_now : NAN) + ")";
        if (finite(prev)) svg.rect(cx - bar - 2, y(prev), bar, y(0) - y(prev), "#C9CDD2", tip_prev);
        if (finite(now)) {
            svg.rect(cx + 2, y(now), bar, y(0) - y(now), tier_colour(t), tip_now);
            svg.text(cx + 2 + bar / 2, y(now) - 18, integer(now), "middle", "value strong");
            svg.text(cx + 2 + bar / 2, y(now) - 5, or_na(at(e, {"tier_shares", kTierKeys[t]}), [](double v) { return percent(v); }),
                     "middle", "value");
        }
        if (finite(prev)) svg.text(cx - 2 - bar / 2, y(prev) - 5, integer(prev), "middle", "value", kInkGrey);
        centres.push_back(cx);
        names.push_back(label(kTierKeys[t]));
        svg.text(cx, f.bottom() + 32, rule(t, report), "middle", "small", kInkGrey);
    }
    category_axis_bottom(svg, f, centres, names, "");
    return svg.str();
}

// Customers per rounded composite score (0-100), stacked by tier, with the tier thresholds:
// engagement.corporate.score_distribution. Empty when report.json has none.
std::string score_histogram(const json& report, const json& e) {
    const json* d = at(e, {"score_distribution"});
    if (!d) return "";
    std::array<const json*, 4> counts{};
    for (std::size_t t = 0; t < 4; ++t) {
        counts[t] = array(at(d, {kTierKeys[t]}));
        if (!counts[t] || counts[t]->size() != 101) return "";
    }
    double top = 0;
    for (std::size_t p = 0; p <= 100; ++p) {
        double sum = 0;
        for (const json* c : counts) sum += number((*c)[p]);
        top = std::max(top, sum);
    }
    const std::string as_of = date(text(at(report, {"engagement", "as_of"})));
    Svg svg("score-distribution", 960, 300, "Customers per composite engagement score on " + as_of + ", by tier");
    const Frame f{80, 34, 860, 210};
    const Ticks yt = nice_ticks(0, top > 0 ? top * 1.05 : 1, 5);
    const LinearScale y{0, yt.hi(), f.bottom(), f.top};
    const LinearScale x{-0.5, 100.5, f.left, f.right()};
    axis_left(svg, f, y, yt, compact, "customers");
    Ticks xt;
    xt.step = 10;
    for (int v = 0; v <= 100; v += 10) xt.values.push_back(v);
    axis_bottom(svg, f, x, xt, compact, "composite engagement score (0&ndash;100, rounded)");
    std::vector<LegendItem> items;
    for (std::size_t t = 0; t < 4; ++t) items.push_back({label(kTierKeys[t]), tier_colour(t), LegendItem::box});
    legend(svg, f.left, 16, items);
    const double w = x(1) - x(0);
    for (std::size_t p = 0; p <= 100; ++p) {
        double base = 0;
        for (std::size_t t = 0; t < 4; ++t) {
            const double n = number((*counts[t])[p]);
            if (!(n > 0)) continue;
            svg.rect(x(double(p)) - w / 2 + 0.5, y(base + n), std::max(w - 1, 0.5), y(base) - y(base + n), tier_colour(t),
                     label(kTierKeys[t]) + ", score " + std::to_string(p) + ": " + integer(n) + " customers");
            base += n;
        }
    }
    for (const char* key : {"engaged_min", "fully_engaged_min"}) {
        const double v = number(at(report, {"engagement", "model", key}));
        if (!finite(v)) continue;
        svg.line(x(v - 0.5), f.top, x(v - 0.5), f.bottom(), kInkGrey, 1, "4 3");
        svg.text(x(v - 0.5) + 4, f.top + 12, std::string(key == std::string("engaged_min") ? "engaged" : "fully engaged") +
                 " &ge; " + compact(v), "start", "small", kInkGrey);
    }
    return svg.str();
}

std::string migration_table(const json& e, const std::string& previous, const std::string& as_of) {
    const json* m = array(at(&e, {"trend", "migration_from_previous_to_now"}));
    if (!m || m->size() != 4) return "";
    std::vector<Column> cols{{"tier on " + previous + " &darr; / on " + as_of + " &rarr;"}};
    for (const char* t : kTierKeys) cols.push_back({label(t), true});
    cols.push_back({"stayed", true, "share of the row's customers still in the same tier"});
    Table table("tier-migration", cols, false);
    for (std::size_t from = 0; from < 4; ++from) {
        const json& row = (*m)[from];
        if (!row.is_array() || row.size() != 4) return "";
        double total = 0;
        for (const auto& v : row) total += number(v);
        std::vector<Cell> cells{{"<span class=\"swatch\" style=\"background:" + std::string(tier_colour(from)) + "\"></span>" +
                                 label(kTierKeys[from])}};
        for (std::size_t to = 0; to < 4; ++to) {
            const double v = number(row[to]);
            const std::string shown = integer(v);
            cells.push_back({from == to ? "<strong>" + shown + "</strong>" : shown, v});
        }
        const double stayed = total > 0 ? number(row[from]) / total : NAN;
        cells.push_back({percent(stayed), stayed});
        table.row(cells);
    }
    return "<h3>Tier movements, corporate</h3>\n" + table.str() +
           note("Customers acquired by both dates: row = tier on " + previous + ", column = tier on " + as_of + ".");
}

std::string histogram_figure(const json& report, const json& e) {
    const std::string chart = score_histogram(report, e);
    if (chart.empty()) return "";
    return figure(chart, "The score distribution: customers per composite score, coloured by their tier. Scores below the "
                         "engaged threshold are not engaged, or actively disengaged when the customer is also unhappy and "
                         "fading. Every count is in <code>score_distribution.csv</code>.");
}

}  // namespace

std::string tier_section(const json& report) {
    const json* e = at(report, {"engagement", "corporate"});
    if (!e || !at(e, {"tiers"})) return omitted("tiers", "Engagement tiers", "No engagement section in report.json.");
    const std::string as_of = date(text(at(report, {"engagement", "as_of"})));
    const std::string previous = date(text(at(report, {"engagement", "previous_as_of"})));
    const std::string caption =
        "Gallup's four customer-engagement tiers, from the composite score (0&ndash;100). Grey: the tiers on " +
        previous + " of the " + or_na(at(e, {"trend", "customers_previous"}), integer) + " customers acquired by then.";
    return section("tiers", "Engagement tiers",
                   "How many customers sit in each tier on " + as_of + ", and how that compares with " + previous + ".",
                   histogram_figure(report, *e) + figure(distribution_chart(report, *e), caption) +
                       migration_table(*e, previous, as_of));
}

}  // namespace engage::io::html
