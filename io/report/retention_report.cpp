#include "io/report/retention_report.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/dates.hpp"
#include "engagement/engagement_config.hpp"
#include "io/customer_base.hpp"
#include "io/report/csv.hpp"
#include "retention/model_comparison.hpp"
#include "report/suppression.hpp"
#include "stats/wilson.hpp"
#include "survival/kaplan_meier.hpp"
#include "survival/log_rank.hpp"

namespace engage::io {

namespace {

using json = nlohmann::ordered_json;
using namespace kernels;

json number(double v) { return std::isfinite(v) ? json(v) : json(); }
json day(const std::optional<std::int32_t>& d) { return d ? json(*d) : json(); }

// A model fitted on no customer (none with a purchase, or none with repeat purchases for
// Gamma-Gamma) has no estimate: reported as not fitted, with the reason and null parameters.
json fit_json(const char* model, std::initializer_list<std::pair<const char*, double>> params, double ll,
              int evaluations, int status, bool fitted, const char* reason_if_not) {
    if (!fitted)
        return {{"model", model}, {"fitted", false}, {"reason", reason_if_not}, {"parameters", nullptr},
                {"log_likelihood", nullptr}, {"evaluations", 0}, {"converged", false}, {"status", nullptr}};
    json p;
    for (const auto& [name, value] : params) p[name] = value;
    // Converged only when a tolerance was met: an evaluation or time limit (NLopt's 5 and 6, also
    // "positive") leaves the parameters wherever the search stopped. The outcome is named beside it.
    return {{"model", model}, {"fitted", true}, {"parameters", p}, {"log_likelihood", ll}, {"evaluations", evaluations},
            {"converged", nlopt_converged(status)}, {"status", nlopt_status_name(status)}};
}

// Customers at risk (neither churned nor censored before the day) every 10 days from day 0 to
// the last day with a customer: the at-risk counts printed under a survival chart.
// Customers with a delayed entry (acquired before the data) count from the day after it.
json at_risk_every_10_days(const SurvivalCounts& s, std::size_t group) {
    json out = json::array();
    std::int64_t left = s.at_risk_at_start(group), waiting = s.subjects(group) - left;
    for (std::int32_t day = 0; day <= s.max_duration() && left + waiting > 0; ++day) {
        if (day % 10 == 0) out.push_back(left);
        left += s.entered(group, day) - s.events(group, day) - s.censored(group, day);
        waiting -= s.entered(group, day);
    }
    return out;
}

json curve_json(const KaplanMeierCurve& c, const char* group, json at_risk) {
    json rows = json::array();
    for (const auto& r : c.rows)
        rows.push_back({{"days", r.time}, {"at_risk", r.at_risk}, {"events", r.events}, {"censored", r.censored},
                        {"survival", number(r.survival)}, {"std_error", number(r.std_error)}, {"lower", number(r.lower)},
                        {"upper", number(r.upper)}});
    json at;
    for (int d : {30, 90, 180, 365}) at[std::to_string(d)] = number(c.survival_at(d));
    // A tier with no customers has no curve: "empty", null survival, no rows (not S = 1).
    return {{"group", group},
            {"customers", c.subjects},
            {"empty", c.subjects == 0},
            {"churned", c.events},
            {"median_days", {{"estimate", day(c.median.time)}, {"lower", day(c.median.lower)}, {"upper", day(c.median.upper)}}},
            {"survival_at_days", at},
            {"at_risk_every_10_days", std::move(at_risk)},
            {"table", rows}};
}

// A cell's value, or null where the cell is not observed or the cohort is withheld.
json cell(bool shown, double v) { return shown ? number(v) : json(); }

// One cohort matrix: per cohort the counts and rates of every bracket (docs/data-format.md),
// with Wilson 95 % intervals for the "on" and "on or after" rates, and the mean row weighted by
// cohort size over the cohorts shown that have eligible customers in the bracket.
json cohort_json(const CohortRetention& cohorts, std::span<const std::size_t> groups, CohortEntry entry,
                 std::int64_t min_size, bool amounts) {
    const CohortTable t = cohorts.table(entry, groups, min_size);
    const std::size_t p = std::size_t(t.periods);
    json rows = json::array();
    for (std::int32_t c = 0; c < t.cohorts; ++c) {
        const bool withheld = t.suppressed[std::size_t(c)] != 0;
        json classic = json::array(), rolling = json::array(), counts = json::array(), eligible = json::array(),
             lower = json::array(), upper = json::array(), rolling_lower = json::array(), rolling_upper = json::array(),
             revenue = json::array(), revenue_retention = json::array(), per_customer = json::array();
        for (std::int32_t k = 0; k < t.periods; ++k) {
            const std::size_t i = std::size_t(c) * p + std::size_t(k);
            const bool shown = t.observed(c, k) && !withheld;
            const ProportionInterval on = wilson_interval(t.active[i], t.eligible[i]);
            const ProportionInterval after = wilson_interval(t.rolling[i], t.eligible[i]);
            classic.push_back(cell(shown, t.rate(c, k)));
            rolling.push_back(cell(shown, t.rolling_rate(c, k)));
            counts.push_back(shown ? json(t.active[i]) : json());
            eligible.push_back(shown ? json(t.eligible[i]) : json());
            lower.push_back(cell(shown, on.lower));
            upper.push_back(cell(shown, on.upper));
            rolling_lower.push_back(cell(shown, after.lower));
            rolling_upper.push_back(cell(shown, after.upper));
            revenue.push_back(cell(shown && amounts, double(t.revenue[i]) / 100.0));
            revenue_retention.push_back(cell(shown && amounts, t.revenue_retention(c, k)));
            per_customer.push_back(cell(shown && amounts, t.revenue_per_customer(c, k)));
        }
        rows.push_back({{"cohort", format_iso_date(t.cohort_start_unix_day(c))},
                        {"customers", withheld ? json() : json(t.size[std::size_t(c)])},
                        {"active", counts},
                        {"retention", classic},
                        {"rolling_retention", rolling},
                        {"suppressed", withheld},
                        {"eligible", eligible},
                        {"retention_lower", lower},
                        {"retention_upper", upper},
                        {"rolling_lower", rolling_lower},
                        {"rolling_upper", rolling_upper},
                        {"revenue", revenue},
                        {"revenue_retention", revenue_retention},
                        {"revenue_per_customer", per_customer}});
    }
    json mean = json::array(), mean_rolling = json::array(), mean_customers = json::array(), mean_lower = json::array(),
         mean_upper = json::array(), mean_revenue = json::array(), mean_per_customer = json::array();
    for (std::int32_t k = 0; k < t.periods; ++k) {
        const std::size_t i = std::size_t(k);
        // A pooled cell of fewer customers than the minimum would show a withheld cohort's rate.
        const bool shown = t.mean_size[i] >= std::max<std::int64_t>(min_size, 1);
        const ProportionInterval on = wilson_interval(t.mean_active[i], t.mean_size[i]);
        mean.push_back(cell(shown, t.mean_rate(k)));
        mean_rolling.push_back(cell(shown, t.mean_rolling_rate(k)));
        mean_customers.push_back(shown ? json(t.mean_size[i]) : json());
        mean_lower.push_back(cell(shown, on.lower));
        mean_upper.push_back(cell(shown, on.upper));
        mean_revenue.push_back(cell(shown && amounts, t.mean_revenue_retention(k)));
        mean_per_customer.push_back(cell(shown && amounts, t.mean_revenue_per_customer(k)));
    }
    return {{"cohorts", rows},
            {"mean_weighted_by_size", mean},
            {"mean_rolling_weighted_by_size", mean_rolling},
            {"mean_customers", mean_customers},
            {"mean_lower", mean_lower},
            {"mean_upper", mean_upper},
            {"mean_revenue_retention", mean_revenue},
            {"mean_revenue_per_customer", mean_per_customer}};
}

// report.json's key of the breakdown's matrices and of the group's name in each.
std::pair<std::string, std::string> breakdown_keys(const std::string& by) {
    if (by == "rm") return {"relationship_managers", "relationship_manager"};
    return {by + "s", by};
}

// Each fitted model's customers n, AIC and BIC (kernels/retention/model_comparison.hpp); null
// when not fitted.
void add_information_criteria(json& models, std::initializer_list<std::pair<const char*, std::int64_t>> customers) {
    for (json& m : models) {
        std::int64_t n = 0;
        for (const auto& [name, count] : customers)
            if (m["model"] == name) n = count;
        m["customers"] = n;
        if (!m["fitted"].get<bool>()) {
            m["aic"] = nullptr;
            m["bic"] = nullptr;
            continue;
        }
        const InformationCriteria c =
            information_criteria(m["log_likelihood"].get<double>(), int(m["parameters"].size()), n);
        m["aic"] = number(c.aic);
        m["bic"] = number(c.bic);
    }
}

// BG/NBD against Pareto/NBD: fitted on the same (x, t_x, T) of the same customers, so their
// information criteria compare (Gamma-Gamma models spend, BG/BB other data: theirs do not); with
// a holdout, each one's error on the holdout's repeat transactions; and the model of the
// per-customer predictions (--prediction-model).
json model_comparison(const json& models, const RetentionReportInput& in, const RetentionConfig& o) {
    json c;
    c["compared"] = {"bg_nbd", "pareto_nbd"};
    c["prediction_model"] = prediction_model_name(o.prediction_model);
    const json* best_aic = nullptr;
    const json* best_bic = nullptr;
    for (const json& m : models) {
        if (m["model"] != "bg_nbd" && m["model"] != "pareto_nbd") continue;
        if (!m["fitted"].get<bool>() || !m["aic"].is_number()) continue;
        if (!best_aic || m["aic"].get<double>() < (*best_aic)["aic"].get<double>()) best_aic = &m;
        if (!best_bic || m["bic"].get<double>() < (*best_bic)["bic"].get<double>()) best_bic = &m;
    }
    c["lowest_aic"] = best_aic ? (*best_aic)["model"] : json();
    c["lowest_bic"] = best_bic ? (*best_bic)["model"] : json();
    if (o.holdout_days > 0) {
        auto error = [&](double predicted) {
            return in.holdout_actual > 0 ? number((predicted / in.holdout_actual - 1) * 100) : json();
        };
        c["holdout_error_percent"] = {{"bg_nbd", in.bg_nbd->fitted ? error(in.holdout_bg_nbd) : json()},
                                      {"pareto_nbd", in.pareto_nbd->fitted ? error(in.holdout_pareto_nbd) : json()}};
    }
    return c;
}

// The Wheat-Morrison estimate of purchase regularity (kernels/retention/regularity.hpp): k about
// 1 is Poisson-like purchasing, as BG/NBD and Pareto/NBD assume; k well above 1, more regular
// buying, where they tend to over-forecast the lapsed (MBG/CNBD-k would fit; docs/metrics.md).
json regularity_json(const WheatMorrisonEstimate& e) {
    const char* reading = e.customers == 0   ? "no customer with three distinct purchase days"
                          : !(e.k < 1.5)     ? "more regular than Poisson: BG/NBD and Pareto/NBD may over-forecast"
                          : !(e.k > 0.67)    ? "more clumped than Poisson"
                                             : "close to Poisson, as BG/NBD and Pareto/NBD assume";
    return {{"method", "wheat_morrison"},
            {"customers", e.customers},
            {"k", number(e.k)},
            {"variance", number(e.variance)},
            {"reading", reading}};
}

// BG/BB's fit on discrete opportunities, beside the other models: its opportunity length, the
// customers and distinct patterns it was fitted on and, with a holdout, the opportunities with a
// purchase in the holdout, actual and predicted, in total and one by one (the first
// kBgbbHoldoutTable).
json bgbb_json(const RetentionReportInput& in, const RetentionConfig& o) {
    const BgbbFit& f = *in.bg_bb;
    json m = fit_json("bg_bb", {{"alpha", f.params.alpha}, {"beta", f.params.beta}, {"gamma", f.params.gamma},
                                {"delta", f.params.delta}},
                      f.log_likelihood, f.evaluations, f.nlopt_status, f.fitted, "no customer with a purchase by the calibration end");
    m["opportunity_days"] = o.opportunity_days;
    m["customers"] = in.bgbb_actual[0];
    m["conventions"] = "opportunities of " + std::to_string(o.opportunity_days) +
                       " days ending on the calibration end; the period of the first purchase is the trial; "
                       "an opportunity with one purchase or more is one transaction";
    const std::int32_t holdout = o.holdout_days / o.opportunity_days;
    if (o.holdout_days > 0) {
        json per = json::array();
        for (int k = 0; k < std::min<int>(holdout, kBgbbHoldoutTable); ++k)
            per.push_back({{"opportunity", k + 1},
                           {"actual", in.bgbb_actual[std::size_t(2 + k)]},
                           {"predicted", f.fitted ? number(in.bgbb_predicted->value(std::size_t(1 + k))) : json()}});
        m["holdout"] = {{"opportunities", holdout},
                        {"actual_transactions", in.bgbb_actual[1]},
                        {"predicted_transactions", f.fitted ? number(in.bgbb_predicted->value(0)) : json()},
                        {"by_opportunity", per}};
    }
    return m;
}

}  // namespace

json retention_report(const RetentionReportInput& in, const kernels::RetentionConfig& o, const CustomerBaseMeta& meta,
                      const std::string& calibration_end, const std::string& holdout_end) {
    json r;
    r["calibration_end"] = calibration_end;
    r["holdout_end"] = o.holdout_days > 0 ? json(holdout_end) : json();
    r["conventions"] = "weeks; the first purchase is the trial; purchases on one day are one transaction";
    r["customers_with_a_purchase"] = in.calibrated;
    r["gamma_gamma_customers"] = in.gamma_gamma_customers;  // repeat purchases of positive mean value
    const auto& bg = *in.bg_nbd;
    const auto& pn = *in.pareto_nbd;
    const auto& gg = *in.gamma_gamma;
    const char* no_purchase = "no customer with a purchase by the calibration end";
    r["models"] = {
        fit_json("bg_nbd", {{"r", bg.params.r}, {"alpha", bg.params.alpha}, {"a", bg.params.a}, {"b", bg.params.b}},
                 bg.log_likelihood, bg.evaluations, bg.nlopt_status, bg.fitted, no_purchase),
        fit_json("pareto_nbd", {{"r", pn.params.r}, {"alpha", pn.params.alpha}, {"s", pn.params.s}, {"beta", pn.params.beta}},
                 pn.log_likelihood, pn.evaluations, pn.nlopt_status, pn.fitted, no_purchase),
        fit_json("gamma_gamma", {{"p", gg.params.p}, {"q", gg.params.q}, {"gamma", gg.params.gamma}}, gg.log_likelihood,
                 gg.evaluations, gg.nlopt_status, gg.fitted, "no customer with repeat purchases of positive value")};
    if (in.bg_bb) r["models"].push_back(bgbb_json(in, o));
    add_information_criteria(r["models"], {{"bg_nbd", in.calibrated},
                                           {"pareto_nbd", in.calibrated},
                                           {"gamma_gamma", in.gamma_gamma_customers},
                                           {"bg_bb", in.bg_bb ? in.bgbb_actual[0] : 0}});
    r["model_comparison"] = model_comparison(r["models"], in, o);
    r["regularity"] = regularity_json(in.regularity);
    if (o.holdout_days > 0)
        r["holdout"] = {{"days", o.holdout_days},
                        {"actual_repeat_transactions", in.holdout_actual},
                        {"predicted_bg_nbd", in.holdout_bg_nbd},
                        {"predicted_pareto_nbd", in.holdout_pareto_nbd}};
    r["predictions"] = {{"model", prediction_model_name(o.prediction_model)},
                        {"horizon_weeks", o.horizon_weeks},
                        {"annual_discount_rate", o.annual_discount_rate}};

    json curves = json::array();
    std::vector<std::size_t> tiers;
    for (int t = 0; t < kTiers; ++t) {
        curves.push_back(survival_curve_json(*in.survival, std::size_t(t), kTierNames[t]));
        if (in.survival->subjects(std::size_t(t)) > 0) tiers.push_back(std::size_t(t));
    }
    json survival;
    // Tiers measured at the end of follow-up: a customer who churned before it is "not engaged"
    // then, so these curves describe, they do not predict (report.json's "survival" section has
    // the forward-looking landmark view; docs/metrics.md).
    survival["view"] = "descriptive: tiers at the calibration end, which is also the end of follow-up";
    survival["churn"] = o.cancel_code >= 0 ? "first interaction on channel " + o.cancel_channel + " (contractual)"
                                           : "no interaction for " + std::to_string(o.churn_days) + " days (non-contractual)";
    survival["by_tier"] = curves;
    if (tiers.size() >= 2) {
        const LogRankTest lr = log_rank(*in.survival, tiers);
        survival["log_rank"] = {{"chi_square", number(lr.chi_square)},
                                {"degrees_of_freedom", lr.degrees_of_freedom},
                                {"p_value", number(lr.p_value)}};
    }
    r["survival"] = survival;

    json cohorts;
    cohorts["unit"] = std::string(cohort_unit_name(o.cohort_unit));
    const CohortRetention& matrix = *in.cohorts;
    const std::vector<std::string> names = cohort_group_names(meta, o.cohort_by);
    std::vector<std::size_t> all(matrix.groups());
    std::iota(all.begin(), all.end(), 0);
    cohorts["entry"] = "first_time: each customer in its acquisition cohort; recurring: in the cohort of every "
                       "period it was active";
    const std::vector<std::int32_t> bounds = cohort_bracket_bounds(matrix.config());
    json brackets = json::array();
    for (std::size_t j = 0; j + 1 < bounds.size(); ++j) brackets.push_back({bounds[j], bounds[j + 1] - 1});
    cohorts["windows"] = std::string(cohort_window_name(o.cohort_window));
    cohorts["brackets"] = brackets;  // [first, last] period of each column
    cohorts["by"] = o.cohort_by;
    cohorts["min_size"] = o.cohort_min_size;
    cohorts["show"] = o.cohort_show;
    const std::int64_t min_size = o.cohort_min_size;
    cohorts["corporate"] = cohort_json(matrix, all, CohortEntry::first_time, min_size, meta.has_amounts);
    cohorts["corporate_recurring"] = matrix.has_recurring()
                                         ? cohort_json(matrix, all, CohortEntry::recurring, min_size, meta.has_amounts)
                                         : json();
    // Groups smaller than the minimum folded into "other" (kernels/report/suppression.hpp);
    // with the minimum 1 every group is listed, empty ones included.
    std::vector<std::int64_t> sizes(all.size());
    for (std::size_t g = 0; g < all.size(); ++g) sizes[g] = matrix.entrants(g);
    SuppressionPlan plan;
    if (min_size > 1) plan = plan_suppression(sizes, min_size);
    else plan.kept = all;
    const auto [key, name_key] = breakdown_keys(o.cohort_by);
    json groups = json::array();
    for (std::size_t g : plan.kept) {
        json one = cohort_json(matrix, std::span<const std::size_t>(&g, 1), CohortEntry::first_time, min_size,
                               meta.has_amounts);
        one[name_key] = g < names.size() ? names[g] : std::to_string(g);
        groups.push_back(one);
    }
    if (plan.other_shown) {
        json one = cohort_json(matrix, plan.folded, CohortEntry::first_time, min_size, meta.has_amounts);
        std::string plural = key;
        std::replace(plural.begin(), plural.end(), '_', ' ');
        one[name_key] = "other (" + std::to_string(plan.folded.size()) + " " + plural + ")";  // as engagement.csv
        groups.push_back(one);
    }
    cohorts["suppressed_groups"] = plan.folded.size();
    cohorts[key] = groups;
    r["cohorts"] = cohorts;
    return r;
}

std::vector<std::string> cohort_group_names(const CustomerBaseMeta& meta, const std::string& by) {
    if (by == "region") return meta.region_names;
    if (by == "segment") return meta.segment_names;
    if (by == "rm") return meta.rm_names;
    return meta.business_unit_names;
}

json survival_curve_json(const SurvivalCounts& counts, std::size_t group, const char* name) {
    return curve_json(kaplan_meier(counts, group), name, at_risk_every_10_days(counts, group));
}

std::vector<CsvTable> retention_tables(const json& r) {
    std::string survival = "tier,days,at_risk,events,censored,survival,std_error,lower,upper\n";
    for (const auto& c : r["survival"]["by_tier"]) {
        // A tier with no customers: one marker row with no day and no survival, so that the
        // file says the curve is absent rather than leaving the tier out.
        if (c.value("empty", false))
            survival += csv_row({c["group"], nullptr, 0, 0, 0, nullptr, nullptr, nullptr, nullptr});
        for (const auto& row : c["table"])
            survival += csv_row({c["group"], row["days"], row["at_risk"], row["events"], row["censored"],
                                 row["survival"], row["std_error"], row["lower"], row["upper"]});
    }
    // level and group as in the other tables; the recurring-entry matrix is a level of its own,
    // and each matrix's mean row weighted by cohort size the level "<level>_mean".
    std::string cohorts = "level,group,cohort,customers,period,active,retention,rolling_retention,last_period,eligible,"
                          "retention_lower,retention_upper,rolling_lower,rolling_upper,revenue,revenue_retention,"
                          "revenue_per_customer\n";
    const json& section = r["cohorts"];
    const json& brackets = section["brackets"];
    auto add = [&](const std::string& level, const std::string& group, const json& table) {
        if (table.is_null()) return;
        for (const auto& c : table["cohorts"])
            for (std::size_t k = 0; k < c["retention"].size(); ++k)
                cohorts += csv_row({level, group, c["cohort"], c["customers"], brackets[k][0], c["active"][k],
                                    c["retention"][k], c["rolling_retention"][k], brackets[k][1], c["eligible"][k],
                                    c["retention_lower"][k], c["retention_upper"][k], c["rolling_lower"][k],
                                    c["rolling_upper"][k], c["revenue"][k], c["revenue_retention"][k],
                                    c["revenue_per_customer"][k]});
        const json& m = table["mean_weighted_by_size"];
        for (std::size_t k = 0; k < m.size(); ++k)
            cohorts += csv_row({level + "_mean", group, nullptr, table["mean_customers"][k], brackets[k][0],
                                nullptr, m[k], table["mean_rolling_weighted_by_size"][k], brackets[k][1],
                                table["mean_customers"][k], table["mean_lower"][k], table["mean_upper"][k], nullptr,
                                nullptr, nullptr, table["mean_revenue_retention"][k],
                                table["mean_revenue_per_customer"][k]});
    };
    add("corporate", "corporate", section["corporate"]);
    add("corporate_recurring", "corporate", section["corporate_recurring"]);
    const auto [key, name_key] = breakdown_keys(section["by"].get<std::string>());
    const std::string level = section["by"].get<std::string>();
    for (const auto& u : section[key]) add(level, u[name_key].get<std::string>(), u);
    return {{"survival.csv", survival}, {"cohort_retention.csv", cohorts}};
}

}  // namespace engage::io
