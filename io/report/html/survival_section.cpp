// "Survival by tier": the Kaplan-Meier curves of report.json's retention.survival.by_tier, one per
// engagement tier, with their 95% log-log bands, the at-risk counts under the time axis, and the
// log-rank test (descriptive: tiers at the end of follow-up); and, when report.json has the
// forward-looking "survival" section, its curves by tier at the as-of date over the follow-up
// after it, its log-rank test and the Cox model's hazard ratios.
#include <algorithm>
#include <cmath>

#include "io/report/html/axes.hpp"
#include "io/report/html/format.hpp"
#include "io/report/html/json_path.hpp"
#include "io/report/html/page.hpp"
#include "io/report/html/palette.hpp"
#include "io/report/html/sections.hpp"
#include "io/report/html/table.hpp"

namespace engage::io::html {

namespace {

struct Curve {
    std::string name;          // HTML label
    std::string colour;
    double customers = NAN;
    std::vector<double> days, survival, lower, upper, at_risk;
    std::vector<double> at_risk_every_10_days;  // exact, when report.json has them
    std::string median;        // "median 242 days (234 to 248)" or "median not reached"
    bool empty = false;        // no customers: no curve
};

std::string days_or(const json* v, const char* otherwise) {
    return v && v->is_number() ? integer(number(v)) : otherwise;
}

Curve read_curve(const json& c, std::size_t index) {
    Curve k;
    k.name = label(text(at(c, {"group"}), "group " + std::to_string(index + 1)));
    k.colour = tier_colour(index);
    k.customers = number(at(c, {"customers"}));
    const json* empty = at(c, {"empty"});
    k.empty = (empty && empty->is_boolean() && empty->get<bool>()) || k.customers == 0;
    if (const json* table = array(at(c, {"table"})))
        for (const json& row : *table) {
            const double d = number(at(row, {"days"})), s = number(at(row, {"survival"}));
            if (!finite(d) || !finite(s)) continue;
            k.days.push_back(d);
            k.survival.push_back(s);
            k.lower.push_back(number(at(row, {"lower"})));
            k.upper.push_back(number(at(row, {"upper"})));
            k.at_risk.push_back(number(at(row, {"at_risk"})));
        }
    if (const json* every = array(at(c, {"at_risk_every_10_days"})))
        for (const json& n : *every) k.at_risk_every_10_days.push_back(number(n));
    const json* m = at(c, {"median_days"});
    const json* estimate = at(m, {"estimate"});
    if (estimate && estimate->is_number())
        k.median = "median " + integer(number(estimate)) + " days (95%: " + days_or(at(m, {"lower"}), "n/a") + " to " +
                   days_or(at(m, {"upper"}), "not reached") + ")";
    else
        k.median = "median not reached";
    return k;
}

// A step function from (0, 1) through (days[i], values[i]), as x/y pixel lists; stops before the
// first non-finite value.
void steps(const Curve& k, const std::vector<double>& values, const LinearScale& x, const LinearScale& y,
           std::vector<double>& xs, std::vector<double>& ys) {
    double prev = 1.0;
    xs.push_back(x(0));
    ys.push_back(y(1));
    for (std::size_t i = 0; i < k.days.size(); ++i) {
        if (!finite(values[i])) break;
        xs.push_back(x(k.days[i]));
        ys.push_back(y(prev));
        xs.push_back(x(k.days[i]));
        ys.push_back(y(values[i]));
        prev = values[i];
    }
}

// Customers at risk on day `t`: exact from at_risk_every_10_days when `t` is a multiple of 10
// (0 past the last customer); otherwise on the first churn day on or after `t` (the
// Kaplan-Meier table's n_j), NaN past the last churn day.
double at_risk(const Curve& k, double t) {
    if (!k.at_risk_every_10_days.empty() && t >= 0 && std::fmod(t, 10.0) == 0) {
        const auto i = std::size_t(t / 10);
        return i < k.at_risk_every_10_days.size() ? k.at_risk_every_10_days[i] : 0.0;
    }
    if (t <= 0) return k.customers;
    const auto it = std::lower_bound(k.days.begin(), k.days.end(), t);
    return it == k.days.end() ? NAN : k.at_risk[std::size_t(it - k.days.begin())];
}

std::string survival_chart(const std::vector<Curve>& curves, const char* id = "survival",
                           const char* x_title = "days since acquisition") {
    double last = 0;
    for (const Curve& k : curves)
        if (!k.days.empty()) last = std::max(last, k.days.back());
    const Ticks xt = nice_ticks(0, last > 0 ? last : 365, 8);
    const double row = 18;
    const Frame f{150, 50, 790, 300};
    const double risk_top = f.bottom() + 66;
    Svg svg(id, 960, risk_top + row * double(curves.size()) + 12,
            "Kaplan-Meier survival curves per engagement tier with 95% confidence bands");
    const LinearScale x{0, xt.hi(), f.left, f.right()};
    const LinearScale y{0, 1, f.bottom(), f.top};
    axis_left(svg, f, y, nice_ticks(0, 1, 5), [](double v) { return percent(v, 0); }, "customers not churned");
    svg.line(f.left, y(0.5), f.right(), y(0.5), kGrey, 1, "2 3");
    svg.text(f.right() - 4, y(0.5) - 5, "median", "end", "small", kInkGrey);
    for (const Curve& k : curves) {
        if (k.days.empty()) continue;
        std::vector<double> lx, ly, ux, uy;
        steps(k, k.lower, x, y, lx, ly);
        steps(k, k.upper, x, y, ux, uy);
        const std::size_t n = std::min(lx.size(), ux.size());
        if (n > 1) {
            std::string band = polyline({ux.begin(), ux.begin() + long(n)}, {uy.begin(), uy.begin() + long(n)});
            for (std::size_t i = n; i-- > 0;) band += " L" + coord(lx[i]) + " " + coord(ly[i]);
            svg.path(band + " Z", k.colour, "none", 0, 0.18);
        }
    }
    for (const Curve& k : curves) {
        if (k.days.empty()) continue;
        std::vector<double> xs, ys;
        steps(k, k.survival, x, y, xs, ys);
        svg.path(polyline(xs, ys), "none", k.colour, 2.2, 1, "", k.name + ": " + k.median);
    }
    std::vector<LegendItem> items;
    for (const Curve& k : curves) items.push_back({k.name, k.colour, LegendItem::line});
    items.push_back({"95% band", kGrey, LegendItem::band});
    legend(svg, f.left, 18, items);
    axis_bottom(svg, f, x, xt, integer, x_title, true);
    // The at-risk table, aligned with the ticks.
    svg.text(8, risk_top - 6, "customers at risk", "start", "strong small");
    for (std::size_t i = 0; i < curves.size(); ++i) {
        const Curve& k = curves[i];
        const double ty = risk_top + row * double(i) + 10;
        svg.rect(8, ty - 8, 8, 8, k.colour);
        svg.text(22, ty, k.name, "start", "small");
        for (double t : xt.values) {
            const double n = at_risk(k, t);
            svg.text(x(t), ty, finite(n) ? count(n) : "&ndash;", "middle", "value");
        }
    }
    return svg.str();
}

std::string log_rank_text(const json* lr) {
    if (!lr) return "";
    const double p = number(at(lr, {"p_value"}));
    return " Log-rank test of equal survival across tiers: &chi;&sup2; = " +
           or_na(at(lr, {"chi_square"}), [](double v) { return v >= 1000 ? integer(v) : fixed(v, 1); }) + " on " +
           or_na(at(lr, {"degrees_of_freedom"}), integer) + " degrees of freedom, p " +
           (finite(p) ? (p < 0.001 ? std::string("&lt; 0.001") : "= " + fixed(p, 3)) : std::string("n/a")) + ".";
}

// "; time-dependent AUC 0.92 at 30 days, ... ; Brier score 0.029 at 30 days, ...".
std::string horizons_text(const json* horizons) {
    const json* list = array(horizons);
    if (!list || list->empty()) return "";
    std::string auc, brier;
    for (const json& h : *list) {
        const std::string days = or_na(at(h, {"days"}), integer) + " days";
        auc += (auc.empty() ? "" : ", ") + or_na(at(h, {"auc"}), [](double v) { return fixed(v, 3); }) + " at " + days;
        brier += (brier.empty() ? "" : ", ") + or_na(at(h, {"brier"}), [](double v) { return fixed(v, 3); }) + " at " + days;
    }
    return "; time-dependent AUC " + auc + "; Brier score " + brier;
}

// The forward-looking view (report.json's "survival"): nothing when the run has none.
std::string landmark_part(const json& report) {
    const json* s = at(report, {"survival"});
    const json* by_tier = array(at(s, {"by_tier"}));
    if (!by_tier) return "";
    std::vector<Curve> curves;
    for (std::size_t i = 0; i < by_tier->size(); ++i) curves.push_back(read_curve((*by_tier)[i], i));
    const json* lr = at(s, {"log_rank"});
    const std::string caption =
        "Customers at risk on the as-of date " + escape(text(at(s, {"landmark"}), "")) + ", by their tier then: share not "
        "yet churned, by days after it, over the " + or_na(at(s, {"follow_up_days"}), integer) + "-day holdout. " +
        (lr && lr->is_object() ? log_rank_text(lr) : std::string(" Fewer than two tiers among them: no log-rank test.")) +
        " Every churn day is in <code>landmark_survival.csv</code>.";
    std::string html = "<h3>Forward-looking: after the as-of date</h3>\n" +
                       figure(survival_chart(curves, "landmark-survival", "days after the as-of date"), caption);
    const json* cox = at(s, {"cox"});
    const json* rows = array(at(cox, {"coefficients"}));
    if (!rows) return html;
    Table t("cox", {{"Covariate"}, {"Hazard ratio per SD", true}, {"95% interval"}, {"p", true}, {"SD", true},
                    {"Hazard ratio per unit", true},
                    {"Proportional hazards: p", true, "cox.zph's test: a small p means the hazard ratio changes over the follow-up"}});
    const json* ph = array(at(cox, {"proportional_hazards", "tests"}));
    std::size_t k = 0;
    for (const json& r : *rows) {
        const double php = ph && k < ph->size() ? number(at((*ph)[k], {"p_value"})) : NAN;
        ++k;
        const double hr = number(at(r, {"hazard_ratio_per_sd"})), p = number(at(r, {"p_value"}));
        t.row({Cell(label(text(at(r, {"covariate"}), ""))), Cell(fixed(hr, 3), hr),
               Cell(fixed(number(at(r, {"hazard_ratio_per_sd_lower"})), 3) + " to " +
                    fixed(number(at(r, {"hazard_ratio_per_sd_upper"})), 3)),
               Cell(finite(p) && p < 0.001 ? std::string("&lt; 0.001") : fixed(p, 3), p),
               Cell(fixed(number(at(r, {"sd"})), 2) + " " + escape(text(at(r, {"unit"}), "")), number(at(r, {"sd"}))),
               Cell(fixed(number(at(r, {"hazard_ratio_per_unit"})), 5), number(at(r, {"hazard_ratio_per_unit"}))),
               Cell(finite(php) && php < 0.001 ? std::string("&lt; 0.001") : finite(php) ? fixed(php, 3) : std::string("n/a"), php)});
    }
    html += "<p class=\"note\">Cox model of churn after the as-of date (Efron ties) on " +
            or_na(at(cox, {"customers"}), integer) + " customers with every covariate known, " +
            or_na(at(cox, {"events"}), integer) + " churned; Harrell's C " +
            or_na(at(cox, {"concordance", "harrell_c"}), [](double v) { return fixed(v, 3); }) +
            horizons_text(at(cox, {"prediction", "horizons"})) +
            ". A hazard ratio below 1: less churn per standard deviation more. Associations, not effects; "
            "<code>cox.csv</code> has every figure.</p>\n" + t.str();
    return html;
}

}  // namespace

std::string survival_section(const json& report) {
    const json* by_tier = array(at(report, {"retention", "survival", "by_tier"}));
    if (!by_tier)
        return omitted("survival", "Survival by engagement tier",
                       "No retention study in this run: <code>engage score --retention</code> adds the Kaplan-Meier curves.");
    std::vector<Curve> curves;
    for (std::size_t i = 0; i < by_tier->size(); ++i) curves.push_back(read_curve((*by_tier)[i], i));
    std::string medians = "<ul class=\"note\">";
    for (const Curve& k : curves)
        medians += "<li><span class=\"swatch\" style=\"background:" + k.colour + "\"></span>" + k.name + ": " +
                   (k.empty ? std::string("no customers, no curve")
                            : (finite(k.customers) ? integer(k.customers) : "n/a") + " customers, " +
                                  (k.days.empty() ? std::string("no churn observed") : k.median)) +
                   "</li>";
    medians += "</ul>\n";
    const std::string churn = escape(text(at(report, {"retention", "survival", "churn"}), "as configured"));
    const std::string caption =
        "Descriptive: the tier is that on the as-of date, which is also the end of follow-up, so customers who had "
        "already churned are in the lower tiers because they churned. "
        "Share of each tier's customers (tier on the as-of date) not yet churned, by days since acquisition; shaded: "
        "95% log-log confidence band. Churn: " + churn + "." + log_rank_text(at(report, {"retention", "survival", "log_rank"})) +
        " At risk: customers not yet churned or censored on each day; every churn day is in "
        "<code>survival.csv</code>.";
    return section("survival", "Survival by engagement tier",
                   "How long customers of each tier stay before they churn. Curves that stay high belong to tiers that "
                   "keep their customers.",
                   landmark_part(report) + "<h3>Descriptive: by the tier at the end of follow-up</h3>\n" +
                       figure(survival_chart(curves), caption) + medians);
}

}  // namespace engage::io::html
