// The retention section of report.json on hand-checked inputs: which fits count as converged
// and models with no customers to fit (docs/data-format.md, docs/metrics.md).
#include <gtest/gtest.h>

#include <array>
#include <cmath>
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

}  // namespace
}  // namespace engage::io
