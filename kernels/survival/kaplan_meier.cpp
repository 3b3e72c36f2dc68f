#include "survival/kaplan_meier.hpp"

#include <boost/math/distributions/normal.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace engage::kernels {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// S(t) is a product of doubles: an estimate that is exactly 1 - p in exact arithmetic may
// come out a few ulps above it (2/3 * 3/4 != 0.5 in binary). Comparisons against 1 - p allow
// this much, far below any difference one subject can make.
constexpr double kTolerance = 1e-10;

// The first row whose value (S, or one end of the band) is <= target.
std::optional<std::int32_t> first_at_or_below(const std::vector<KaplanMeierRow>& rows,
                                              double KaplanMeierRow::*value, double target) {
    for (const KaplanMeierRow& r : rows)
        if (r.*value <= target + kTolerance) return r.time;  // NaN compares false: skipped
    return std::nullopt;
}

}  // namespace

double KaplanMeierCurve::survival_at(std::int32_t t) const noexcept {
    // S(0) = 1 is the share of the subjects alive at the start: undefined with none (0 / 0).
    if (subjects == 0) return kNaN;
    double s = 1.0;
    for (const KaplanMeierRow& r : rows) {
        if (r.time > t) break;
        s = r.survival;
    }
    return s;
}

KaplanMeierCurve kaplan_meier(const SurvivalCounts& counts, std::span<const std::size_t> groups,
                              double level) {
    if (!(level > 0.0 && level < 1.0))
        throw std::invalid_argument("Kaplan-Meier confidence level must be in (0, 1), got " +
                                    std::to_string(level));
    // Two-sided interval: z = Phi^-1((1 + level) / 2), 1.959964 at 95%.
    const double z = boost::math::quantile(boost::math::normal_distribution<double>(), (1.0 + level) / 2.0);

    KaplanMeierCurve curve;
    curve.level = level;
    for (std::size_t g : groups) curve.subjects += counts.subjects(g);

    // At risk at t: entered before t (at the start, or after a delayed entry day < t) and not
    // yet churned or censored before t.
    std::int64_t at_risk = 0;
    for (std::size_t g : groups) at_risk += counts.at_risk_at_start(g);
    double survival = 1.0;
    double greenwood_sum = 0.0;  // sum over event times of d_j / (n_j (n_j - d_j))
    for (std::int32_t t = 0; t <= counts.max_duration(); ++t) {
        std::int64_t d = 0, c = 0;
        for (std::size_t g : groups) {
            d += counts.events(g, t);
            c += counts.censored(g, t);
        }
        if (d > 0) {
            KaplanMeierRow r;
            r.time = t;
            r.at_risk = at_risk;
            r.events = d;
            // Product-limit estimator (Kaplan & Meier 1958): S(t) = prod_{t_j <= t} (1 - d_j / n_j).
            survival *= 1.0 - double(d) / double(at_risk);
            r.survival = survival;
            if (d < at_risk) {
                greenwood_sum += double(d) / (double(at_risk) * double(at_risk - d));
                // Greenwood (1926): Var S(t) = S(t)^2 sum d_j / (n_j (n_j - d_j)).
                r.std_error = survival * std::sqrt(greenwood_sum);
                // Log-log interval (Kalbfleisch & Prentice 1980, sec. 1.3; Collett 2015, sec.
                // 2.2.3): the delta-method variance of log(-log S) is
                // sum d_j / (n_j (n_j - d_j)) / (log S)^2, and back-transforming
                // log(-log S) -/+ z sigma gives S^exp(+/- z sigma), which stays in [0, 1].
                const double sigma = std::sqrt(greenwood_sum) / std::abs(std::log(survival));
                r.lower = std::pow(survival, std::exp(z * sigma));
                r.upper = std::pow(survival, std::exp(-z * sigma));
            } else {
                // Every subject at risk churned: S = 0 and Greenwood's variance is 0 * infinity.
                // Left undefined, as in R's survfit.
                r.std_error = r.lower = r.upper = kNaN;
            }
            curve.rows.push_back(r);
            curve.events += d;
        }
        if (c > 0) {
            if (curve.rows.empty()) curve.censored_before_first += c;
            else curve.rows.back().censored += c;  // in [t_j, t_{j+1}): censored after the events at t_j
        }
        at_risk -= d + c;
        for (std::size_t g : groups) at_risk += counts.entered(g, t);
    }
    curve.median = survival_quantile(curve, 0.5);
    return curve;
}

KaplanMeierCurve kaplan_meier(const SurvivalCounts& counts, std::size_t group, double level) {
    return kaplan_meier(counts, std::span<const std::size_t>(&group, 1), level);
}

SurvivalQuantile survival_quantile(const KaplanMeierCurve& curve, double p) noexcept {
    // The p-quantile is the first event time with S(t) <= 1 - p (Collett 2015, sec. 2.4). Its
    // interval, Brookmeyer & Crowley (1982), is the set of times whose pointwise interval
    // contains 1 - p; read off the band, it runs from the first time the lower band is <= 1 - p
    // to the first time the upper band is <= 1 - p (as R's quantile.survfit does).
    const double target = 1.0 - p;
    SurvivalQuantile q;
    q.time = first_at_or_below(curve.rows, &KaplanMeierRow::survival, target);
    q.lower = first_at_or_below(curve.rows, &KaplanMeierRow::lower, target);
    q.upper = first_at_or_below(curve.rows, &KaplanMeierRow::upper, target);
    return q;
}

}  // namespace engage::kernels
