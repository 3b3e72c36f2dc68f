// The study's decile charts for one backtest entry: churn and revenue lift by score decile, and
// the calibration of P(alive) against the observed active share.
#include <algorithm>
#include <cmath>

#include "io/report/html/axes.hpp"
#include "io/report/html/format.hpp"
#include "io/report/html/json_path.hpp"
#include "io/report/html/page.hpp"
#include "io/report/html/palette.hpp"
#include "io/report/html/study_parts.hpp"

namespace engage::io::html {

std::string study_lift(const json& entry) {
    const json* deciles = array(at(entry, {"deciles"}));
    if (!deciles) return "";
    const std::size_t n = deciles->size();
    double top = 1;
    for (const json& d : *deciles)
        for (const char* k : {"churn_lift", "revenue_lift"})
            if (finite(number(at(d, {k})))) top = std::max(top, number(at(d, {k})));
    Svg svg("decile-lift", 960, 340, "Churn lift and revenue lift per composite score decile");
    const Frame f{80, 40, 820, 230};
    const Ticks ticks = nice_ticks(0, top * 1.05, 5);
    const LinearScale y{0, ticks.hi(), f.bottom(), f.top};
    axis_left(svg, f, y, ticks, [](double v) { return fixed(v, v == std::floor(v) ? 0 : 1) + "&times;"; },
              "lift (&times; the base average)");
    const double slot = f.width / double(n), bar = std::min(28.0, slot * 0.36);
    // The average line first, under the bars and their labels: a label near 1.0 sits on a halo of
    // paper (text.halo) instead of being struck through by the line.
    svg.line(f.left, y(1), f.right(), y(1), okabe_ito::black, 1.2, "5 4");
    std::vector<double> centres;
    std::vector<std::string> names;
    for (std::size_t i = 0; i < n; ++i) {
        const json& d = (*deciles)[i];
        const double cx = f.left + slot * (double(i) + 0.5);
        const std::string name = or_na(at(d, {"decile"}), integer);
        const double churn = number(at(d, {"churn_lift"})), revenue = number(at(d, {"revenue_lift"}));
        const std::string facts = "decile " + name + ": " + or_na(at(d, {"customers"}), integer) + " customers, churn rate " +
                                  or_na(at(d, {"churn_rate"}), [](double v) { return percent(v); }) +
                                  ", revenue per customer " + or_na(at(d, {"revenue_per_customer"}), compact);
        if (finite(churn)) svg.rect(cx - bar - 1, y(churn), bar, y(0) - y(churn), okabe_ito::vermillion, "Churn lift " + fixed(churn, 2) + "; " + facts);
        if (finite(revenue)) svg.rect(cx + 1, y(revenue), bar, y(0) - y(revenue), okabe_ito::blue, "Revenue lift " + fixed(revenue, 2) + "; " + facts);
        if (finite(churn)) svg.text(cx - bar / 2 - 1, y(churn) - 4, fixed(churn, 1), "middle", "value halo");
        if (finite(revenue)) svg.text(cx + bar / 2 + 1, y(revenue) - 4, fixed(revenue, 1), "middle", "value halo");
        centres.push_back(cx);
        names.push_back(name);
    }
    svg.text(f.right() + 4, y(1) + 4, "average", "start", "small");
    legend(svg, f.left, 18,
           {{"churn lift: decile churn rate / overall", okabe_ito::vermillion},
            {"revenue lift: decile revenue per customer / overall", okabe_ito::blue}});
    category_axis_bottom(svg, f, centres, names, "composite engagement score decile (as numbered in report.json)");
    return figure(svg.str(),
                  "A lift of 2&times; means twice the base's average. A useful score concentrates churn in some deciles "
                  "and revenue in others. Hover a bar for the decile's counts.");
}

std::string study_calibration(const json& entry) {
    const json* bins = array(at(entry, {"calibration"}));
    if (!bins) return "";
    Svg svg("calibration", 520, 420, "Calibration: mean predicted P(alive) against the observed share active, per bin");
    const Frame f{80, 30, 410, 320};
    const LinearScale x{0, 1, f.left, f.right()}, y{0, 1, f.bottom(), f.top};
    const Ticks ticks = nice_ticks(0, 1, 5);
    auto pct = [](double v) { return percent(v, 0); };
    axis_left(svg, f, y, ticks, pct, "observed share active in the horizon");
    axis_bottom(svg, f, x, ticks, pct, "mean predicted P(alive)", true);
    svg.line(x(0), y(0), x(1), y(1), kGrey, 1.2, "5 4");
    svg.raw("<text transform=\"translate(" + coord(x(0.62)) + " " + coord(y(0.56) + 14) + ") rotate(" +
            coord(-std::atan2(f.height, f.width) * 180 / 3.14159265358979) + ")\" class=\"small\">perfect calibration</text>");
    double most = 0;
    for (const json& b : *bins) most = std::max(most, finite(number(at(b, {"customers"}))) ? number(at(b, {"customers"})) : 0.0);
    std::vector<double> xs, ys;
    for (const json& b : *bins) {
        const double px = number(at(b, {"mean_p_alive"})), py = number(at(b, {"observed_active_share"}));
        if (finite(px) && finite(py)) xs.push_back(x(px)), ys.push_back(y(py));
    }
    if (xs.size() > 1) svg.path(polyline(xs, ys), "none", okabe_ito::blue, 1.5, 0.6);
    for (const json& b : *bins) {
        const double px = number(at(b, {"mean_p_alive"})), py = number(at(b, {"observed_active_share"}));
        if (!finite(px) || !finite(py)) continue;
        const double c = number(at(b, {"customers"}));
        // Area proportional to the bin's customers.
        const double r = most > 0 && finite(c) ? 3 + 7 * std::sqrt(c / most) : 4;
        const std::string tip = "P(alive) " + or_na(at(b, {"p_alive_from"}), pct) + " to " + or_na(at(b, {"p_alive_to"}), pct) +
                                ": " + integer(c) + " customers, predicted " + percent(px) + ", observed " + percent(py) +
                                "; transactions expected " +
                                or_na(at(b, {"mean_expected_transactions"}), [](double v) { return fixed(v, 2); }) +
                                ", actual " + or_na(at(b, {"mean_actual_transactions"}), [](double v) { return fixed(v, 2); });
        svg.circle(x(px), y(py), r, okabe_ito::blue, tip, "#FFFFFF");
    }
    return "<figure class=\"side\">" + svg.str() +
           "<figcaption><strong>Calibration.</strong> Each dot is a band of predicted P(alive) (the BG/NBD probability "
           "that the customer is still active), its area the band's customers. Dots on the dashed line: the model's "
           "probabilities match what happened over the horizon. Dots below it: the model was too optimistic. Hover a "
           "dot for its counts and the expected and actual transactions.</figcaption></figure>\n";
}

}  // namespace engage::io::html
