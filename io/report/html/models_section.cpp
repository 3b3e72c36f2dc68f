// "Purchase models": the buy-till-you-die fits of report.json's retention.models and, with a
// holdout, predicted against actual repeat purchases.
#include <algorithm>

#include "io/report/html/axes.hpp"
#include "io/report/html/format.hpp"
#include "io/report/html/json_path.hpp"
#include "io/report/html/page.hpp"
#include "io/report/html/palette.hpp"
#include "io/report/html/sections.hpp"
#include "io/report/html/table.hpp"

namespace engage::io::html {

namespace {

std::string model_name(const std::string& key) {
    if (key == "bg_nbd") return "BG/NBD";
    if (key == "pareto_nbd") return "Pareto/NBD";
    if (key == "gamma_gamma") return "Gamma-Gamma";
    if (key == "bg_bb") return "BG/BB";
    return escape(key);
}

// How the fit ended, from report.json's converged and status (NLopt's outcome).
std::string fit_outcome(const json& m) {
    const json* fitted = at(m, {"fitted"});
    if (fitted && fitted->is_boolean() && !fitted->get<bool>()) return "&ndash;";
    const json* converged = at(m, {"converged"});
    if (!converged || !converged->is_boolean()) return "n/a";
    static const std::pair<const char*, const char*> kWhy[] = {
        {"success", "optimum found"},
        {"stopval_reached", "target value reached"},
        {"ftol_reached", "log-likelihood within tolerance"},
        {"xtol_reached", "parameters within tolerance"},
        {"maxeval_reached", "evaluation limit reached"},
        {"maxtime_reached", "time limit reached"},
        {"roundoff_limited", "stopped by round-off"},
        {"failure", "optimiser failed"}};
    const std::string status = text(at(m, {"status"}));
    std::string why = status.empty() ? "" : escape(status);
    for (const auto& [key, words] : kWhy)
        if (status == key) why = words;
    const std::string verdict = converged->get<bool>() ? "yes" : "<strong>no</strong>";
    return why.empty() ? verdict : verdict + " (" + why + ")";
}

std::string holdout_chart(const json& h) {
    struct Bar {
        std::string name;
        double value;
        const char* colour;
    };
    const std::vector<Bar> bars{{"actual", number(at(h, {"actual_repeat_transactions"})), okabe_ito::black},
                                {"BG/NBD", number(at(h, {"predicted_bg_nbd"})), okabe_ito::blue},
                                {"Pareto/NBD", number(at(h, {"predicted_pareto_nbd"})), okabe_ito::orange}};
    double top = 0;
    for (const Bar& b : bars)
        if (finite(b.value)) top = std::max(top, b.value);
    const Frame f{110, 10, 700, 3 * 34 - 8};
    Svg svg("holdout", 960, f.bottom() + 48, "Repeat purchases in the holdout period: actual and predicted by each model");
    const Ticks ticks = nice_ticks(0, top > 0 ? top * 1.05 : 1, 5);
    const LinearScale x{0, ticks.hi(), f.left, f.right()};
    axis_bottom(svg, f, x, ticks, compact, "repeat purchases in the holdout period", true);
    const double actual = bars[0].value;
    for (std::size_t i = 0; i < bars.size(); ++i) {
        const Bar& b = bars[i];
        const double y0 = f.top + 34 * double(i);
        svg.text(f.left - 10, y0 + 17, b.name, "end");
        if (!finite(b.value)) continue;
        svg.rect(f.left, y0, x(b.value) - f.left, 24, b.colour, b.name + ": " + integer(b.value));
        std::string value = integer(b.value);
        if (i > 0 && actual > 0) value += " (" + signed_fixed((b.value / actual - 1) * 100, 1) + "% vs actual)";
        svg.text(x(b.value) + 8, y0 + 17, value, "start", "value");
    }
    return svg.str();
}

// BG/BB's holdout, opportunity by opportunity: customers with a purchase in each, actual and
// predicted (a different count from the repeat purchases above: one per opportunity at most).
std::string bgbb_holdout(const json& m) {
    const json* h = at(m, {"holdout"});
    if (!h || !h->is_object()) return "";
    Table table("bgbb-holdout", {{"holdout opportunity"}, {"actual", true}, {"predicted (BG/BB)", true}}, false);
    if (const json* per = array(at(*h, {"by_opportunity"})))
        for (const json& r : *per)
            table.row({{or_na(at(r, {"opportunity"}), integer)},
                       {or_na(at(r, {"actual"}), integer), number(at(r, {"actual"}))},
                       {or_na(at(r, {"predicted"}), [](double v) { return fixed(v, 1); }), number(at(r, {"predicted"}))}});
    table.row({{"all " + or_na(at(*h, {"opportunities"}), integer)},
               {or_na(at(*h, {"actual_transactions"}), integer), number(at(*h, {"actual_transactions"}))},
               {or_na(at(*h, {"predicted_transactions"}), [](double v) { return fixed(v, 1); }),
                number(at(*h, {"predicted_transactions"}))}});
    return "<h3>BG/BB: opportunities of " + or_na(at(m, {"opportunity_days"}), integer) +
           " days with a purchase in the holdout</h3>" + table.str();
}

}  // namespace

std::string models_section(const json& report) {
    const json* models = array(at(report, {"retention", "models"}));
    if (!models)
        return omitted("models", "Purchase models",
                       "No retention study in this run: <code>engage score --retention</code> fits the purchase models.");
    Table table("model-fits", {{"model"}, {"parameters"}, {"log-likelihood", true}, {"AIC", true}, {"BIC", true}, {"converged"}},
                false);
    for (const json& m : *models) {
        std::string params;
        if (const json* p = at(m, {"parameters"}); p && p->is_object())
            for (const auto& [k, v] : p->items()) params += (params.empty() ? "" : ", ") + escape(k) + " " + fixed(number(v), 3);
        if (const json* fitted = at(m, {"fitted"}); fitted && fitted->is_boolean() && !fitted->get<bool>())
            params = "not fitted: " + escape(text(at(m, {"reason"}), "no data"));
        table.row({{model_name(text(at(m, {"model"})))},
                   {params},
                   {or_na(at(m, {"log_likelihood"}), [](double v) { return fixed(v, 1); }), number(at(m, {"log_likelihood"}))},
                   {or_na(at(m, {"aic"}), [](double v) { return fixed(v, 1); }), number(at(m, {"aic"}))},
                   {or_na(at(m, {"bic"}), [](double v) { return fixed(v, 1); }), number(at(m, {"bic"}))},
                   {fit_outcome(m)}});
    }
    std::string body = table.str();
    if (const json* c = at(report, {"retention", "model_comparison"}); c && c->is_object())
        body += note("BG/NBD and Pareto/NBD are fitted on the same customers' (x, t<sub>x</sub>, T): the lower AIC is " +
                     model_name(text(at(*c, {"lowest_aic"}), "n/a")) + ", the lower BIC " +
                     model_name(text(at(*c, {"lowest_bic"}), "n/a")) +
                     " (Gamma-Gamma and BG/BB are fitted on other data: their criteria do not compare). "
                     "Per-customer P(alive), expected transactions and CLV come from " +
                     model_name(text(at(*c, {"prediction_model"}), "bg_nbd")) + " (<code>--prediction-model</code>).");
    const json* h = at(report, {"retention", "holdout"});
    if (h && h->is_object())
        body += figure(holdout_chart(*h),
                       "Repeat purchases of the " + or_na(at(report, {"retention", "customers_with_a_purchase"}), integer) +
                           " customers with a purchase by " + date(text(at(report, {"retention", "calibration_end"}))) +
                           ", in the " + or_na(at(h, {"days"}), integer) + " days to " +
                           date(text(at(report, {"retention", "holdout_end"}))) + ": actual and predicted.");
    else
        body += note("No holdout period in this run (<code>--holdout-days</code>): predictions are not checked here.");
    if (const json* g = at(report, {"retention", "regularity"}); g && g->is_object())
        body += note("Purchase regularity (Wheat &amp; Morrison 1990, from the last two gaps between purchases of the " +
                     or_na(at(*g, {"customers"}), integer) + " customers with three purchase days or more): k = " +
                     or_na(at(*g, {"k"}), [](double v) { return fixed(v, 2); }) + ", " +
                     escape(text(at(*g, {"reading"}), "")) + " (k = 1: Poisson).");
    for (const json& m : *models)
        if (text(at(m, {"model"})) == "bg_bb") body += bgbb_holdout(m);
    return section("models", "Purchase models",
                   "Buy-till-you-die models fitted on the purchases up to " +
                       date(text(at(report, {"retention", "calibration_end"}))) + " (" +
                       escape(text(at(report, {"retention", "conventions"}))) + ").",
                   body);
}

}  // namespace engage::io::html
