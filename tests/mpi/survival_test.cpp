// Forward-looking survival on the real CDNOW sample (issue 12): the landmark population counted
// again from the raw text, and the Cox fit and Harrell's C equal to fixed bits at every rank
// count (so identical for 1-4 ranks) and to R's survival package (R 4.2.2, survival 3.5-3:
// coxph with Efron ties and concordance() on the same data, exported by
// tests/e2e/survival_export.py; tests/e2e/survival.sh reruns R itself) to 1e-6.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
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

int unix_day(int yyyymmdd) {
    using namespace std::chrono;
    return int(sys_days(year_month_day(year(yyyymmdd / 10000), month(unsigned(yyyymmdd / 100 % 100)),
                                       std::chrono::day(unsigned(yyyymmdd % 100))))
                   .time_since_epoch()
                   .count());
}

// At risk at T = 1997-09-30: a purchase in the 90 days up to T (the first purchase is the
// acquisition); churned in the follow-up: none in the 90 days up to 1998-06-30.
std::pair<int, int> landmark_counts_from_the_raw_file() {
    std::ifstream in(kCdnow + "/CDNOW_sample.txt");
    std::map<int, std::pair<int, int>> last;
    int master, id, date, quantity;
    double amount;
    while (in >> master >> id >> date >> quantity >> amount) {
        auto& [by_t, by_end] = last[id];
        if (date <= 19970930) by_t = std::max(by_t, date);
        if (date <= 19980630) by_end = std::max(by_end, date);
    }
    const int t = unix_day(19970930), end = unix_day(19980630);
    int at_risk = 0, churned = 0;
    for (const auto& [customer, l] : last) {
        if (l.first == 0 || t - unix_day(l.first) >= 90) continue;
        ++at_risk;
        churned += end - unix_day(l.second) >= 90;
    }
    return {at_risk, churned};
}

TEST(Survival, LandmarkCoxOnTheCdnowSampleIsFixedBitsAndAgreesWithR) {
    if (!std::filesystem::exists(kCdnow + "/CDNOW_sample.txt")) GTEST_SKIP() << kCdnow << " is missing";
    const auto comm = mpi::Comm::world();
    const std::string dir = testing_support::shared_temp_dir(comm, "engage_survival");
    const jobs::RunInfo info{"test", "test"};
    const std::string sample = testing_support::imported_cdnow_sample(comm, dir, kCdnow + "/CDNOW_sample.txt");
    jobs::ScoreOptions s;
    s.input = sample;
    s.output = dir + "/out";
    s.as_of = "1997-09-30";
    s.retention.enabled = true;
    s.retention.holdout_days = 273;
    s.shards.customers = 100;  // 24 shards: every rank holds several, each of its own customers
    s.quiet = true;
    jobs::run_score(comm, s, info);
    testing_support::on_root(comm, [&] {
        std::ifstream in(s.output + "/report.json");
        std::stringstream text;
        text << in.rdbuf();
        const auto sv = nlohmann::json::parse(text.str())["survival"];
        const auto [at_risk, churned] = landmark_counts_from_the_raw_file();
        EXPECT_EQ(sv["customers_at_risk"].get<int>(), at_risk);
        EXPECT_EQ(sv["churned"].get<int>(), churned);
        EXPECT_EQ(at_risk, 409);
        // Scored against the customers alive at T, the customers at risk fall into several tiers:
        // R's survdiff by tier on the same follow-up gives chi-square 22.823053063012065.
        EXPECT_NEAR(sv["log_rank"]["chi_square"].get<double>(), 22.823053063012065, 1e-9);
        const auto& cox = sv["cox"];
        ASSERT_TRUE(cox["converged"].get<bool>());
        EXPECT_EQ(cox["customers"].get<int>(), 409);
        EXPECT_EQ(cox["events"].get<int>(), 260);
        EXPECT_EQ(cox["iterations"].get<int>(), 5);
        // Engage's bits (any rank count) and R's values, covariate by covariate.
        const char* names[] = {"usage", "recency_days", "frequency", "monetary", "tenure_days"};
        const double bits_b[] = {-0x1.7ba8e5e3a21bep-7, 0x1.48936f6f7e401p-12, -0x1.6a052a7aad04cp-4,
                                 -0x1.58185ae856083p-12, -0x1.21fb13cdac42cp-14};
        const double bits_se[] = {0x1.f80dbb03954c0p-8, 0x1.06b29617381c3p-8, 0x1.3df0f2b3bca47p-5,
                                  0x1.2770cab812621p-11, 0x1.62dbdce47107dp-9};
        const double r_b[] = {-0.011586296320489383, 0.00031335441506067957, -0.088383832869321027,
                              -0.00032815469468650742, -6.9136803367680238e-05};
        const double r_se[] = {0.0076912480904720634, 0.0040084473068592742, 0.038811182048380417,
                               0.00056350821160660778, 0.0027073580879194118};
        ASSERT_EQ(cox["coefficients"].size(), 5u);
        for (std::size_t i = 0; i < 5; ++i) {
            const auto& row = cox["coefficients"][i];
            EXPECT_EQ(row["covariate"], names[i]);
            const double b = row["coefficient_per_unit"].get<double>(), se = row["std_error_per_unit"].get<double>();
            EXPECT_EQ(b, bits_b[i]) << names[i];
            EXPECT_EQ(se, bits_se[i]) << names[i];
            EXPECT_NEAR(b, r_b[i], 1e-6 * std::fabs(r_b[i])) << names[i];
            EXPECT_NEAR(se, r_se[i], 1e-6 * r_se[i]) << names[i];
        }
        EXPECT_EQ(cox["log_likelihood"].get<double>(), -0x1.661cb50e15755p+10);
        EXPECT_EQ(cox["log_likelihood_null"].get<double>(), -0x1.6ba1aa71dfdb5p+10);
        EXPECT_NEAR(cox["log_likelihood"].get<double>(), -1432.4485507211159, 1e-6);
        EXPECT_NEAR(cox["log_likelihood_null"].get<double>(), -1454.5260281263445, 1e-6);
        // Harrell's C of the keyed linear predictor: R's concordance() on the same keys.
        const auto& c = cox["concordance"];
        EXPECT_EQ(c["harrell_c"].get<double>(), 0x1.4a85e5a267f06p-1);
        EXPECT_NEAR(c["harrell_c"].get<double>(), 0.64555280311103114, 1e-12);
        EXPECT_EQ(c["concordant"].get<int>(), 46538);
        EXPECT_EQ(c["discordant"].get<int>(), 25503);
        EXPECT_EQ(c["tied_predictor"].get<int>(), 218);
        std::filesystem::remove_all(dir);
    });
    comm.barrier();
}

}  // namespace
}  // namespace engage
