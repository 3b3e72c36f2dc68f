// The retention study on the real CDNOW data (issue 4): from the raw CDNOW_sample.txt imported
// with `engage import`, the published fits to their printed digits and the holdout count, at
// every rank count (Fader, Hardie & Lee 2005; ../shared/data/cdnow/README.md).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <map>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "jobs/import_job.hpp"
#include "jobs/score_job.hpp"
#include "mpi/comm.hpp"
#include "root_checks.hpp"
#include "shared_files.hpp"

namespace engage {
namespace {

const std::string kCdnow = std::string(ENGAGE_SHARED_DIR) + "/data/cdnow";

// The backtest of 1997-09-30 recomputed from the raw text, independently of the kernels: at risk =
// a purchase in the 90 days up to the calibration end (churn after 90 days without one);
// retained = a purchase in the 90 days up to 1998-06-30; recency's AUC for staying by pairs.
void check_backtest_against_the_raw_file(const nlohmann::json& study) {
    std::ifstream in(kCdnow + "/CDNOW_sample.txt");
    std::map<int, std::pair<int, int>> last;  // customer -> last purchase (yyyymmdd) by T, by T + H
    int master, id, date, quantity;
    double amount;
    while (in >> master >> id >> date >> quantity >> amount) {
        auto& [by_t, by_end] = last[id];
        if (date <= 19970930) by_t = std::max(by_t, date);
        if (date <= 19980630) by_end = std::max(by_end, date);
    }
    auto day = [](int yyyymmdd) {  // days since 1970-01-01
        using namespace std::chrono;
        return sys_days(year_month_day(year(yyyymmdd / 10000), month(unsigned(yyyymmdd / 100 % 100)),
                                       std::chrono::day(unsigned(yyyymmdd % 100))))
            .time_since_epoch()
            .count();
    };
    const int t = day(19970930), end = day(19980630);
    std::vector<int> retained, churned;  // recency in days
    for (const auto& [customer, l] : last) {
        if (t - day(l.first) >= 90) continue;
        (end - day(l.second) < 90 ? retained : churned).push_back(t - day(l.first));
    }
    double pairs = 0;
    for (int a : retained)
        for (int b : churned) pairs += a < b ? 1.0 : a == b ? 0.5 : 0.0;  // more recent = higher score
    const auto& b = study["backtest"][0];
    ASSERT_EQ(b["as_of"], "1997-09-30");
    EXPECT_EQ(b["horizon_end"], "1998-06-30");
    EXPECT_EQ(b["customers"].get<std::size_t>(), retained.size() + churned.size());
    EXPECT_EQ(b["churned"].get<std::size_t>(), churned.size());
    EXPECT_NEAR(b["auc"]["recency"]["auc"].get<double>(), pairs / double(retained.size() * churned.size()), 1e-12);
    // CDNOW has purchases only: no sentiment and no wallet, so their correlations are undefined
    // (null, n = 0), never NaN.
    const auto& corporate = study["correlation"]["groups"][0];
    EXPECT_EQ(corporate["pearson"][1][6]["n"], 0);
    EXPECT_TRUE(corporate["pearson"][1][6]["r"].is_null());
    EXPECT_TRUE(corporate["spearman"][4][5]["r"].is_null());
    EXPECT_EQ(corporate["customers"].get<std::size_t>(), retained.size() + churned.size());
}

double rounded(double v, int digits) { return std::round(v * std::pow(10.0, digits)) / std::pow(10.0, digits); }

TEST(Retention, ReproducesThePublishedCdnowFitsFromTheRawSample) {
    if (!std::filesystem::exists(kCdnow + "/CDNOW_sample.txt")) GTEST_SKIP() << kCdnow << " is missing";
    const auto comm = mpi::Comm::world();
    const std::string dir = testing_support::shared_temp_dir(comm, "engage_retention");
    const jobs::RunInfo info{"test", "test"};
    const std::string sample = testing_support::imported_cdnow_sample(comm, dir, kCdnow + "/CDNOW_sample.txt");

    jobs::ScoreOptions s;
    s.input = sample;
    s.output = dir + "/out";
    s.as_of = "1997-09-30";        // the end of the calibration period
    s.retention.enabled = true;
    s.retention.holdout_days = 273; // 1997-10-01 .. 1998-06-30: 39 weeks
    s.quiet = true;
    jobs::run_score(comm, s, info);
    testing_support::on_root(comm, [&] {
        std::ifstream in(s.output + "/report.json");
        std::stringstream text;
        text << in.rdbuf();
        const auto r = nlohmann::json::parse(text.str())["retention"];
        EXPECT_EQ(r["customers_with_a_purchase"].get<int>(), 2357);
        EXPECT_EQ(r["gamma_gamma_customers"].get<int>(), 946);
        const auto& bg = r["models"][0];
        const auto& pn = r["models"][1];
        const auto& gg = r["models"][2];
        ASSERT_EQ(bg["model"], "bg_nbd");
        EXPECT_EQ(rounded(bg["parameters"]["r"].get<double>(), 3), 0.243);
        EXPECT_EQ(rounded(bg["parameters"]["alpha"].get<double>(), 3), 4.414);
        EXPECT_EQ(rounded(bg["parameters"]["a"].get<double>(), 3), 0.793);
        EXPECT_EQ(rounded(bg["parameters"]["b"].get<double>(), 3), 2.426);
        EXPECT_EQ(rounded(bg["log_likelihood"].get<double>(), 1), -9582.4);
        ASSERT_EQ(pn["model"], "pareto_nbd");
        EXPECT_EQ(rounded(pn["parameters"]["r"].get<double>(), 3), 0.553);
        EXPECT_EQ(rounded(pn["parameters"]["alpha"].get<double>(), 3), 10.578);
        EXPECT_EQ(rounded(pn["parameters"]["s"].get<double>(), 3), 0.606);
        EXPECT_NEAR(pn["parameters"]["beta"].get<double>(), 11.669, 0.05);  // weakly determined
        EXPECT_EQ(rounded(pn["log_likelihood"].get<double>(), 1), -9595.0);
        ASSERT_EQ(gg["model"], "gamma_gamma");
        EXPECT_EQ(rounded(gg["parameters"]["p"].get<double>(), 2), 6.25);
        EXPECT_EQ(rounded(gg["parameters"]["q"].get<double>(), 2), 3.74);
        EXPECT_EQ(rounded(gg["parameters"]["gamma"].get<double>(), 2), 15.44);
        EXPECT_EQ(r["holdout"]["actual_repeat_transactions"].get<double>(), 1882.0);
        EXPECT_GT(r["holdout"]["predicted_bg_nbd"].get<double>(), 1000.0);
        // Kaplan-Meier by tier, with a log-rank test between the tiers present.
        EXPECT_LT(r["survival"]["log_rank"]["p_value"].get<double>(), 0.01);
        // At-risk counts every 10 days: everyone on day 0, then never more, and each one equal to the
        // table's n_j on a churn day that falls on a multiple of 10 (nobody leaves between).
        for (const auto& curve : r["survival"]["by_tier"]) {
            const auto& every = curve["at_risk_every_10_days"];
            if (curve["customers"].get<int>() == 0) continue;
            EXPECT_EQ(every[0], curve["customers"]);
            for (std::size_t i = 1; i < every.size(); ++i) EXPECT_LE(every[i].get<int>(), every[i - 1].get<int>());
            for (const auto& row : curve["table"]) {
                const int day = row["days"].get<int>();
                if (day % 10 == 0 && std::size_t(day / 10) < every.size()) {
                    EXPECT_EQ(every[day / 10], row["at_risk"]);
                }
            }
        }
        check_backtest_against_the_raw_file(nlohmann::json::parse(text.str())["study"]);
        std::filesystem::remove_all(dir);
    });
    comm.barrier();
}

}  // namespace
}  // namespace engage
