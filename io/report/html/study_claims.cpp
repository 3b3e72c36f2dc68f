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
           table.str();
}

}  // namespace engage::io::html
