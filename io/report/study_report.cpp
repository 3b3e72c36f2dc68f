#include "io/report/study_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "io/customer_base.hpp"
#include "io/report/csv.hpp"

namespace engage::io {

namespace {

using json = nlohmann::ordered_json;
using namespace kernels;

json number(double v) { return std::isfinite(v) ? json(v) : json(); }
json ratio(double a, double b) { return b != 0 ? number(a / b) : json(); }

json auc_json(const AucResult& a) {
    return {{"auc", number(a.auc)}, {"ci_low", number(a.ci_low)}, {"ci_high", number(a.ci_high)},
            {"se", number(a.se)}, {"retained", a.positives}, {"churned", a.negatives}};
}

json claim_json(const ClaimResult& r, const char* kind, const std::string& name) {
    return {{"kind", kind}, {"name", name}, {"value", number(r.value)}, {"ci_low", number(r.ci_low)},
            {"ci_high", number(r.ci_high)}, {"n", r.n}, {"n_reference", r.n_reference},
            {"compared", number(r.compared)}, {"reference", number(r.reference)}, {"suppressed", r.suppressed}};
}

struct ClaimText {
    const char* label;
    const char* compared;   // what `compared` and `reference` are
    double published;
    const char* source;
    const char* published_measures;  // what the published figure measures: context, not a target
};
constexpr ClaimText kClaimTexts[kClaims] = {
    {"Revenue premium of fully engaged customers over the average customer",
     "mean revenue over the horizon: fully engaged vs all customers", 0.23, "Gallup",
     "attitudinal engagement from Gallup's CE11 survey against the average customer, not a behavioural score: "
     "context, not a target; this measure is an unadjusted association that past revenue alone can match"},
    {"Lower attrition of engaged customers (engaged and fully engaged) than of the others",
     "churn rate over the horizon: engaged vs not engaged and actively disengaged", 0.63,
     "Gallup, B2B customers",
     "attitudinal engagement of B2B customers from a survey, not a behavioural score: context, not a target; "
     "this measure is unadjusted and depends on the tier cuts"},
    {"Higher share of wallet of engaged customers than of the others",
     "mean share of wallet over the horizon: engaged vs the others", 0.55, "Gallup, B2B customers",
     "attitudinal engagement of B2B customers from a survey, not a behavioural score: context, not a target; "
     "this measure is unadjusted and depends on the tier cuts"},
};

json claims_json(const ClaimsState& claims, const CustomerBaseMeta& meta, std::int64_t min_group_size) {
    json out = json::array();
    for (int c = 0; c < kClaims; ++c) {
        json groups = json::array();
        groups.push_back(claim_json(claims.result(Claim(c), 0, min_group_size), "corporate", "corporate"));
        for (std::size_t b = 0; b < meta.business_unit_names.size(); ++b)
            groups.push_back(
                claim_json(claims.result(Claim(c), 1 + b, min_group_size), "business_unit", meta.business_unit_names[b]));
        out.push_back({{"claim", kClaimNames[c]}, {"label", kClaimTexts[c].label},
                       {"compares", kClaimTexts[c].compared}, {"reference", kClaimTexts[c].published},
                       {"source", kClaimTexts[c].source}, {"published_measures", kClaimTexts[c].published_measures},
                       {"groups", std::move(groups)}});
    }
    return out;
}

json paired_json(const PairedAucResult& t) {
    return {{"difference", number(t.difference)}, {"se", number(t.se)}, {"ci_low", number(t.ci_low)},
            {"ci_high", number(t.ci_high)}, {"z", number(t.z)}, {"p", number(t.p)}};
}

std::string three(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", v);
    return buf;
}

std::string p_text(double p) {
    char buf[32];
    if (p < 0.001) return "p < 0.001";
    std::snprintf(buf, sizeof buf, "p = %.3f", p);
    return buf;
}

// The attrition claim adjusted for RFM (docs/metrics.md, "Adjusted claims").
json attrition_json(const BaselineResult& r) {
    const AttritionRegressionResult& a = r.attrition;
    json j = {{"description", "exp(b1) of the logistic regression of churn over the horizon on engaged (tier engaged or "
                              "fully engaged) and RFM's three features (log recency, log purchases, log mean purchase "
                              "value) over the customers at risk: the odds of churning of the engaged over the others' "
                              "among customers of the same recency, frequency and monetary value (maximum likelihood); "
                              "95 % interval cluster-robust by relationship manager (G / (G - 1)), and robust with each "
                              "customer its own cluster"},
              {"available", r.attrition_unavailable.empty() && std::isfinite(a.odds_ratio)}};
    if (!r.attrition_unavailable.empty()) j["reason"] = r.attrition_unavailable;
    j.update({{"customers", a.customers}, {"engaged", a.engaged}, {"churned", a.churned},
              {"churned_engaged", a.churned_engaged}, {"clusters", a.clusters},
              {"unadjusted_odds_ratio", number(a.unadjusted_odds_ratio)}, {"log_odds_ratio", number(a.log_odds_ratio)},
              {"odds_ratio", number(a.odds_ratio)}, {"ci_low", number(a.ci_low)}, {"ci_high", number(a.ci_high)},
              {"se_cluster", number(a.se_cluster)}, {"se_model", number(a.se_model)},
              {"ci_low_robust", number(a.ci_low_robust)}, {"ci_high_robust", number(a.ci_high_robust)},
              {"se_robust", number(a.se_robust)}});
    return j;
}

// The baselines of a date (docs/metrics.md, "Baselines"): the RFM model, P(alive), each
// predictor's paired DeLong test against the composite and the best baseline in words.
json baselines_json(const BaselineResult& r, const std::string& as_of) {
    json b;
    b["population"] = "the backtest's customers (acquired and at risk on the scoring date), the same for every predictor";
    json rfm;
    rfm["available"] = r.rfm_unavailable.empty();
    if (!r.rfm_unavailable.empty()) rfm["reason"] = r.rfm_unavailable;
    rfm["model"] = "logistic regression for staying on standardised features, L2 penalty on the slopes";
    rfm["train_as_of"] = r.train_as_of;
    rfm["train_horizon_end"] = as_of;
    rfm["train_customers"] = r.train_customers;
    rfm["train_retained"] = r.train_retained;
    rfm["penalty"] = r.lambda;
    if (r.rfm_unavailable.empty() || !r.rfm.beta.empty()) {
        rfm["iterations"] = r.rfm.iterations;
        rfm["converged"] = r.rfm.converged;
        rfm["log_likelihood"] = number(r.rfm.log_likelihood);
        json coefficients = json::array();
        for (std::size_t i = 0; i < r.rfm.beta.size(); ++i) {
            const double est = r.rfm.beta[i], se = r.rfm.se[i];
            json c = {{"name", i == 0 ? "intercept" : kRfmFeatureNames[i - 1]}, {"estimate", number(est)}, {"se", number(se)},
                      {"ci_low", number(est - 1.959963984540054 * se)}, {"ci_high", number(est + 1.959963984540054 * se)}};
            if (i > 0) c["mean"] = number(r.rfm.mean[i - 1]), c["sd"] = number(r.rfm.scale[i - 1]);
            coefficients.push_back(std::move(c));
        }
        rfm["coefficients"] = std::move(coefficients);
    }
    b["rfm"] = std::move(rfm);
    json p_alive = {{"available", r.p_alive_unavailable.empty()}, {"customers_without_purchase", r.without_purchase}};
    if (!r.p_alive_unavailable.empty()) p_alive["reason"] = r.p_alive_unavailable;
    b["p_alive"] = std::move(p_alive);
    json versus;
    for (int p = 1; p < kBaselinePredictors; ++p)
        if (r.available(p)) versus[kBaselineNames[p]] = paired_json(r.versus_composite[std::size_t(p)]);
    b["versus_composite"] = std::move(versus);
    const int best = r.best_baseline();
    if (r.calibration) {
        json c;
        c["available"] = r.available(int(Baseline::calibrated));
        if (!r.calibrated_unavailable.empty()) c["reason"] = r.calibrated_unavailable;
        c["model"] = "logistic regression for staying on the five dimension scores at the training date, each as "
                     "(score - 50) / 100 (unknown: 0), L2 penalty on the weights";
        c["train_as_of"] = r.train_as_of;
        c["train_horizon_end"] = as_of;
        c["train_customers"] = r.calibration_customers;
        c["train_retained"] = r.calibration_retained;
        c["penalty"] = r.lambda;
        if (c["available"].get<bool>()) {
            c["iterations"] = r.calibrated.iterations;
            c["converged"] = r.calibrated.converged;
            c["intercept"] = number(r.calibrated.beta[0]);
            double total = 0, hand_total = 0;
            for (int d = 0; d < kDimensions; ++d) {
                total += std::fabs(r.calibrated.beta[std::size_t(d + 1)]);
                hand_total += r.hand_weights[std::size_t(d)];
            }
            json weights = json::array();
            for (int d = 0; d < kDimensions; ++d) {
                const double est = r.calibrated.beta[std::size_t(d + 1)], se = r.calibrated.se[std::size_t(d + 1)];
                weights.push_back({{"dimension", kDimensionNames[d]}, {"weight", number(est)}, {"se", number(se)},
                                   {"ci_low", number(est - 1.959963984540054 * se)},
                                   {"ci_high", number(est + 1.959963984540054 * se)},
                                   {"share", ratio(est, total)},
                                   // se = 1 / sqrt(lambda + H_dd): at 1 / sqrt(lambda) the data say
                                   // nothing of this weight (the dimension is unknown or constant).
                                   {"identified", se * se < 0.999 / r.lambda},
                                   {"hand_share", ratio(r.hand_weights[std::size_t(d)], hand_total)}});
            }
            c["weights"] = std::move(weights);
            c["versus_hand_weights"] = paired_json(r.versus_composite[std::size_t(Baseline::calibrated)]);
            if (best > 0) {
                c["versus_best_baseline"] = paired_json(r.calibrated_vs_best);
                c["versus_best_baseline"]["baseline"] = kBaselineNames[best];
            }
            if (r.available(int(Baseline::rfm))) c["versus_rfm"] = paired_json(r.calibrated_vs_rfm);
        }
        b["calibrated"] = std::move(c);
        // Nested: RFM with the dimensions added, against RFM alone.
        json n;
        n["available"] = r.available(int(Baseline::rfm_dimensions));
        if (!r.rfm_dimensions_unavailable.empty()) n["reason"] = r.rfm_dimensions_unavailable;
        n["model"] = "the calibrated score with R, F and M weighted inside usage: RFM's logistic regression with the five "
                     "dimension scores of the calibration added, fitted on the same customers at the training date; its "
                     "test against RFM alone is what the dimensions add over RFM";
        if (n["available"].get<bool>()) {
            n["iterations"] = r.rfm_dimensions.iterations;
            json coefficients = json::array();
            for (std::size_t i = 0; i < r.rfm_dimensions.beta.size(); ++i) {
                const double est = r.rfm_dimensions.beta[i], se = r.rfm_dimensions.se[i];
                const char* name = i == 0 ? "intercept" : i <= std::size_t(kRfmFeatures) ? kRfmFeatureNames[i - 1]
                                                                                          : kDimensionNames[i - 1 - kRfmFeatures];
                coefficients.push_back({{"name", name}, {"estimate", number(est)}, {"se", number(se)},
                                        {"ci_low", number(est - 1.959963984540054 * se)},
                                        {"ci_high", number(est + 1.959963984540054 * se)}});
            }
            n["coefficients"] = std::move(coefficients);
            if (r.available(int(Baseline::rfm))) n["versus_rfm"] = paired_json(r.rfm_dimensions_vs_rfm);
            if (best > 0) {
                n["versus_best_baseline"] = paired_json(r.rfm_dimensions_vs_best);
                n["versus_best_baseline"]["baseline"] = kBaselineNames[best];
            }
        }
        b["rfm_plus_dimensions"] = std::move(n);
    }
    if (best > 0) {
        const PairedAucResult& t = r.versus_composite[std::size_t(best)];
        const double composite = r.auc[0].auc, baseline = r.auc[std::size_t(best)].auc;
        std::string verdict;
        const std::string name = kBaselineNames[best];
        if (t.difference > 0)
            verdict = name + " predicts staying better than the composite: AUC " + three(baseline) + " vs " + three(composite) +
                      " (+" + three(t.difference) + ", paired DeLong " + p_text(t.p) + ")";
        else
            verdict = "the composite predicts staying at least as well as the best baseline, " + name + ": AUC " +
                      three(composite) + " vs " + three(baseline) + " (" + three(-t.difference) + " ahead, paired DeLong " +
                      p_text(t.p) + ")";
        b["best_baseline"] = {{"predictor", name}, {"auc", number(baseline)}, {"composite_auc", number(composite)},
                              {"difference", number(t.difference)}, {"p", number(t.p)},
                              {"best_predictor", t.difference > 0 ? name : std::string("composite")},
                              {"verdict", verdict}};
    }
    return b;
}

// `amounts`: false for a base without amounts (engage import --amount-column none), whose revenue is
// unknown: null, not 0.
json backtest_json(const StudyDate& d, bool planted, std::int64_t min_group_size, const BaselineResult* baselines,
                   bool amounts) {
    const BacktestResult& r = d.result;
    json b;
    b["as_of"] = d.as_of;
    b["horizon_end"] = d.horizon_end;
    b["wallets_known"] = d.wallets_known;
    b["customers"] = r.at_risk;
    b["churned"] = r.churned;
    b["churn_rate"] = ratio(double(r.churned), double(r.at_risk));
    json auc;
    for (int p = 0; p < kPredictors; ++p) auc[kPredictorNames[p]] = auc_json(r.auc[0][p]);
    if (baselines)  // the baselines fitted or modelled (recency is the study's own, above)
        for (int p : {int(Baseline::rfm), int(Baseline::p_alive), int(Baseline::calibrated), int(Baseline::rfm_dimensions)})
            if (baselines->available(p)) auc[kBaselineNames[p]] = auc_json(baselines->auc[std::size_t(p)]);
    b["auc"] = std::move(auc);
    if (baselines) b["baselines"] = baselines_json(*baselines, d.as_of);
    if (planted) {
        json pa;
        for (int p = 0; p < kPredictors; ++p) pa[kPredictorNames[p]] = auc_json(r.auc[1][p]);
        b["auc_planted_churn"] = std::move(pa);
    }
    std::int64_t revenue_cents = 0;
    for (int k = 0; k < kDeciles; ++k) revenue_cents += r.sums.decile(k).revenue_cents;
    const double churn_rate = r.at_risk ? double(r.churned) / double(r.at_risk) : std::nan("");
    const double unknown = std::nan("");
    const double revenue_per_customer = r.at_risk && amounts ? double(revenue_cents) / 100.0 / double(r.at_risk) : unknown;
    json deciles = json::array();
    for (int k = 0; k < kDeciles; ++k) {
        const auto x = r.sums.decile(k);
        const double rate = x.customers ? double(x.churned) / double(x.customers) : std::nan("");
        const double per = x.customers && amounts ? double(x.revenue_cents) / 100.0 / double(x.customers) : unknown;
        deciles.push_back({{"decile", k + 1}, {"customers", x.customers}, {"churned", x.churned},
                           {"churn_rate", number(rate)}, {"revenue", number(amounts ? double(x.revenue_cents) / 100.0 : unknown)},
                           {"revenue_per_customer", number(per)}, {"churn_lift", number(rate / churn_rate)},
                           {"revenue_lift", number(per / revenue_per_customer)}});
    }
    b["deciles"] = std::move(deciles);
    json calibration = json::array();
    for (int k = 0; k < kCalibrationBins; ++k) {
        const auto x = r.sums.bin(k);
        const double n = double(x.customers);
        calibration.push_back({{"p_alive_from", k / double(kCalibrationBins)},
                               {"p_alive_to", (k + 1) / double(kCalibrationBins)}, {"customers", x.customers},
                               {"mean_p_alive", ratio(x.p_alive, n)}, {"observed_active_share", ratio(double(x.active), n)},
                               {"mean_expected_transactions", ratio(x.expected, n)},
                               {"mean_actual_transactions", ratio(x.actual, n)}});
    }
    b["calibration"] = std::move(calibration);
    json claims;
    for (int c = 0; c < kClaims; ++c)
        claims[kClaimNames[c]] = claim_json(r.claims.result(Claim(c), 0, min_group_size), "corporate", "corporate");
    b["claims"] = std::move(claims);
    return b;
}

json correlation_json(const StudyReportInput& in) {
    const CorrelationResult& r = *in.correlation;
    const int v = r.variables();
    json c;
    c["variables"] = json::array();
    for (int i = 0; i < v; ++i) c["variables"].push_back(in.variables[std::size_t(i)]);
    c["spearman_rank_keys"] = 1 << in.key_bits;
    c["confidence"] = 0.95;
    // The most any Spearman cell of a group can differ from rho of the exact mid-ranks (0: all
    // exact), from the rank cells that still hold different values (docs/metrics.md).
    auto max_error = [&](int g) {
        double most = 0.0;
        for (int i = 0; i < v; ++i)
            for (int j = 0; j < v; ++j) {
                const double e = r.cell(CorrelationMethod::spearman, g, i, j).rank_error;
                if (e > most) most = e;
            }
        return most;
    };
    double most = 0.0;
    for (int g = 0; g < r.groups(); ++g) most = std::max(most, max_error(g));
    c["spearman_ranks"] = most == 0.0 ? "exact" : "bounded";
    c["spearman_max_error"] = most;
    json groups = json::array();
    for (int g = 0; g < r.groups(); ++g) {
        json gj;
        gj["kind"] = in.correlation_groups[std::size_t(g)].first;
        gj["name"] = in.correlation_groups[std::size_t(g)].second;
        gj["customers"] = r.cell(CorrelationMethod::pearson, g, 5, 5).n;  // the composite: known for all
        gj["spearman_max_error"] = max_error(g);
        for (auto [method, name] : {std::pair{CorrelationMethod::pearson, "pearson"}, {CorrelationMethod::spearman, "spearman"}}) {
            json rows = json::array();
            for (int i = 0; i < v; ++i) {
                json row = json::array();
                for (int j = 0; j < v; ++j) {
                    const CorrelationCell& x = r.cell(method, g, i, j);
                    row.push_back({{"n", x.n}, {"r", number(x.r)}, {"ci_low", number(x.ci_low)},
                                   {"ci_high", number(x.ci_high)}, {"suppressed", x.suppressed}});
                }
                rows.push_back(std::move(row));
            }
            gj[name] = std::move(rows);
        }
        groups.push_back(std::move(gj));
    }
    c["groups"] = std::move(groups);
    return c;
}

}  // namespace

json study_report(const StudyReportInput& in, const CustomerBaseMeta& meta) {
    json s;
    s["as_of"] = in.as_of;
    s["horizon_days"] = in.horizon_days;
    for (const auto& d : in.dates)
        if (d.as_of == in.as_of) s["horizon_end"] = d.horizon_end;
    s["population"] = "customers at risk on the scoring date (acquired and not churned by it); outcomes over the "
                      "horizon after it. Churn: " + in.churn_definition;
    s["min_group_size"] = in.min_group_size;
    const auto& sc = in.sentiment;
    s["sentiment_coverage"] = {
        {"description", "customers at risk with and without a known sentiment at the as-of date (NPS, survey, review "
                        "or complaint in the window), and their churn over the horizon; difference = unknown - known, "
                        "95 % Agresti-Caffo interval"},
        {"known", sc.known}, {"churned_known", sc.churned_known},
        {"unknown", sc.unknown}, {"churned_unknown", sc.churned_unknown},
        {"unknown_share", number(sc.unknown_share)}, {"churn_rate_known", number(sc.churn_rate_known)},
        {"churn_rate_unknown", number(sc.churn_rate_unknown)}, {"difference", number(sc.difference)},
        {"ci_low", number(sc.ci_low)}, {"ci_high", number(sc.ci_high)}};
    const auto& rr = in.revenue_regression;
    s["adjusted_claims"] = {{"revenue_ratio_per_10_points", {
        {"description", "exp(b1) of the least-squares fit log(1 + horizon revenue) = b0 + b1 composite / 10 + "
                        "b2 log(1 + revenue in the scoring window) over the customers at risk: the ratio of "
                        "(1 + horizon revenue) per 10 composite points between customers of the same past revenue; "
                        "95 % interval cluster-robust by relationship manager (CR1), and heteroskedasticity-robust (HC1)"},
        {"customers", rr.customers}, {"clusters", rr.clusters},
        {"coefficients", {number(rr.coefficients[0]), number(rr.coefficients[1]), number(rr.coefficients[2])}},
        {"ratio", number(rr.ratio)}, {"ci_low", number(rr.ci_low)}, {"ci_high", number(rr.ci_high)},
        {"se_cluster", number(rr.se_cluster)}, {"ci_low_robust", number(rr.ci_low_robust)},
        {"ci_high_robust", number(rr.ci_high_robust)}, {"se_robust", number(rr.se_robust)}}}};
    for (const auto& b : in.baselines)
        if (b.as_of == in.as_of && b.result.attrition_attempted)
            s["adjusted_claims"]["attrition_odds_ratio_engaged"] = attrition_json(b.result);
    if (in.correlation) s["correlation"] = correlation_json(in);
    for (const auto& d : in.dates)
        if (d.as_of == in.as_of) s["claims"] = claims_json(d.result.claims, meta, in.min_group_size);
    json backtest = json::array();
    for (const auto& d : in.dates) {
        const BaselineResult* baselines = nullptr;
        for (const auto& b : in.baselines)
            if (b.as_of == d.as_of) baselines = &b.result;
        backtest.push_back(backtest_json(d, in.planted, in.min_group_size, baselines, meta.has_amounts));
    }
    s["backtest"] = std::move(backtest);
    return s;
}

std::vector<CsvTable> study_tables(const json& s) {
    std::string backtest = "as_of,horizon_end,outcome,predictor,retained,churned,auc,ci_low,ci_high,se,"
                           "difference_vs_composite,p_vs_composite\n";
    std::string lift = "as_of,decile,customers,churned,churn_rate,revenue,revenue_per_customer,churn_lift,revenue_lift\n";
    std::string calibration = "as_of,p_alive_from,p_alive_to,customers,mean_p_alive,observed_active_share,"
                              "mean_expected_transactions,mean_actual_transactions\n";
    for (const auto& b : s["backtest"]) {
        for (const char* outcome : {"auc", "auc_planted_churn"}) {
            if (!b.contains(outcome)) continue;
            for (const auto& [predictor, a] : b[outcome].items()) {
                // The paired DeLong test against the composite (observed outcome, baselines only).
                json difference, p;
                if (std::string(outcome) == "auc" && b.contains("baselines") &&
                    b["baselines"]["versus_composite"].contains(predictor)) {
                    difference = b["baselines"]["versus_composite"][predictor]["difference"];
                    p = b["baselines"]["versus_composite"][predictor]["p"];
                }
                backtest += csv_row({b["as_of"], b["horizon_end"], std::string(outcome) == "auc" ? "observed" : "planted",
                                     predictor, a["retained"], a["churned"], a["auc"], a["ci_low"], a["ci_high"], a["se"],
                                     difference, p});
            }
        }
        for (const auto& d : b["deciles"])
            lift += csv_row({b["as_of"], d["decile"], d["customers"], d["churned"], d["churn_rate"], d["revenue"],
                             d["revenue_per_customer"], d["churn_lift"], d["revenue_lift"]});
        for (const auto& c : b["calibration"])
            calibration += csv_row({b["as_of"], c["p_alive_from"], c["p_alive_to"], c["customers"], c["mean_p_alive"],
                                    c["observed_active_share"], c["mean_expected_transactions"],
                                    c["mean_actual_transactions"]});
    }
    std::string claims = "claim,level,group,value,ci_low,ci_high,n,n_reference,compared,reference,suppressed,published,source\n";
    for (const auto& c : s["claims"])
        for (const auto& g : c["groups"])
            claims += csv_row({c["claim"], g["kind"], g["name"], g["value"], g["ci_low"], g["ci_high"], g["n"],
                               g["n_reference"], g["compared"], g["reference"], g["suppressed"], c["reference"],
                               c["source"]});
    std::string correlations = "level,group,method,x,y,n,r,ci_low,ci_high,suppressed\n";
    if (s.contains("correlation")) {
        const auto& c = s["correlation"];
        for (const auto& g : c["groups"])
            for (const char* method : {"pearson", "spearman"})
                for (std::size_t i = 0; i < c["variables"].size(); ++i)
                    for (std::size_t j = i + 1; j < c["variables"].size(); ++j) {
                        const auto& x = g[method][i][j];
                        correlations += csv_row({g["kind"], g["name"], method, c["variables"][i], c["variables"][j], x["n"],
                                                 x["r"], x["ci_low"], x["ci_high"], x["suppressed"]});
                    }
    }
    return {{"backtest.csv", backtest},       {"lift.csv", lift}, {"calibration.csv", calibration},
            {"claims.csv", claims}, {"correlations.csv", correlations}};
}

}  // namespace engage::io
