// "Hierarchy": business units, regions and relationship managers as sortable tables with trend
// arrows. A level with many groups shows its top and bottom groups by mean score; every group is
// in engagement.csv.
#include <algorithm>

#include "io/report/html/format.hpp"
#include "io/report/html/json_path.hpp"
#include "io/report/html/page.hpp"
#include "io/report/html/palette.hpp"
#include "io/report/html/sections.hpp"
#include "io/report/html/svg.hpp"
#include "io/report/html/table.hpp"
#include "io/report/html/tiers.hpp"

namespace engage::io::html {

namespace {

// A level of up to kShowAllUpTo groups is shown whole (sortable, filterable); a longer one by its
// top and bottom kEnds groups by mean score, so that the page stays a few MB at 400,000 managers.
constexpr std::size_t kEnds = 1000;
constexpr std::size_t kShowAllUpTo = 2 * kEnds;
constexpr std::size_t kTallFrom = 25;  // rows from which a table scrolls in a box of its own

// A group's place in the top/bottom order: its mean score, an undefined one last.
double rank_key(double mean_score) { return finite(mean_score) ? mean_score : -1e300; }

// A 100 x 10 stacked bar of the group's tier shares (not a chart of its own: class "spark").
std::string tier_spark(const json* g) {
    std::string out = "<svg class=\"spark\" viewBox=\"0 0 100 10\" width=\"100\" height=\"10\" aria-hidden=\"true\">";
    double acc = 0;
    for (std::size_t t = 0; t < 4; ++t) {
        const double s = number(at(g, {"tier_shares", kTierKeys[t]}));
        if (!finite(s) || s <= 0) continue;
        out += "<rect x=\"" + coord(acc * 100) + "\" y=\"0\" width=\"" + coord(s * 100) + "\" height=\"10\" fill=\"" +
               tier_colour(t) + "\"/>";
        acc += s;
    }
    return out + "</svg>";
}

std::vector<Column> columns(const std::string& name_header, const std::string& money) {
    return {{name_header},
            {"customers", true, "customers acquired by the as-of date"},
            {"mean score", true, "mean composite engagement score, 0-100"},
            {"95 % interval", true, "t interval of the mean score (docs/metrics.md); sorts by its lower end"},
            {"trend", true, "change of the mean score since the trend date"},
            {"tier mix", false, "fully engaged, engaged, not engaged, actively disengaged"},
            {"fully engaged", true},
            {"actively disengaged", true},
            {"NPS", true, "Net Promoter Score of the last survey answers in the window"},
            {"share of wallet", true},
            {"revenue", true, "purchase revenue in the window, " + money},
            {"revenue at risk", true, "revenue of not engaged and actively disengaged customers, " + money}};
}

void add_row(Table& table, const json* g, bool other) {
    auto cell = [&](std::initializer_list<std::string_view> path, std::string (*f)(double)) {
        const double v = number(at(g, path));
        const json* x = at(g, path);
        return Cell{finite(v) ? f(v) : x && x->is_null() && path.begin()->starts_with("revenue") ? "unavailable" : "n/a", v};
    };
    auto share = [](double v) { return percent(v); };
    auto score = [](double v) { return fixed(v, 1); };
    auto nps = [](double v) { return signed_fixed(v, 1); };
    const double change = number(at(g, {"trend", "change"}));
    const double low = number(at(g, {"mean_score_ci95", "low"})), high = number(at(g, {"mean_score_ci95", "high"}));
    const Cell interval = finite(low) && finite(high) ? Cell{fixed(low, 1) + "&ndash;" + fixed(high, 1), low} : Cell{"n/a"};
    table.row({{escape(text(at(g, {"name"})))},
               cell({"customers"}, integer),
               cell({"mean_score"}, score),
               interval,
               {trend_arrow(change, 0.5, 1), change},
               {tier_spark(g)},
               cell({"tier_shares", "fully_engaged"}, share),
               cell({"tier_shares", "actively_disengaged"}, share),
               cell({"nps", "nps"}, nps),
               cell({"share_of_wallet", "share"}, share),
               cell({"revenue"}, compact),
               cell({"revenue_at_risk"}, compact)},
              other ? "other" : "");
}

std::string level_table(const std::string& name, const std::string& header, const std::vector<const json*>& groups,
                        const json* other, const std::string& money) {
    Table table(name, columns(header, money));
    for (const json* g : groups) add_row(table, g, false);
    if (other) add_row(table, other, true);
    if (table.rows() >= kTallFrom) table.tall();
    // A table long enough to scroll can be filtered by name.
    const std::string filter = table.rows() >= kTallFrom
        ? "<p class=\"filter\"><label>Filter: <input type=\"search\" data-filter=\"" + name + "\" placeholder=\"name\"></label></p>\n"
        : "";
    return filter + table.str();
}

// The groups of `level` in report order; `other` is the folded small groups when shown.
struct Level {
    std::vector<const json*> groups;
    std::size_t total = 0;  // groups in the level: groups.size(), or more when only the shown ones are here
    const json* other = nullptr;
    double suppressed = 0;
};
Level read_level(const json& report, const char* key) {
    Level l;
    const json* groups = at(report, {"engagement", key, "groups"});
    const json* total = nullptr;
    if (groups && groups->is_object()) {  // a long level: the groups shown, of how many (shown_groups)
        total = at(groups, {"total"});
        groups = at(groups, {"shown"});
    }
    if (groups && groups->is_array())
        for (const json& g : *groups)
            if (g.is_object()) l.groups.push_back(&g);
    const json* other = at(report, {"engagement", key, "other"});
    if (other && other->is_object()) l.other = other;
    const double n = number(total);
    l.total = finite(n) && n >= double(l.groups.size()) ? std::size_t(n) : l.groups.size();
    l.suppressed = number(at(report, {"engagement", key, "suppressed_groups"}));
    return l;
}

// A level's tables: all groups when few, else the top and bottom kEnds by mean score (ties in
// report order, so the choice is deterministic).
std::string level_html(const Level& l, const std::string& table_name, const std::string& heading,
                       const std::string& singular, const std::string& plural, const std::string& money) {
    if (l.groups.empty() && !l.other) return "";
    std::string out = "<h3>" + heading + "</h3>\n";
    if (l.total <= kShowAllUpTo) {
        out += level_table(table_name, singular, l.groups, l.other, money);
    } else {
        std::vector<const json*> order = l.groups;
        std::stable_sort(order.begin(), order.end(), [](const json* a, const json* b) {
            return rank_key(number(at(a, {"mean_score"}))) > rank_key(number(at(b, {"mean_score"})));
        });
        const std::vector<const json*> top(order.begin(), order.begin() + kEnds);
        std::vector<const json*> bottom(order.end() - kEnds, order.end());
        std::reverse(bottom.begin(), bottom.end());
        out += note("Showing the " + integer(double(kEnds)) + " highest and " + integer(double(kEnds)) +
                    " lowest of " + integer(double(l.total)) + " " + plural +
                    " by mean engagement score. The full table, every business unit, region and relationship manager, "
                    "is in <code>engagement.csv</code>.");
        out += "<h3>Top " + integer(double(kEnds)) + "</h3>\n" + level_table(table_name + "-top", singular, top, nullptr, money);
        out += "<h3>Bottom " + integer(double(kEnds)) + "</h3>\n" +
               level_table(table_name + "-bottom", singular, bottom, nullptr, money);
        if (l.other) out += level_table(table_name + "-other", singular, {}, l.other, money);
    }
    if (l.suppressed > 0)
        out += note(integer(l.suppressed) + " " + plural + " below the minimum group size are folded into &ldquo;other&rdquo;" +
                    (l.other ? "." : ", which is itself below it and not shown."));
    return out;
}

}  // namespace

std::vector<std::size_t> shown_groups(const std::vector<double>& mean_scores) {
    std::vector<std::size_t> order(mean_scores.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    if (order.size() <= kShowAllUpTo) return order;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return rank_key(mean_scores[a]) > rank_key(mean_scores[b]);
    });
    std::vector<std::size_t> shown(order.begin(), order.begin() + kEnds);
    shown.insert(shown.end(), order.end() - kEnds, order.end());
    std::sort(shown.begin(), shown.end());
    return shown;
}

std::string hierarchy_section(const json& report) {
    const Level units = read_level(report, "business_units");
    const Level regions = read_level(report, "regions");
    const Level rms = read_level(report, "relationship_managers");
    const std::string money = escape(text(at(report, {"currency"}), "currency units"));
    const std::string body = level_html(units, "business-units", "Business units", "business unit", "business units", money) +
                             level_html(regions, "regions", "Regions", "region", "regions", money) +
                             level_html(rms, "relationship-managers", "Relationship managers", "relationship manager",
                                        "relationship managers", money);
    if (body.empty()) return omitted("hierarchy", "Hierarchy", "No hierarchy groups in report.json's engagement section.");
    return section("hierarchy", "Hierarchy: business units, regions, relationship managers",
                   "Click a column header to sort. Trend: change of the mean score since " +
                       date(text(at(report, {"engagement", "previous_as_of"}))) +
                       " (&#9650; up, &#9660; down, &#9654; within &plusmn;0.5 points as shown). The interval is the 95 % t interval of the "
                       "mean score. Groups below " +
                       or_na(at(report, {"engagement", "model", "min_group_size"}), integer) +
                       " customers are not shown on their own.",
                   body);
}

}  // namespace engage::io::html
