// The retention study's backtest on generated data at 1-4 ranks: the report and its CSV tables
// equal a serial run on rank 0 byte for byte, and the composite score predicts the planted churn
// better than recency alone (issue 5); the baselines of every backtest date (issue 12).
#include <gtest/gtest.h>
#include <hdf5.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "jobs/score_job.hpp"
#include "mpi/comm.hpp"
#include "root_checks.hpp"
#include "shared_files.hpp"

namespace engage {
namespace {

using testing_support::slurp;

TEST(Study, EqualsTheSerialRunAndTheScoreBeatsRecencyOnPlantedChurn) {
    const auto comm = mpi::Comm::world();
    const std::string dir = testing_support::shared_temp_dir(comm, "engage_study");
    const jobs::RunInfo info{"test", "test"};
    jobs::ScoreOptions s;
    s.input = testing_support::generated_base(comm, dir, 8000, 5);
    s.output = dir + "/out";
    s.shards = {20000, 300};  // many small shards, so that every rank gets several
    s.retention.enabled = true;
    s.retention.holdout_days = 180;  // the as-of date defaults to the last day minus the holdout
    s.backtest_as_of = {"2024-06-30", "2024-12-31"};
    s.calibrate_as_of = "2024-12-31";  // the calibrated weights of the as-of date (issue 12)
    s.quiet = true;
    jobs::run_score(comm, s, info);

    testing_support::on_root(comm, [&] {
        jobs::ScoreOptions serial = s;
        serial.output = dir + "/serial";
        jobs::run_score(mpi::Comm::self(), serial, info);
        for (const char* f : {"report.json", "backtest.csv", "lift.csv", "calibration.csv", "claims.csv", "correlations.csv"})
            EXPECT_EQ(slurp(s.output + "/" + f), slurp(serial.output + "/" + f)) << f << " differs from the serial run";

        const auto report = nlohmann::json::parse(slurp(s.output + "/report.json"));
        const auto& study = report["study"];
        // The generator's wallets are planted for all time (known_from = the epoch): used at every date.
        EXPECT_EQ(report["engagement"]["model"]["wallets"]["used"], true);
        ASSERT_EQ(study["backtest"].size(), 3u);
        EXPECT_EQ(study["backtest"][0]["as_of"], "2024-06-30");
        for (const auto& b : study["backtest"]) {
            const auto& planted = b["auc_planted_churn"];
            const double composite = planted["composite"]["auc"].get<double>();
            const double recency = planted["recency"]["auc"].get<double>();
            EXPECT_GT(composite, recency) << "as of " << b["as_of"];
            // Low scores churn more: the lowest decile's churn rate is above the highest's.
            EXPECT_GT(b["deciles"][0]["churn_rate"].get<double>(), b["deciles"][9]["churn_rate"].get<double>());
            std::int64_t customers = 0;
            for (const auto& d : b["deciles"]) customers += d["customers"].get<std::int64_t>();
            EXPECT_EQ(customers, b["customers"].get<std::int64_t>());
            // The baselines (issue 12): on the study's customers (the recency of the baseline stage
            // is the study's), RFM fitted out of time one horizon earlier, P(alive), each tested
            // against the composite, the best named.
            const auto& bl = b["baselines"];
            const auto& auc = b["auc"];
            const auto& rfm = bl["rfm"];
            EXPECT_TRUE(rfm["available"].get<bool>()) << rfm.dump();
            EXPECT_TRUE(rfm["converged"].get<bool>());
            EXPECT_EQ(rfm["coefficients"].size(), 4u);
            EXPECT_GT(rfm["train_customers"].get<std::int64_t>(), 1000);
            EXPECT_EQ(rfm["train_horizon_end"], b["as_of"]);
            // More recent activity, more likely to stay: a negative slope on log recency days.
            EXPECT_LT(rfm["coefficients"][1]["ci_high"].get<double>(), 0.0);
            EXPECT_GT(auc["rfm"]["auc"].get<double>(), 0.6);
            EXPECT_GT(auc["p_alive"]["auc"].get<double>(), 0.5);
            EXPECT_EQ(auc["rfm"]["retained"], auc["composite"]["retained"]);
            EXPECT_EQ(auc["p_alive"]["churned"], auc["composite"]["churned"]);
            for (const char* p : {"recency", "rfm", "p_alive"}) {
                const auto& t = bl["versus_composite"][p];
                EXPECT_NEAR(t["difference"].get<double>(), auc[p]["auc"].get<double>() - auc["composite"]["auc"].get<double>(),
                            1e-12) << p;
                EXPECT_GE(t["p"].get<double>(), 0.0);
                EXPECT_LE(t["p"].get<double>(), 1.0);
            }
            double best = 0;
            for (const char* p : {"recency", "rfm", "p_alive"}) best = std::max(best, auc[p]["auc"].get<double>());
            EXPECT_EQ(bl["best_baseline"]["auc"].get<double>(), best);
        }
        // The calibrated score (the as-of date only): weights fitted on 2024-12-31's outcomes, usage
        // clearly positive, tested against the hand weights, the best baseline and RFM.
        for (std::size_t i = 0; i < 2; ++i) EXPECT_FALSE(study["backtest"][i]["baselines"].contains("calibrated"));
        const auto& main = study["backtest"][2];
        const auto& cal = main["baselines"]["calibrated"];
        ASSERT_TRUE(cal["available"].get<bool>()) << cal.dump();
        EXPECT_EQ(cal["train_as_of"], "2024-12-31");
        EXPECT_TRUE(cal["converged"].get<bool>());
        ASSERT_EQ(cal["weights"].size(), 5u);
        EXPECT_EQ(cal["weights"][0]["dimension"], "usage");
        EXPECT_GT(cal["weights"][0]["ci_low"].get<double>(), 0.0);
        EXPECT_GT(main["auc"]["calibrated"]["auc"].get<double>(), 0.6);
        EXPECT_NEAR(cal["versus_hand_weights"]["difference"].get<double>(),
                    main["auc"]["calibrated"]["auc"].get<double>() - main["auc"]["composite"]["auc"].get<double>(), 1e-12);
        EXPECT_EQ(cal["versus_best_baseline"]["baseline"], main["baselines"]["best_baseline"]["predictor"]);
        EXPECT_NEAR(cal["versus_rfm"]["difference"].get<double>(),
                    main["auc"]["calibrated"]["auc"].get<double>() - main["auc"]["rfm"]["auc"].get<double>(), 1e-12);
        // What the dimensions add over RFM: the nested model, tested against RFM on the same customers.
        const auto& nested = main["baselines"]["rfm_plus_dimensions"];
        ASSERT_TRUE(nested["available"].get<bool>()) << nested.dump();
        EXPECT_EQ(nested["coefficients"].size(), 9u);
        EXPECT_EQ(nested["coefficients"][4]["name"], "usage");
        EXPECT_NEAR(nested["versus_rfm"]["difference"].get<double>(),
                    main["auc"]["rfm_dimensions"]["auc"].get<double>() - main["auc"]["rfm"]["auc"].get<double>(), 1e-12);
        // The calibrated score with R, F and M inside usage, against the best baseline.
        EXPECT_EQ(nested["versus_best_baseline"]["baseline"], main["baselines"]["best_baseline"]["predictor"]);
        // The attrition claim adjusted for RFM (the as-of date): on the study's customers, the
        // unadjusted odds ratio from the counts, the engaged churning less at equal RFM
        // (planted), the clustered interval around the estimate.
        const auto& att = study["adjusted_claims"]["attrition_odds_ratio_engaged"];
        ASSERT_TRUE(att["available"].get<bool>()) << att.dump();
        EXPECT_EQ(att["customers"], main["customers"]);
        EXPECT_EQ(att["churned"], main["auc"]["composite"]["churned"]);
        const double ce = att["churned_engaged"].get<double>(), ne = att["engaged"].get<double>();
        const double cn = att["churned"].get<double>() - ce, nn = att["customers"].get<double>() - ne;
        EXPECT_NEAR(att["unadjusted_odds_ratio"].get<double>(), (ce / (ne - ce)) / (cn / (nn - cn)), 1e-12);
        EXPECT_LT(att["ci_high"].get<double>(), 1.0);
        EXPECT_LT(att["ci_low"].get<double>(), att["odds_ratio"].get<double>());
        EXPECT_GT(att["ci_high"].get<double>(), att["odds_ratio"].get<double>());
        EXPECT_GT(att["clusters"].get<std::int64_t>(), 1);
        // Correlations: composite with staying, positive and significant for the corporation; the
        // groups are the corporation, the business units and the acquisition years.
        const auto& corr = study["correlation"];
        ASSERT_EQ(corr["variables"][5], "composite");
        ASSERT_EQ(corr["variables"][6], "retained");
        const auto& corporate = corr["groups"][0];
        EXPECT_EQ(corporate["kind"], "corporate");
        EXPECT_EQ(corporate["customers"], study["backtest"][2]["customers"]);
        EXPECT_GT(corporate["spearman"][5][6]["ci_low"].get<double>(), 0.0);
        EXPECT_EQ(corporate["pearson"][5][6], corporate["pearson"][6][5]);
        EXPECT_EQ(corr["groups"].back()["kind"], "acquisition_year");
        ASSERT_EQ(study["claims"].size(), 3u);
        EXPECT_GT(study["claims"][1]["groups"][0]["value"].get<double>(), 0.0);  // engaged churn less
        std::filesystem::remove_all(dir);
    });
    comm.barrier();
}

TEST(Study, WalletsKnownOnlyAtTheEndOfTheDataAreNotUsedAtEarlierDates) {
    // A base whose wallets carry no known_from are as of the last day of the data: a date
    // before it (here the as-of date, 180 days before the end, and a backtest date) is scored
    // and measured without them, as it would have been on that day. Before: today's wallets
    // entered the competitive dimension of every earlier date.
    const auto comm = mpi::Comm::world();
    const std::string dir = testing_support::shared_temp_dir(comm, "engage_study_wallets");
    const jobs::RunInfo info{"test", "test"};
    jobs::ScoreOptions s;
    s.input = testing_support::generated_base(comm, dir, 1500, 9);
    testing_support::on_root(comm, [&] {
        const hid_t f = H5Fopen(s.input.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
        ASSERT_GE(f, 0);
        EXPECT_GE(H5Adelete_by_name(f, "/customers/wallet", "known_from", H5P_DEFAULT), 0);
        H5Fclose(f);
    });
    comm.barrier();
    s.output = dir + "/out";
    s.retention.enabled = true;
    s.retention.holdout_days = 180;
    s.backtest_as_of = {"2024-12-31"};
    s.quiet = true;
    jobs::run_score(comm, s, info);
    testing_support::on_root(comm, [&] {
        const auto report = nlohmann::json::parse(slurp(s.output + "/report.json"));
        const auto& wallets = report["engagement"]["model"]["wallets"];
        EXPECT_EQ(wallets["used"], false);
        // The last day of the data: the end of the main date's holdout.
        EXPECT_EQ(wallets["known_from"], report["study"]["backtest"].back()["horizon_end"]) << wallets.dump();
        EXPECT_EQ(report["engagement"]["corporate"]["share_of_wallet"]["customers"], 0);
        EXPECT_EQ(report["engagement"]["model"]["dimensions_without_signal"].back(), "competitive");
        EXPECT_EQ(report["engagement"]["model"]["effective_dimension_weights"]["competitive"], 0.0);
        for (const auto& b : report["study"]["backtest"]) EXPECT_EQ(b["wallets_known"], false) << b["as_of"];
        std::filesystem::remove_all(dir);
    });
    comm.barrier();
}

}  // namespace
}  // namespace engage
