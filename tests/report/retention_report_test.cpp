// The retention section of report.json and survival.csv on hand-checked inputs: which fits
// count as converged, models with no customers to fit, tiers with no customers, and the
// Greenwood standard error next to the confidence limits (docs/data-format.md, docs/metrics.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "engagement/engagement_config.hpp"
#include "io/customer_base.hpp"
#include "io/report/retention_report.hpp"

namespace engage::io {
namespace {

using json = nlohmann::ordered_json;
using namespace kernels;

// The inputs of retention_report: fits, counts and curves that a test sets as it needs.
struct Inputs {
    BgNbdFit bg{{0.243, 4.414, 0.793, 2.426}, -9582.4, 31, NLOPT_XTOL, true};
    ParetoNbdFit pareto{{0.553, 10.58, 0.606, 11.67}, -9595.0, 40, NLOPT_XTOL, true};
    GammaGammaFit gamma_gamma{{6.25, 3.74, 15.44}, -4051.0, 22, NLOPT_XTOL, true};
    std::int64_t calibrated = 2357, gamma_gamma_customers = 946;
    SurvivalCounts survival{std::size_t(kTiers), 400};
    CohortRetention cohorts{CohortConfig{CohortUnit::month, 0, 0, 100, 3, false}, 1};
    CustomerBaseMeta meta;
    RetentionConfig config;

    static constexpr int NLOPT_XTOL = 4;  // NLOPT_XTOL_REACHED

