#include "io/report/survival_report.hpp"

#include <cmath>
#include <string>

#include "engagement/engagement_config.hpp"
#include "io/report/csv.hpp"
#include "io/report/retention_report.hpp"
#include "survival/log_rank.hpp"

namespace engage::io {

namespace {

using json = nlohmann::ordered_json;
using namespace kernels;

json number(double v) { return std::isfinite(v) ? json(v) : json(); }

// The Cox model: per entered covariate, the coefficient per standard deviation (the scale it
// was fitted on) and per unit, the hazard ratios with their 95 % Wald intervals, z and p.
json cox_json(const SurvivalReportInput& in) {
    const CoxDesign& d = *in.design;
    json c;
    c["ties"] = "efron";
    c["method"] = "Newton-Raphson with step halving (R coxph), per-day exact sums over all ranks";
    c["standardisation"] = "each covariate centred on its mean and divided by its standard deviation over the "
                           "customers at risk at the as-of date who have it";
    c["customers_at_risk"] = d.at_risk;
    json excluded = json::array();
    for (int k = 0; k < kCoxCovariates; ++k) {
        if (d.entered[std::size_t(k)]) continue;
        excluded.push_back({{"covariate", kCoxCovariateNames[k]}, {"known", d.known[std::size_t(k)]},
                            {"reason", 2 * d.known[std::size_t(k)] < d.at_risk ? "known for fewer than half of the customers at risk"
                                                                               : "constant among the customers at risk"}});
    }
    c["covariates_left_out"] = excluded;
    if (!in.fit) {
        c["fitted"] = false;
        c["reason"] = d.at_risk == 0                 ? "no customer at risk at the as-of date"
                      : d.covariates() == 0          ? "no covariate entered the model"
                      : in.model_customers == 0      ? "no customer at risk has every entered covariate"
                                                     : "no churn among the customers with every covariate known";
        return c;
    }
    const CoxFit& f = *in.fit;
    c["fitted"] = true;
    c["customers"] = in.model_customers;
    c["events"] = in.model_events;
    c["customers_with_a_covariate_unknown"] = d.at_risk - in.model_customers;
    c["log_likelihood_null"] = number(f.log_likelihood_null);
    c["log_likelihood"] = number(f.log_likelihood);
    const int p = d.covariates();
    const double lr = 2 * (f.log_likelihood - f.log_likelihood_null);
    c["likelihood_ratio"] = {{"chi_square", number(lr)}, {"degrees_of_freedom", p},
                             {"p_value", number(chi_square_upper_tail(lr, p))}};
    c["iterations"] = f.iterations;
    c["converged"] = f.converged;
    json rows = json::array();
    constexpr double z95 = 1.959963984540054;
    std::size_t j = 0;
    for (int k = 0; k < kCoxCovariates; ++k) {
        const auto kk = std::size_t(k);
        if (!d.entered[kk]) continue;
        const double b = f.beta[j], se = f.std_error[j], sd = d.sd[kk];
        const double z = b / se;
        rows.push_back({{"covariate", kCoxCovariateNames[k]},
                        {"unit", kCoxCovariateUnits[k]},
                        {"known", d.known[kk]},
                        {"mean", number(d.mean[kk])},
                        {"sd", number(sd)},
                        {"coefficient_per_sd", number(b)},
                        {"std_error_per_sd", number(se)},
                        {"z", number(z)},
                        {"p_value", number(std::erfc(std::fabs(z) / std::sqrt(2.0)))},
                        {"hazard_ratio_per_sd", number(std::exp(b))},
                        {"hazard_ratio_per_sd_lower", number(std::exp(b - z95 * se))},
                        {"hazard_ratio_per_sd_upper", number(std::exp(b + z95 * se))},
                        {"coefficient_per_unit", number(b / sd)},
                        {"std_error_per_unit", number(se / sd)},
                        {"hazard_ratio_per_unit", number(std::exp(b / sd))}});
        ++j;
    }
    c["coefficients"] = rows;
    if (in.zph) {
        // cox.zph: per covariate (1 df) and global (p df); a small p: the hazard ratio drifts
        // over the follow-up, and the model's single ratio is an average of it.
        json tests = json::array();
        std::size_t k = 0;
        for (int v = 0; v < kCoxCovariates; ++v) {
            if (!d.entered[std::size_t(v)]) continue;
            const double x = in.zph->chi_square[k++];
            tests.push_back({{"covariate", kCoxCovariateNames[v]}, {"chi_square", number(x)}, {"degrees_of_freedom", 1},
                             {"p_value", number(chi_square_upper_tail(x, 1))}});
        }
        const double g = in.zph->chi_square.back();
        tests.push_back({{"covariate", "GLOBAL"}, {"chi_square", number(g)}, {"degrees_of_freedom", p},
                         {"p_value", number(chi_square_upper_tail(g, p))}});
        c["proportional_hazards"] = {
            {"method", "score test of x * g(t), g = 1 - Kaplan-Meier(t-) centred over the events (R cox.zph, "
                       "transform \"km\"; scaled Schoenfeld residuals, Grambsch & Therneau 1994)"},
            {"tests", tests}};
    }
    if (in.concordance) {
        const Concordance& h = *in.concordance;
        c["concordance"] = {
            {"harrell_c", number(h.c)},
            {"predictor", "the linear predictor sum of coefficient_per_sd * (x - mean) / sd, keyed into " +
                              std::to_string(in.concordance_keys) + " equal bins between its extremes"},
            {"predictor_min", number(in.predictor_lo)},
            {"predictor_max", number(in.predictor_hi)},
            {"keys", in.concordance_keys},
            {"concordant", h.concordant},
            {"discordant", h.discordant},
            {"tied_predictor", h.tied_x},
            {"tied_time", h.tied_y}};
        json horizons = json::array();
        for (const auto& x : in.horizons)
            horizons.push_back({{"days", x.days}, {"auc", number(x.auc)}, {"brier", number(x.brier)},
                                {"baseline_cumulative_hazard", number(x.cumulative_hazard)}});
        c["prediction"] = {
            {"auc", "cumulative/dynamic AUC of the keyed predictor: churned by the horizon against still a customer "
                    "then (no censoring before the end of follow-up, so no weights)"},
            {"brier", "mean over the model's customers of (1{follow-up > horizon} - S(horizon | x))^2, "
                      "S = exp(-H0 exp(linear predictor)), H0 Efron's baseline cumulative hazard"},
            {"horizons", horizons}};
    }
    return c;
}

}  // namespace

json survival_report(const SurvivalReportInput& in) {
    json s;
    s["view"] = "forward-looking (landmark): customers at risk at the as-of date, grouped by their tier then, "
                "followed over the holdout after it";
    s["landmark"] = in.as_of;
    s["follow_up_end"] = in.follow_up_end;
    s["follow_up_days"] = in.follow_up_days;
    s["churn"] = in.churn;
    s["event_time"] = "days from the as-of date to the churn day (1 to follow_up_days); censored at follow_up_days";
    const SurvivalCounts& counts = *in.survival;
    json curves = json::array();
    std::vector<std::size_t> tiers;
    std::int64_t at_risk = 0, churned = 0;
    for (int t = 0; t < kTiers; ++t) {
        const auto g = std::size_t(t);
        curves.push_back(survival_curve_json(counts, g, kTierNames[t]));
        // S(t) past the follow-up is not observed: null, not the last value carried on.
        for (auto& [days, value] : curves.back()["survival_at_days"].items())
            if (std::stoi(days) > in.follow_up_days) value = nullptr;
        at_risk += counts.subjects(g);
        churned += curves.back()["churned"].get<std::int64_t>();
        if (counts.subjects(g) > 0) tiers.push_back(g);
    }
    s["customers_at_risk"] = at_risk;
    s["churned"] = churned;
    s["by_tier"] = curves;
    if (tiers.size() >= 2) {
        const LogRankTest lr = log_rank(counts, tiers);
        json groups = json::array();
        for (std::size_t i = 0; i < lr.groups.size(); ++i)
            groups.push_back({{"tier", kTierNames[lr.groups[i]]}, {"observed", lr.observed[i]},
                              {"expected", number(lr.expected[i])}});
        s["log_rank"] = {{"chi_square", number(lr.chi_square)}, {"degrees_of_freedom", lr.degrees_of_freedom},
                         {"p_value", number(lr.p_value)}, {"groups", groups}};
    } else {
        s["log_rank"] = nullptr;
    }
    s["cox"] = cox_json(in);
    return s;
}

std::vector<CsvTable> survival_tables(const json& s) {
    std::string km = "tier,days,at_risk,events,censored,survival,std_error,lower,upper\n";
    for (const auto& c : s["by_tier"]) {
        if (c.value("empty", false)) km += csv_row({c["group"], nullptr, 0, 0, 0, nullptr, nullptr, nullptr, nullptr});
        for (const auto& row : c["table"])
            km += csv_row({c["group"], row["days"], row["at_risk"], row["events"], row["censored"], row["survival"],
                           row["std_error"], row["lower"], row["upper"]});
    }
    std::string cox = "covariate,unit,known,mean,sd,coefficient_per_sd,std_error_per_sd,z,p_value,hazard_ratio_per_sd,"
                      "hazard_ratio_per_sd_lower,hazard_ratio_per_sd_upper,coefficient_per_unit,std_error_per_unit,"
                      "hazard_ratio_per_unit,ph_chi_square,ph_p_value\n";
    const json* ph = s["cox"].contains("proportional_hazards") ? &s["cox"]["proportional_hazards"]["tests"] : nullptr;
    std::size_t k = 0;
    if (s["cox"].value("fitted", false))
        for (const auto& r : s["cox"]["coefficients"]) {
            const json none;
            const json& t = ph && k < ph->size() ? (*ph)[k] : none;
            ++k;
            cox += csv_row({r["covariate"], r["unit"], r["known"], r["mean"], r["sd"], r["coefficient_per_sd"],
                            r["std_error_per_sd"], r["z"], r["p_value"], r["hazard_ratio_per_sd"],
                            r["hazard_ratio_per_sd_lower"], r["hazard_ratio_per_sd_upper"], r["coefficient_per_unit"],
                            r["std_error_per_unit"], r["hazard_ratio_per_unit"], t.is_null() ? json() : t["chi_square"],
                            t.is_null() ? json() : t["p_value"]});
        }
    return {{"landmark_survival.csv", km}, {"cox.csv", cox}};
}

}  // namespace engage::io
