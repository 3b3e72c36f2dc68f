// "Tier mix by business unit": one 100% stacked bar per business unit (and the corporation on
// top), so units of very different sizes compare at a glance.
#include <algorithm>

#include "io/report/html/axes.hpp"
#include "io/report/html/format.hpp"
#include "io/report/html/json_path.hpp"
#include "io/report/html/page.hpp"
#include "io/report/html/palette.hpp"
#include "io/report/html/sections.hpp"
#include "io/report/html/tiers.hpp"

namespace engage::io::html {

namespace {

constexpr std::size_t kMaxUnits = 25;  // beyond this, the largest units are drawn

std::string mix_chart(const std::vector<const json*>& groups) {
    const double row = 30, gap = 8, label_w = 190, right_w = 150;
    const Frame f{label_w, 44, 960 - label_w - right_w, (row + gap) * double(groups.size()) - gap};
    Svg svg("tier-mix", 960, f.bottom() + 44, "Share of customers in each engagement tier, per business unit");
    std::vector<LegendItem> items;
    for (std::size_t t = 0; t < 4; ++t) items.push_back({label(kTierKeys[t]), tier_colour(t)});
    legend(svg, f.left, 16, items);
    svg.text(f.right() + 10, 38, "customers &middot; mean score", "start", "small", kInkGrey);
    const LinearScale x{0, 1, f.left, f.right()};
    axis_bottom(svg, f, x, nice_ticks(0, 1, 4), [](double v) { return percent(v, 0); }, "share of the unit's customers", true);
    for (std::size_t i = 0; i < groups.size(); ++i) {
        const json* g = groups[i];
        const double y0 = f.top + double(i) * (row + gap);
        std::string name = escape(text(at(g, {"name"})));
        if (i == 0) name = "<tspan class=\"strong\">Corporate</tspan>";
        svg.text(f.left - 10, y0 + row / 2 + 4, name, "end");
        double acc = 0;
        for (std::size_t t = 0; t < 4; ++t) {
            const double share = number(at(g, {"tier_shares", kTierKeys[t]}));
            if (!finite(share) || share <= 0) continue;
            const double x0 = x(acc), w = x(acc + share) - x0;
            const std::string tip = (i == 0 ? std::string("Corporate") : escape(text(at(g, {"name"})))) + ", " +
                                    label(kTierKeys[t]) + ": " + percent(share) + " (" +
                                    integer(number(at(g, {"tiers", kTierKeys[t]}))) + " customers)";
            svg.rect(x0, y0, w, row, tier_colour(t), tip);
            if (w >= 38) svg.text(x0 + w / 2, y0 + row / 2 + 4, percent(share, 0), "middle", "value", ink_on(tier_colour(t)));
            acc += share;
        }
        svg.text(f.right() + 10, y0 + row / 2 + 4,
                 or_na(at(g, {"customers"}), integer) + " &middot; " +
                     or_na(at(g, {"mean_score"}), [](double v) { return fixed(v, 1); }),
                 "start", "value");
    }
    return svg.str();
}

}  // namespace

std::string business_unit_section(const json& report) {
    const json* corporate = at(report, {"engagement", "corporate"});
    const json* units = at(report, {"engagement", "business_units", "groups"});
    if (!corporate || !units || !units->is_array())
        return omitted("business-units", "Tier mix by business unit", "No business units in report.json's engagement section.");
    std::vector<const json*> shown;
    for (const json& g : *units) shown.push_back(&g);
    std::string extra;
    if (shown.size() > kMaxUnits) {
        // The largest units, in report order; ties keep report order (stable).
        std::vector<const json*> by_size = shown;
        std::stable_sort(by_size.begin(), by_size.end(),
                         [](const json* a, const json* b) { return number(at(a, {"customers"})) > number(at(b, {"customers"})); });
        by_size.resize(kMaxUnits);
        std::vector<const json*> kept;
        for (const json* g : shown)
            if (std::find(by_size.begin(), by_size.end(), g) != by_size.end()) kept.push_back(g);
        extra = note("The " + integer(double(kMaxUnits)) + " largest of " + integer(double(shown.size())) +
                     " business units are drawn; every unit is in engagement.csv.");
        shown = kept;
    }
    const json* other = at(report, {"engagement", "business_units", "other"});
    if (other && other->is_object()) shown.push_back(other);
    shown.insert(shown.begin(), corporate);
    const double suppressed = number(at(report, {"engagement", "business_units", "suppressed_groups"}));
    if (suppressed > 0)
        extra += note(integer(suppressed) + " business units below the minimum group size (" +
                      or_na(at(report, {"engagement", "model", "min_group_size"}), integer) +
                      " customers) are folded into &ldquo;other&rdquo;" +
                      (other && other->is_object() ? "." : ", which is itself too small to show."));
    return section("business-units", "Tier mix by business unit",
                   "The share of each unit's customers in each tier; right: customers acquired by the as-of date and the "
                   "mean engagement score.",
                   figure(mix_chart(shown), "Bars add up to 100% of the unit's customers. Hover a segment for its count.") +
                       extra);
}

}  // namespace engage::io::html