    Inputs() { meta.business_unit_names = {"Consumer"}; }
    json report() const {
        return retention_report({&bg, &pareto, &gamma_gamma, calibrated, gamma_gamma_customers, 0, 0, 0, &survival,
                                 &cohorts},
                                config, meta, "2025-06-30", "");
    }
};

const json& model(const json& r, const char* name) {
    for (const json& m : r["models"])
        if (m["model"] == name) return m;
    throw std::runtime_error(std::string("no model ") + name);
}

const json& curve(const json& r, const char* tier) {
    for (const json& c : r["survival"]["by_tier"])
        if (c["group"] == tier) return c;
    throw std::runtime_error(std::string("no curve ") + tier);
}

// The lines of survival.csv (header first).
std::vector<std::string> survival_csv(const json& r) {
    for (const CsvTable& t : retention_tables(r))
        if (t.name == "survival.csv") {
            std::vector<std::string> lines;
            std::istringstream in(t.content);
            for (std::string line; std::getline(in, line);) lines.push_back(line);
            return lines;
        }
    return {};
}

TEST(RetentionReport, OnlyToleranceAndStopValueOutcomesAreConverged) {
    // NLopt's nlopt_result: 1 success, 2 stopval, 3 ftol, 4 xtol reached; 5 maxeval and 6
    // maxtime reached stop the search before any tolerance is met.
    for (int status : {1, 2, 3, 4, 5, 6}) {
        Inputs in;
        in.bg.nlopt_status = in.pareto.nlopt_status = in.gamma_gamma.nlopt_status = status;
        const json r = in.report();
        for (const char* name : {"bg_nbd", "pareto_nbd", "gamma_gamma"}) {
            EXPECT_EQ(model(r, name)["converged"], status <= 4) << name << " status " << status;
            EXPECT_EQ(model(r, name).value("status", json()),
                      json(std::array{"success", "stopval_reached", "ftol_reached", "xtol_reached", "maxeval_reached",
                                      "maxtime_reached"}[status - 1]));
        }
    }
}

TEST(RetentionReport, FitResultConvergedOnlyOnToleranceOutcomes) {
    FitResult f;
    f.fitted = true;
    for (int status : {1, 2, 3, 4}) {
        f.nlopt_status = status;
        EXPECT_TRUE(f.converged()) << status;
    }
    for (int status : {-4, -1, 0, 5, 6}) {
        f.nlopt_status = status;
        EXPECT_FALSE(f.converged()) << status;
    }
    f.nlopt_status = 4;
    f.fitted = false;  // no customers: nothing converged
    EXPECT_FALSE(f.converged());
}

TEST(RetentionReport, ModelsWithoutCustomersAreNotFitted) {
    Inputs in;
    in.bg = fit_bg_nbd({});
    in.pareto = fit_pareto_nbd({});
    in.gamma_gamma = fit_gamma_gamma({});
    in.calibrated = in.gamma_gamma_customers = 0;
    const json r = in.report();
    for (const char* name : {"bg_nbd", "pareto_nbd", "gamma_gamma"}) {
        const json& m = model(r, name);
        EXPECT_EQ(m.value("fitted", true), false) << name;
        EXPECT_TRUE(m["parameters"].is_null()) << name;
        EXPECT_TRUE(m["log_likelihood"].is_null()) << name;
        EXPECT_EQ(m["converged"], false) << name;
        EXPECT_EQ(m["evaluations"], 0) << name;
        EXPECT_TRUE(m.value("reason", json()).is_string()) << name;
    }
}

TEST(RetentionReport, GammaGammaWithoutRepeatPurchasersIsNotFittedBesideFittedModels) {
    Inputs in;
    in.gamma_gamma = fit_gamma_gamma({});
    in.gamma_gamma_customers = 0;
    const json r = in.report();
    EXPECT_EQ(model(r, "gamma_gamma").value("fitted", true), false);
    EXPECT_TRUE(model(r, "gamma_gamma")["parameters"].is_null());
    EXPECT_EQ(model(r, "bg_nbd").value("fitted", false), true);
    EXPECT_EQ(model(r, "bg_nbd")["parameters"]["r"], 0.243);
    EXPECT_EQ(model(r, "bg_nbd")["converged"], true);
}

TEST(RetentionReport, InformationCriteriaByHandAndTheComparedPair) {
    // BG/NBD: 4 parameters, ln L -9582.4 on 2357 customers: AIC 8 + 19164.8 = 19172.8,
    // BIC 4 ln 2357 + 19164.8 = 4 x 7.765145 + 19164.8 = 19195.86058; Pareto/NBD ln L -9595.0:
    // AIC 19198.0, BIC 19221.06058. Gamma-Gamma (3 parameters, 946 customers, ln L -4051.0):
    // AIC 8108.0, BIC 3 x 6.852243 + 8102 = 8122.55673, not compared (another model's data).
    Inputs in;
    in.config.holdout_days = 0;
    const json r = in.report();
    EXPECT_DOUBLE_EQ(model(r, "bg_nbd")["aic"].get<double>(), 8 + 2 * 9582.4);
    EXPECT_NEAR(model(r, "bg_nbd")["bic"].get<double>(), 19195.86058, 1e-5);
    EXPECT_DOUBLE_EQ(model(r, "pareto_nbd")["aic"].get<double>(), 8 + 2 * 9595.0);
    EXPECT_NEAR(model(r, "gamma_gamma")["bic"].get<double>(), 8122.55673, 1e-5);
    EXPECT_EQ(model(r, "gamma_gamma")["customers"], 946);
    EXPECT_EQ(r["model_comparison"]["lowest_aic"], "bg_nbd");
    EXPECT_EQ(r["model_comparison"]["lowest_bic"], "bg_nbd");
    EXPECT_EQ(r["model_comparison"]["prediction_model"], "bg_nbd");
    EXPECT_FALSE(r["model_comparison"].contains("holdout_error_percent"));
    // Pareto/NBD ahead, and the per-customer predictions from it.
    in.pareto.log_likelihood = -9500.0;
    in.config.prediction_model = PredictionModel::pareto_nbd;
    const json p = in.report();
    EXPECT_EQ(p["model_comparison"]["lowest_bic"], "pareto_nbd");
    EXPECT_EQ(p["predictions"]["model"], "pareto_nbd");
    // A model not fitted has no criteria and is not the lowest.
    in.pareto.fitted = false;
    const json q = in.report();
    EXPECT_TRUE(model(q, "pareto_nbd")["aic"].is_null());
    EXPECT_EQ(q["model_comparison"]["lowest_aic"], "bg_nbd");
}

TEST(RetentionReport, TierWithoutCustomersHasNoCurve) {
    Inputs in;
    // Engaged: 2 customers, one churned on day 10: S = 1/2 from day 10. Every other tier empty.
    in.survival.update(1, 10, true);
    in.survival.update(1, 50, false);
    const json r = in.report();
    const json& empty = curve(r, "fully_engaged");
    EXPECT_EQ(empty["customers"], 0);
    EXPECT_EQ(empty.value("empty", false), true);
    for (const char* d : {"30", "90", "180", "365"}) EXPECT_TRUE(empty["survival_at_days"][d].is_null()) << d;
    EXPECT_TRUE(empty["table"].empty());
    const json& engaged = curve(r, "engaged");
    EXPECT_EQ(engaged.value("empty", true), false);
    EXPECT_EQ(engaged["survival_at_days"]["30"], 0.5);
    // survival.csv: the empty tiers as one row each with no day and no survival.
    const auto csv = survival_csv(r);
    EXPECT_NE(std::find(csv.begin(), csv.end(), "fully_engaged,,0,0,0,,,,"), csv.end());
    EXPECT_NE(std::find(csv.begin(), csv.end(), "actively_disengaged,,0,0,0,,,,"), csv.end());
}

TEST(RetentionReport, GreenwoodStandardErrorBesideTheConfidenceLimits) {
    Inputs in;
    // Four engaged customers: churned on days 10 and 30, censored on days 20 and 40.
    in.survival.update(1, 10, true);
    in.survival.update(1, 20, false);
    in.survival.update(1, 30, true);
    in.survival.update(1, 40, false);
    const json r = in.report();
    const json& table = curve(r, "engaged")["table"];
    ASSERT_EQ(table.size(), 2u);
    // Day 10: n = 4, d = 1, S = 3/4, Greenwood sum 1 / (4 * 3): SE = 0.75 sqrt(1/12).
    // Day 30: n = 2, d = 1, S = 3/8, sum 1/12 + 1 / (2 * 1) = 7/12: SE = 0.375 sqrt(7/12).
    EXPECT_EQ(table[0]["survival"], 0.75);
    EXPECT_NEAR(table[0].value("std_error", 0.0), 0.21650635094610965, 1e-15);
    EXPECT_EQ(table[1]["survival"], 0.375);
    EXPECT_NEAR(table[1].value("std_error", 0.0), 0.28641098093474, 1e-14);
    const auto csv = survival_csv(r);
    ASSERT_FALSE(csv.empty());
    EXPECT_EQ(csv[0], "tier,days,at_risk,events,censored,survival,std_error,lower,upper");
    const std::string row = "engaged,10,4,1,1,0.75," + table[0]["std_error"].dump() + "," + table[0]["lower"].dump() +
                            "," + table[0]["upper"].dump();
    EXPECT_NE(std::find(csv.begin(), csv.end(), row), csv.end()) << row;
}

TEST(RetentionReport, CohortGroupsBelowTheMinimumAreFoldedAndSmallCohortsWithheld) {
    // Business units A (3 customers), B (3), C (1) acquired in January 1970 (epoch day 0), and
    // one more of A in March; as of April 11th: January .. March observed. Two of A's January
    // customers are back in February. With --cohort-min-size 3, C is folded into "other", which
    // then holds 1 customer, so the smallest unit shown, B (3 against A's 4), joins it: A and
    // "other (2 business units)" (B + C, 4 customers). The March cohort of one customer is
    // withheld and left out of the mean row.
    Inputs in;
    in.meta.business_unit_names = {"A", "B", "C"};
    in.config.cohort_min_size = 3;
    in.cohorts = CohortRetention(CohortConfig{CohortUnit::month, 0, 0, 100, 3, false}, 3);
    const std::vector<Day> back = {40};
    in.cohorts.update(0, 0, back);
    in.cohorts.update(0, 1, back);
    in.cohorts.update(0, 2, {});
    in.cohorts.update(1, 5, {});
    in.cohorts.update(1, 6, {});
    in.cohorts.update(1, 7, {});
    in.cohorts.update(2, 10, {});
    in.cohorts.update(0, 60, {});  // March 2nd
    const json r = in.report();
    const json& c = r["cohorts"];
    ASSERT_EQ(c["business_units"].size(), 2u);
    EXPECT_EQ(c["business_units"][0]["business_unit"], "A");
    EXPECT_EQ(c["business_units"][1]["business_unit"], "other (2 business units)");
    EXPECT_EQ(c["suppressed_groups"], 2);
    const json& jan = c["corporate"]["cohorts"][0];
    EXPECT_EQ(jan["customers"], 7);
    EXPECT_EQ(jan["active"], json({7, 2, 0}));
    EXPECT_EQ(jan["retention"][1], 2.0 / 7);
    const json& march = c["corporate"]["cohorts"][2];
    EXPECT_EQ(march["suppressed"], true);
    EXPECT_TRUE(march["customers"].is_null());
    EXPECT_TRUE(march["retention"][0].is_null());
    // The mean row: January alone at every period (March withheld, February empty).
    EXPECT_EQ(c["corporate"]["mean_customers"], json({7, 7, 7}));
    EXPECT_EQ(c["corporate"]["mean_weighted_by_size"][1], 2.0 / 7);
    // "other": B and C, 4 customers in January, none back.
    EXPECT_EQ(c["business_units"][1]["cohorts"][0]["customers"], 4);
    EXPECT_EQ(c["business_units"][1]["cohorts"][0]["retention"][1], 0.0);
    // The CSV: the units shown and the mean rows.
    std::string csv;
    for (const CsvTable& t : retention_tables(r))
        if (t.name == "cohort_retention.csv") csv = t.content;
    EXPECT_NE(csv.find("\nbusiness_unit,other (2 business units),1970-01-01,4,1,0,0.0,0.0,1,4,"), std::string::npos) << csv;
    EXPECT_NE(csv.find("\ncorporate_mean,corporate,,7,1,,0.2857142857142857,0.2857142857142857,1,7,"), std::string::npos) << csv;
    EXPECT_EQ(csv.find("business_unit,B,"), std::string::npos);
    EXPECT_EQ(csv.find("business_unit,C,"), std::string::npos);
}

}  // namespace
}  // namespace engage::io
