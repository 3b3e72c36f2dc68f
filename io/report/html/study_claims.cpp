// The study's seed claims: each published figure (Gallup's premiums, attrition reduction, share of
// wallet) beside this base's value and its 95% interval, per group, as a dot-and-whisker chart and
// a table.
#include <algorithm>

#include "io/report/html/axes.hpp"
#include "io/report/html/format.hpp"
#include "io/report/html/json_path.hpp"
#include "io/report/html/page.hpp"
#include "io/report/html/palette.hpp"
#include "io/report/html/study_parts.hpp"
#include "io/report/html/table.hpp"

namespace engage::io::html {

namespace {

struct Group {
    std::string name;   // as in report.json (not escaped)
    double value, low, high, n, n_reference;
    bool suppressed;    // withheld for a small group: no value
};

struct Claim {
    std::string label, compares, source;   // as in report.json (not escaped)
    double reference;
    std::vector<Group> groups;
};

std::vector<Claim> read_claims(const json& claims) {
    std::vector<Claim> out;
    for (const json& c : claims) {
        Claim k{text(at(c, {"label"}), text(at(c, {"claim"}), "claim")), text(at(c, {"compares"})),
                text(at(c, {"source"})), number(at(c, {"reference"})), {}};
        if (const json* groups = array(at(c, {"groups"})))
            for (const json& g : *groups) {
                const json* s = at(g, {"suppressed"});
                k.groups.push_back({text(at(g, {"name"}), "group"), number(at(g, {"value"})), number(at(g, {"ci_low"})),
                                    number(at(g, {"ci_high"})), number(at(g, {"n"})), number(at(g, {"n_reference"})),
                                    s && s->is_boolean() && s->get<bool>()});
            }
        if (!k.groups.empty()) out.push_back(std::move(k));
    }
    return out;
}

std::string interval(const Group& g) {
    return finite(g.low) || finite(g.high) ? percent(g.low) + " to " + percent(g.high) : std::string("n/a");
}

// One heading row per claim, then one row per group: the interval (whisker), the estimate (dot)
// and the published figure (diamond).
std::string forest(const std::vector<Claim>& claims) {
    double lo = 0, hi = 0;
    std::size_t rows = 0;
    for (const Claim& c : claims) {
        rows += 1 + c.groups.size();
        if (finite(c.reference)) lo = std::min(lo, c.reference), hi = std::max(hi, c.reference);
        for (const Group& g : c.groups)
            for (double v : {g.value, g.low, g.high})
                if (finite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    }
    const double row = 26, label_w = 240;
    const Frame f{label_w, 40, 960 - label_w - 40, row * double(rows)};
    Svg svg("claims", 960, f.bottom() + 50, "Seed claims: this base's value with its 95% interval against the published figure");
    const Ticks ticks = nice_ticks(lo, hi, 6);
    const LinearScale x{ticks.lo(), ticks.hi(), f.left, f.right()};
    legend(svg, f.left, 18,
           {{"this base, 95% interval", okabe_ito::blue, LegendItem::dot},
            {"published figure", okabe_ito::vermillion, LegendItem::diamond}});
    axis_bottom(svg, f, x, ticks, [](double v) { return percent(v, 0); }, "effect (%)", true);
    svg.line(x(0), f.top, x(0), f.bottom(), kInkGrey, 1);
    double y = f.top;
    for (const Claim& c : claims) {
        svg.rect(0, y, f.right(), row, "#EEF2F6");
        svg.text(8, y + 17, escape(c.label), "start", "strong");
        y += row;
        for (const Group& g : c.groups) {
            const double cy = y + row / 2;
            svg.text(label_w - 12, cy + 4, shorten(g.name, 30), "end");
            if (finite(c.reference))
                svg.path(diamond(x(c.reference), cy, 7), okabe_ito::vermillion, "#FFFFFF", 1, 1, "",
                         escape(c.label) + ": published " + percent(c.reference) + " (" + escape(c.source) + ")");
            if (g.suppressed || !finite(g.value)) {
                svg.text(f.left + 8, cy + 4, g.suppressed ? "withheld: too few customers" : "n/a", "start", "small", kInkGrey);
            } else {
                if (finite(g.low) && finite(g.high)) {
                    svg.line(x(g.low), cy, x(g.high), cy, okabe_ito::blue, 2);
                    svg.line(x(g.low), cy - 5, x(g.low), cy + 5, okabe_ito::blue, 2);
                    svg.line(x(g.high), cy - 5, x(g.high), cy + 5, okabe_ito::blue, 2);
                }
                svg.circle(x(g.value), cy, 5.5, okabe_ito::blue,
                           escape(g.name) + ": " + percent(g.value) + " (95%: " + interval(g) + ")", "#FFFFFF");
            }
            y += row;
        }
    }
    return svg.str();
}

// What the published figures measure, the revenue claim adjusted for past revenue, and who
// says how they feel: the paragraphs under the claims table.
std::string context(const json& study) {
    std::string out = "<p class=\"note\">The published figures measure attitudinal engagement from a survey "
                      "(Gallup's CE11) against the average customer, not a behavioural score like this one: they are "
                      "context, not targets. The values here are raw comparisons between tiers, which move with the "
                      "tier cuts and which past revenue alone can match.</p>\n";
    if (const json* rr = at(study, {"adjusted_claims", "revenue_ratio_per_10_points"}); rr && finite(number(at(rr, {"ratio"})))) {
        const double ratio = number(at(rr, {"ratio"}));
        const bool clustered = finite(number(at(rr, {"ci_low"})));
        const double low = number(at(rr, clustered ? std::initializer_list<std::string_view>{"ci_low"}
                                                   : std::initializer_list<std::string_view>{"ci_low_robust"}));
        const double high = number(at(rr, clustered ? std::initializer_list<std::string_view>{"ci_high"}
                                                    : std::initializer_list<std::string_view>{"ci_high_robust"}));
        out += "<p><strong>Adjusted for past revenue</strong>, 10 more composite points go with " +
               signed_fixed(100 * (ratio - 1), 1) + " % horizon revenue (1 + revenue, 95 % interval " +
               signed_fixed(100 * (low - 1), 1) + " to " + signed_fixed(100 * (high - 1), 1) + " %, " +
               (clustered ? "clustered by " + integer(number(at(rr, {"clusters"}))) + " relationship managers"
                          : std::string("heteroskedasticity-robust")) +
               ", " + integer(number(at(rr, {"customers"}))) + " customers at risk): an association, not the effect "
               "of raising engagement.</p>\n";
    }
    if (const json* a = at(study, {"adjusted_claims", "attrition_odds_ratio_engaged"}); a && finite(number(at(a, {"odds_ratio"})))) {
        const bool clustered = finite(number(at(a, {"ci_low"})));
        const double low = number(at(a, {clustered ? "ci_low" : "ci_low_robust"}));
        const double high = number(at(a, {clustered ? "ci_high" : "ci_high_robust"}));
        out += "<p><strong>Adjusted for recency, frequency and monetary value</strong>, the engaged have " +
               fixed(number(at(a, {"odds_ratio"})), 2) + " times the odds of churning of the others (95 % interval " +
               fixed(low, 2) + " to " + fixed(high, 2) + ", " +
               (clustered ? "clustered by " + integer(number(at(a, {"clusters"}))) + " relationship managers"
                          : std::string("robust")) +
               "; unadjusted " + fixed(number(at(a, {"unadjusted_odds_ratio"})), 2) + ", " +
               integer(number(at(a, {"customers"}))) + " customers at risk): an association, not the effect of "
               "engaging a customer.</p>\n";
    }
    if (const json* sc = at(study, {"sentiment_coverage"}); sc && finite(number(at(sc, {"difference"})))) {
        out += "<p><strong>Who says how they feel:</strong> " + percent(number(at(sc, {"unknown_share"}))) +
               " of the customers at risk gave no sentiment in the window; " +
               percent(number(at(sc, {"churn_rate_unknown"}))) + " of them churned over the horizon against " +
               percent(number(at(sc, {"churn_rate_known"}))) + " of those who did (difference " +
               signed_points(number(at(sc, {"difference"}))) + ", 95 % interval " +
               signed_points(number(at(sc, {"ci_low"}))) + " to " + signed_points(number(at(sc, {"ci_high"}))) +
               ").</p>\n";
    }
    return out;
}

}  // namespace

std::string study_claims(const json& study) {
    const json* data = array(at(study, {"claims"}));
    if (!data) return "";
    const std::vector<Claim> claims = read_claims(*data);
    if (claims.empty()) return "";
    Table table("claims", {{"claim"},
                           {"published", true, "the figure from the literature"},
                           {"source"},
                           {"group"},
                           {"this base", true},
                           {"95% interval"},
                           {"customers", true, "customers behind the value"},
                           {"compared with", true, "customers of the group it is compared with"}},
                false);
    for (const Claim& c : claims)
        for (std::size_t i = 0; i < c.groups.size(); ++i) {
            const Group& g = c.groups[i];
            const bool first = i == 0;
            const std::string claim =
                "<strong>" + escape(c.label) + "</strong>" +
                (c.compares.empty() ? "" : "<br><span class=\"note\">" + escape(c.compares) + "</span>");
            table.row({{first ? claim : ""},
                       {first ? percent(c.reference) : "", c.reference},
                       {first ? escape(c.source) : ""},
                       {escape(g.name)},
                       {g.suppressed ? std::string("withheld") : "<strong>" + percent(g.value) + "</strong>", g.value},
                       {g.suppressed ? std::string("") : interval(g)},
                       {integer(g.n), g.n},
                       {integer(g.n_reference), g.n_reference}},
                      first ? "first" : "");
        }
    return "<h3>Published claims, checked on this base</h3>\n" +
           figure(forest(claims), "Dots: this base's estimate with its 95% interval; diamonds: the published figure. An "
                                  "interval that leaves out the diamond disagrees with the publication. Groups below the "
                                  "minimum size are withheld.") +
           table.str() + context(study);
}

}  // namespace engage::io::html
