// The study's backtest: the churn AUC of each predictor at every as-of date, with its 95%
// interval, as a chart and a table.
#include <algorithm>
#include <cmath>

#include "core/dates.hpp"
#include "io/report/html/axes.hpp"
#include "io/report/html/format.hpp"
#include "io/report/html/json_path.hpp"
#include "io/report/html/page.hpp"
#include "io/report/html/palette.hpp"
#include "io/report/html/study_parts.hpp"
#include "io/report/html/table.hpp"

namespace engage::io::html {

namespace {

std::string two(double v) { return fixed(v, 2); }

// The predictors named in any entry's "auc", in order of first appearance.
std::vector<std::string> predictors(const json& backtest) {
    std::vector<std::string> names;
    for (const json& e : backtest)
        if (const json* auc = at(e, {"auc"}); auc && auc->is_object())
            for (const auto& [k, v] : auc->items())
                if (std::find(names.begin(), names.end(), k) == names.end()) names.push_back(k);
    return names;
}

std::string trend_chart(const json& backtest, const std::vector<std::string>& names) {
    // x: the as-of dates on a day scale when they parse, else evenly spaced.
    std::vector<double> xs;
    for (std::size_t i = 0; i < backtest.size(); ++i) {
        const auto d = parse_iso_date(text(at(backtest[i], {"as_of"})));
        xs.push_back(d ? double(*d) : double(i));
    }
    const double x0 = *std::min_element(xs.begin(), xs.end()), x1 = *std::max_element(xs.begin(), xs.end());
    double lo = 0.5, hi = 0.5;
    for (const json& e : backtest)
        for (const std::string& n : names)
            for (const char* k : {"auc", "ci_low", "ci_high"}) {
                const double v = number(at(e, {"auc", n, k}));
                if (finite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
            }
    Svg svg("backtest-trend", 960, 330, "Churn AUC of each predictor at each backtest as-of date");
    const Frame f{80, 40, 820, 220};
    const Ticks yt = nice_ticks(lo, std::max(hi, lo + 0.05), 5);
    const LinearScale y{yt.lo(), yt.hi(), f.bottom(), f.top};
    const double pad = x1 > x0 ? (x1 - x0) * 0.06 : 1;
    const LinearScale x{x0 - pad, x1 + pad, f.left, f.right()};
    axis_left(svg, f, y, yt, two, "AUC (churn)");
    svg.line(f.left, y(0.5), f.right(), y(0.5), kGrey, 1, "2 3");
    svg.text(f.right(), y(0.5) - 5, "0.5: no better than chance", "end", "small", kInkGrey);
    svg.line(f.left, f.bottom(), f.right(), f.bottom(), kInkGrey);
    for (std::size_t i = 0; i < backtest.size(); ++i)
        svg.text(x(xs[i]), f.bottom() + 18, date(text(at(backtest[i], {"as_of"}))), "middle", "tick");
    svg.text(f.left + f.width / 2, f.bottom() + 38, "as-of date of the backtest", "middle", "axis-title");
    std::vector<LegendItem> items;
    for (std::size_t s = 0; s < names.size(); ++s) {
        const char* colour = series_colour(s);
        const double shift = (double(s) - double(names.size() - 1) / 2) * 6;  // whiskers side by side
        std::vector<double> px, py;
        for (std::size_t i = 0; i < backtest.size(); ++i) {
            const json* a = at(backtest[i], {"auc", names[s]});
            const double v = number(at(a, {"auc"})), l = number(at(a, {"ci_low"})), h = number(at(a, {"ci_high"}));
            if (finite(l) && finite(h)) svg.line(x(xs[i]) + shift, y(l), x(xs[i]) + shift, y(h), colour, 1.5);
            if (!finite(v)) continue;
            px.push_back(x(xs[i]) + shift);
            py.push_back(y(v));
        }
        if (px.size() > 1) svg.path(polyline(px, py), "none", colour, 2);
        for (std::size_t i = 0, k = 0; i < backtest.size(); ++i) {
            const json* a = at(backtest[i], {"auc", names[s]});
            if (!finite(number(at(a, {"auc"})))) continue;
            svg.circle(px[k], py[k], 4.5, colour,
                       label(names[s]) + ", " + date(text(at(backtest[i], {"as_of"}))) + ": AUC " + or_na(at(a, {"auc"}), two) +
                           " (95%: " + or_na(at(a, {"ci_low"}), two) + " to " + or_na(at(a, {"ci_high"}), two) + ")",
                       "#FFFFFF");
            ++k;
        }
        items.push_back({label(names[s]), colour, LegendItem::line});
    }
    legend(svg, f.left, 18, items);
    return svg.str();
}

std::string p_value(double p) { return !finite(p) ? "n/a" : p < 0.001 ? "p &lt; 0.001" : "p = " + fixed(p, 3); }

// The last date's baselines (issue 12): which predicts best, each paired DeLong test against the
// composite, and the calibrated weights beside the hand weights.
std::string baselines_part(const json& last) {
    const json* bl = at(&last, {"baselines"});
    if (!bl) return "";
    std::string out = "<h4>Baselines as of " + date(text(at(&last, {"as_of"}))) + "</h4>\n<p>";
    if (const json* v = at(bl, {"best_baseline", "verdict"})) out += escape(text(v)) + ". ";
    out += "Each predictor's AUC minus the composite's (DeLong's paired test, same customers): ";
    std::string tests;
    if (const json* versus = at(bl, {"versus_composite"}); versus && versus->is_object())
        for (const auto& [name, t] : versus->items())
            tests += std::string(tests.empty() ? "" : "; ") + label(name) + " " +
                     or_na(at(&t, {"difference"}), [](double d) { return signed_fixed(d, 3); }) + " (" +
                     or_na(at(&t, {"ci_low"}), [](double d) { return signed_fixed(d, 3); }) + " to " +
                     or_na(at(&t, {"ci_high"}), [](double d) { return signed_fixed(d, 3); }) + ", " +
                     p_value(number(at(&t, {"p"}))) + ")";
    out += (tests.empty() ? "none available" : tests) + ".";
    if (const json* reason = at(bl, {"rfm", "reason"})) out += " RFM not fitted: " + escape(text(reason)) + ".";
    out += "</p>\n";
    if (const json* n = at(bl, {"rfm_plus_dimensions"}); n && finite(number(at(n, {"versus_rfm", "difference"})))) {
        out += "<p>The calibrated score with R, F and M weighted inside usage (RFM's regression with the five dimensions "
               "added, fitted on the outcomes after " + date(text(at(bl, {"calibrated", "train_as_of"}))) +
               "): against the best baseline, " + escape(text(at(n, {"versus_best_baseline", "baseline"}))) + ", " +
               or_na(at(n, {"versus_best_baseline", "difference"}), [](double d) { return signed_fixed(d, 3); }) +
               " AUC (" + p_value(number(at(n, {"versus_best_baseline", "p"}))) +
               "); what the dimensions add over RFM alone: " +
               or_na(at(n, {"versus_rfm", "difference"}), [](double d) { return signed_fixed(d, 3); }) + " AUC (" +
               or_na(at(n, {"versus_rfm", "ci_low"}), [](double d) { return signed_fixed(d, 3); }) + " to " +
               or_na(at(n, {"versus_rfm", "ci_high"}), [](double d) { return signed_fixed(d, 3); }) + ", " +
               p_value(number(at(n, {"versus_rfm", "p"}))) + ").</p>\n";
    }
    const json* weights = array(at(bl, {"calibrated", "weights"}));
    if (!weights) return out;
    Table table("calibrated-weights", {{"dimension"}, {"weight", true, "per unit of (score - 50) / 100, 95% interval"},
                                       {"share", true, "weight / sum of |weights|"}, {"hand weight share", true}});
    for (const json& w : *weights) {
        const json* identified = at(&w, {"identified"});
        const bool known = !identified || !identified->is_boolean() || identified->get<bool>();
        table.row({{escape(text(at(&w, {"dimension"})))},
                   {known ? or_na(at(&w, {"weight"}), two) + " <span class=\"note\">(" + or_na(at(&w, {"ci_low"}), two) +
                                " to " + or_na(at(&w, {"ci_high"}), two) + ")</span>"
                          : std::string("<span class=\"note\">not identified: unknown or constant at the training date</span>"),
                    known ? number(at(&w, {"weight"})) : std::nan("")},
                   {or_na(at(&w, {"share"}), [](double v) { return percent(v); }), number(at(&w, {"share"}))},
                   {or_na(at(&w, {"hand_share"}), [](double v) { return percent(v); }), number(at(&w, {"hand_share"}))}});
    }
    const json* c = at(bl, {"calibrated"});
    return out + "<p>Calibrated dimension weights, fitted on the outcomes after " + date(text(at(c, {"train_as_of"}))) +
           " (reported; the score keeps the hand weights): against the hand weights " +
           or_na(at(c, {"versus_hand_weights", "difference"}), [](double d) { return signed_fixed(d, 3); }) + " AUC (" +
           p_value(number(at(c, {"versus_hand_weights", "p"}))) + "), against the best baseline " +
           or_na(at(c, {"versus_best_baseline", "difference"}), [](double d) { return signed_fixed(d, 3); }) + " (" +
           p_value(number(at(c, {"versus_best_baseline", "p"}))) + ").</p>\n" + table.str();
}

}  // namespace

std::string study_backtest(const json& study) {
    const json* backtest = array(at(study, {"backtest"}));
    if (!backtest) return "";
    const std::vector<std::string> names = predictors(*backtest);
    std::vector<Column> cols{{"as of"}, {"outcome to"}, {"customers", true}, {"churned", true}, {"churn rate", true}};
    for (const std::string& n : names) cols.push_back({"AUC " + label(n), true, "area under the ROC curve, 95% interval"});
    Table table("backtest", cols);
    for (const json& e : *backtest) {
        std::vector<Cell> cells{{date(text(at(e, {"as_of"})))},
                                {date(text(at(e, {"horizon_end"})))},
                                {or_na(at(e, {"customers"}), integer), number(at(e, {"customers"}))},
                                {or_na(at(e, {"churned"}), integer), number(at(e, {"churned"}))},
                                {or_na(at(e, {"churn_rate"}), [](double v) { return percent(v); }), number(at(e, {"churn_rate"}))}};
        for (const std::string& n : names) {
            const json* a = at(e, {"auc", n});
            cells.push_back({or_na(at(a, {"auc"}), two) + " <span class=\"note\">(" + or_na(at(a, {"ci_low"}), two) + " to " +
                                 or_na(at(a, {"ci_high"}), two) + ")</span>",
                             number(at(a, {"auc"}))});
        }
        table.row(cells);
    }
    std::string out = "<h3>Backtest: does the score predict churn at earlier dates too?</h3>\n";
    if (!names.empty())
        out += figure(trend_chart(*backtest, names),
                      "Area under the ROC curve for churn by the horizon end, per predictor, with 95% intervals: 1 ranks every "
                      "churner first, 0.5 is chance.");
    return out + table.str() + baselines_part(backtest->back());
}

}  // namespace engage::io::html
