// The backtest kernels: outcomes over the horizon, the AUC with DeLong's variance (by hand and
// against a pairwise computation), score deciles, the P(alive) calibration and the seed claims.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "study/backtest.hpp"
#include "study/claims.hpp"
#include "study/sentiment_coverage.hpp"
#include "tiny_shard.hpp"

namespace engage::kernels {
namespace {

using testing_support::TinyShard;
using K = ChannelKind;

StudyOutcome outcome_of(const TinyShard& s, const StudyHorizon& h, Day planted = kNoDay, bool truth = false) {
    return study_outcome(s.view(), 0, testing_support::identity_kinds(), h, planted, truth);
}

TEST(StudyOutcome, NonContractualAtRiskRetainedAndHorizonRevenue) {
    // T = 100, H = 60, churn after 30 days without an interaction.
    const StudyHorizon h{100, 160, 30, -1};
    TinyShard a;  // last seen day 80 (20 days before T): at risk; seen on day 150 (10 before T + H): retained
    a.add(10, {{10, K::purchase, 5.0}, {80, K::usage, 0}, {120, K::purchase, 12.5}, {150, K::purchase, 7.25}, {170, K::purchase, 99}});
    auto o = outcome_of(a, h);
    EXPECT_TRUE(o.at_risk);
    EXPECT_TRUE(o.retained);
    EXPECT_EQ(o.recency_days, 20);
    EXPECT_EQ(o.horizon_revenue_cents, 1975);  // 12.50 + 7.25; day 170 is after the horizon
    TinyShard b;  // came back on day 120 only: lapsed again 40 days before T + H: churned
    b.add(10, {{75, K::usage, 0}, {120, K::purchase, 3.0}});
    o = outcome_of(b, h);
    EXPECT_TRUE(o.at_risk);
    EXPECT_FALSE(o.retained);
    EXPECT_EQ(o.horizon_revenue_cents, 300);
    TinyShard c;  // last seen day 70, 30 days before T: already churned at T
    c.add(10, {{70, K::usage, 0}, {150, K::usage, 0}});
    EXPECT_FALSE(outcome_of(c, h).at_risk);
    TinyShard d;  // acquired on day 90 without any interaction: the acquisition day counts
    d.add(90, {});
    o = outcome_of(d, h);
    EXPECT_TRUE(o.at_risk);
    EXPECT_FALSE(o.retained);
    EXPECT_EQ(o.recency_days, 10);
    TinyShard e;  // acquired after T: not a customer of the study
    e.add(101, {{101, K::purchase, 1}});
    EXPECT_FALSE(outcome_of(e, h).at_risk);
}

TEST(StudyOutcome, ContractualAndPlanted) {
    const int cancel = int(K::complaint);  // any channel can be the cancel channel
    const StudyHorizon h{100, 160, 30, cancel};
    TinyShard a;  // quiet for 90 days but under contract: at risk; cancels on day 140: churned
    a.add(0, {{10, K::usage, 0}, {140, K::complaint, 0}});
    auto o = outcome_of(a, h, 130, true);
    EXPECT_TRUE(o.at_risk);
    EXPECT_FALSE(o.retained);
    EXPECT_TRUE(o.planted_at_risk);    // planted churn on day 130, after T
    EXPECT_FALSE(o.planted_retained);  // ... and before T + H
    TinyShard b;  // cancels on day 50: not at risk at T
    b.add(0, {{50, K::complaint, 0}});
    EXPECT_FALSE(outcome_of(b, h).at_risk);
    TinyShard c;  // cancels after the horizon: retained
    c.add(0, {{10, K::usage, 0}, {161, K::complaint, 0}});
    o = outcome_of(c, h, kNoDay, true);
    EXPECT_TRUE(o.retained);
    EXPECT_TRUE(o.planted_retained);
}

// AUC and DeLong by pairs and placements, customer by customer: an independent computation.
AucResult pairwise_auc(const std::vector<int>& pos, const std::vector<int>& neg) {
    AucResult r;
    r.positives = std::int64_t(pos.size());
    r.negatives = std::int64_t(neg.size());
    std::vector<double> v10, v01;
    for (int p : pos) {
        double s = 0;
        for (int n : neg) s += p > n ? 1.0 : p == n ? 0.5 : 0.0;
        v10.push_back(s / double(neg.size()));
    }
    for (int n : neg) {
        double s = 0;
        for (int p : pos) s += p > n ? 1.0 : p == n ? 0.5 : 0.0;
        v01.push_back(s / double(pos.size()));
    }
    double a = 0;
    for (double v : v10) a += v;
    a /= double(v10.size());
    double s10 = 0, s01 = 0;
    for (double v : v10) s10 += (v - a) * (v - a);
    for (double v : v01) s01 += (v - a) * (v - a);
    s10 /= double(v10.size() - 1);
    s01 /= double(v01.size() - 1);
    r.auc = a;
    r.se = std::sqrt(s10 / double(v10.size()) + s01 / double(v01.size()));
    return r;
}

AucResult histogram_auc(const std::vector<int>& pos, const std::vector<int>& neg, int keys) {
    std::vector<std::int64_t> hp(keys, 0), hn(keys, 0);
    for (int p : pos) ++hp[p];
    for (int n : neg) ++hn[n];
    return auc_from_histograms(hp, hn);
}

TEST(Auc, HandCheckedWithTies) {
    // Positives 3, 4, 5, 5 against negatives 1, 2, 5: 9 of 12 pairs (ties count half) -> 0.75.
    // Placements: V10 = 2/3, 2/3, 5/6, 5/6 (S10 = 1/108); V01 = 1, 1, 1/4 (S01 = 3/16);
    // Var = (1/108) / 4 + (3/16) / 3 = 0.0648148..., se = 0.2545875...
    const auto r = histogram_auc({3, 4, 5, 5}, {1, 2, 5}, 8);
    EXPECT_EQ(r.positives, 4);
    EXPECT_EQ(r.negatives, 3);
    EXPECT_DOUBLE_EQ(r.auc, 0.75);
    EXPECT_NEAR(r.se, std::sqrt(1.0 / 432.0 + 1.0 / 16.0), 1e-15);
    EXPECT_NEAR(r.ci_low, std::max(0.0, 0.75 - 1.959963984540054 * r.se), 1e-12);
    EXPECT_DOUBLE_EQ(r.ci_high, 1.0);  // clipped
}

TEST(Auc, MatchesPairwiseDeLongOnRandomDataWithTies) {
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<int> lo(0, 30), hi(10, 40);
    std::vector<int> pos, neg;
    for (int i = 0; i < 347; ++i) pos.push_back(hi(rng));
    for (int i = 0; i < 211; ++i) neg.push_back(lo(rng));
    const auto a = histogram_auc(pos, neg, 41), b = pairwise_auc(pos, neg);
    EXPECT_NEAR(a.auc, b.auc, 1e-12);
    EXPECT_NEAR(a.se, b.se, 1e-12);
    EXPECT_GT(a.auc, 0.7);
}

TEST(Auc, UndefinedWithoutBothClasses) {
    auto r = histogram_auc({1, 2}, {}, 4);
    EXPECT_TRUE(std::isnan(r.auc));
    r = histogram_auc({1}, {0}, 4);  // defined, but no variance from one of each
    EXPECT_DOUBLE_EQ(r.auc, 1.0);
    EXPECT_TRUE(std::isnan(r.se));
}

StudyCustomer customer(double composite, Tier tier, bool retained, double revenue, std::uint32_t bu = 0,
                       double sow = std::nan("")) {
    StudyCustomer c;
    c.acquired = true;
    c.composite = composite;
    c.tier = tier;
    c.business_unit = bu;
    c.outcome.at_risk = true;
    c.outcome.retained = retained;
    c.outcome.horizon_revenue_cents = std::llround(revenue * 100);
    c.share_of_wallet = sow;
    return c;
}

TEST(Backtest, DecilesSplitAtRiskCustomersByScoreAndTiesShareADecile) {
    std::vector<StudyCustomer> cs;
    for (int i = 0; i < 20; ++i) cs.push_back(customer(5.0 * i, Tier::not_engaged, i >= 10, 10.0 * i));
    cs.push_back(customer(0.0, Tier::not_engaged, false, 0));  // ties with the lowest
    ChurnHistograms h;
    add_churn_keys(cs, h);
    h.finalize();
    BacktestSums sums;
    for (const auto& c : cs) sums.add(c, h);
    // 21 customers, percentile 100 (below + equal / 2) / 21: the two at 0 -> 4.8 (decile 0);
    // score 5 -> 11.9 (decile 1); score 95 -> 97.6 (decile 9).
    EXPECT_EQ(score_decile(h, 0.0), 0);
    EXPECT_EQ(score_decile(h, 95.0), 9);
    std::int64_t total = 0, churned = 0, revenue = 0;
    for (int d = 0; d < kDeciles; ++d) {
        total += sums.decile(d).customers;
        churned += sums.decile(d).churned;
        revenue += sums.decile(d).revenue_cents;
    }
    EXPECT_EQ(total, 21);
    EXPECT_EQ(churned, 11);
    EXPECT_EQ(revenue, 190 * 10 * 100);  // 10 * (0 + ... + 19) currency units
    EXPECT_EQ(score_decile(h, 5.0), 1);
    EXPECT_EQ(sums.decile(0).customers, 2);
    EXPECT_EQ(sums.decile(0).churned, 2);
    EXPECT_EQ(sums.decile(9).churned, 0);
    // Composite separates the classes perfectly: AUC 1 for staying.
    EXPECT_DOUBLE_EQ(churn_auc(h, 0, Predictor::composite).auc, 1.0);
}

TEST(Backtest, CalibrationBinsOfPAlive) {
    ChurnHistograms h;
    h.finalize();
    BacktestSums sums;
    StudyCustomer c;
    c.calibrated = true;
    for (auto [p, expected, actual] : {std::tuple{0.05, 0.1, 0.0}, {0.15, 0.5, 1.0}, {0.95, 2.0, 3.0}, {1.0, 4.0, 0.0}}) {
        c.p_alive = p;
        c.expected_holdout = expected;
        c.actual_holdout = actual;
        sums.add(c, h);
    }
    EXPECT_EQ(sums.bin(0).customers, 1);
    EXPECT_EQ(sums.bin(1).active, 1);
    EXPECT_EQ(sums.bin(9).customers, 2);  // P(alive) = 1 is in the last bin
    EXPECT_EQ(sums.bin(9).active, 1);
    EXPECT_NEAR(sums.bin(9).p_alive, 1.95, 1e-9);  // exact sums resolve 2^-40 per term
    EXPECT_DOUBLE_EQ(sums.bin(9).expected, 6.0);
    EXPECT_DOUBLE_EQ(sums.bin(9).actual, 3.0);
}

TEST(SentimentCoverage, SilentCustomersChurnMoreHandChecked) {
    // At risk: 8 with a known sentiment (2 churned), 12 without (6 churned); 3 not at risk.
    SentimentCoverage c;
    for (int k = 0; k < 8; ++k) c.add(true, true, k >= 2);
    for (int k = 0; k < 12; ++k) c.add(true, false, k >= 6);
    for (int k = 0; k < 3; ++k) c.add(false, k == 0, false);
    const auto r = c.result();
    EXPECT_EQ(r.known, 8);
    EXPECT_EQ(r.churned_unknown, 6);
    EXPECT_DOUBLE_EQ(r.unknown_share, 0.6);
    EXPECT_DOUBLE_EQ(r.churn_rate_known, 0.25);
    EXPECT_DOUBLE_EQ(r.difference, 0.25);
    // Agresti-Caffo: (7/14 - 3/10) -+ 1.96 sqrt(0.5 * 0.5 / 14 + 0.3 * 0.7 / 10) = 0.2 -+ 0.3864.
    const double half = 1.959963984540054 * std::sqrt(0.25 / 14 + 0.21 / 10);
    EXPECT_NEAR(r.ci_low, 0.2 - half, 1e-12);
    EXPECT_NEAR(r.ci_high, 0.2 + half, 1e-12);
    EXPECT_NEAR(r.ci_low, -0.1864, 1e-4);
    EXPECT_TRUE(std::isnan(SentimentCoverage().result().difference));
}

TEST(Claims, HandChecked) {
    ClaimsState s(2);
    // Business unit 0: fully engaged spend 30 and 50 (mean 40); engaged 10; not engaged 0, 0, 20.
    s.add(customer(90, Tier::fully_engaged, true, 30, 0, 0.5));
    s.add(customer(85, Tier::fully_engaged, true, 50, 0, 0.7));
    s.add(customer(60, Tier::engaged, false, 10, 0, 0.3));
    s.add(customer(20, Tier::not_engaged, false, 0, 0, 0.1));
    s.add(customer(10, Tier::not_engaged, false, 0, 0));
    s.add(customer(5, Tier::actively_disengaged, true, 20, 0, 0.3));
    // Revenue: mean of all = 110 / 6; premium = 40 / (110 / 6) - 1 = 13/11.
    const auto rev = s.result(Claim::revenue_premium_fully_engaged, 1, 2);
    EXPECT_NEAR(rev.value, 240.0 / 110.0 - 1.0, 1e-12);
    EXPECT_EQ(rev.n, 2);
    EXPECT_EQ(rev.n_reference, 6);
    // Delta method: Var_F = 200, Var_all = (3900 - 110^2/6) / 5; Var(log ratio) =
    // Var_F/(n_F m_F^2) + Var_all/(n m^2) - 2 Var_F/(n m_F m).
    const double mf = 40, ma = 110.0 / 6, vf = 200, va = (3900 - 110.0 * 110.0 / 6) / 5;
    const double sd = std::sqrt(vf / (2 * mf * mf) + va / (6 * ma * ma) - 2 * vf / (6 * mf * ma));
    EXPECT_NEAR(rev.ci_low, std::exp(std::log(mf / ma) - 1.959963984540054 * sd) - 1, 1e-9);
    EXPECT_NEAR(rev.ci_high, std::exp(std::log(mf / ma) + 1.959963984540054 * sd) - 1, 1e-9);
    // Attrition: engaged churn 1/3, not engaged 2/3: 50 % lower; Katz se = sqrt(1 - 1/3 + 1/2 - 1/3).
    const auto att = s.result(Claim::attrition_reduction_engaged, 0, 2);
    EXPECT_NEAR(att.value, 0.5, 1e-12);
    EXPECT_NEAR(att.compared, 1.0 / 3, 1e-12);
    const double h = 1.959963984540054 * std::sqrt(1.0 - 1.0 / 3 + 0.5 - 1.0 / 3);
    EXPECT_NEAR(att.ci_low, 1 - 0.5 * std::exp(h), 1e-9);
    EXPECT_NEAR(att.ci_high, 1 - 0.5 * std::exp(-h), 1e-9);
    // Share of wallet: engaged 0.5, 0.7, 0.3 (mean 0.5) vs others 0.1, 0.3 (0.2; one unknown): +150 %.
    const auto sow = s.result(Claim::share_of_wallet_premium_engaged, 0, 2);
    EXPECT_NEAR(sow.value, 1.5, 1e-9);
    EXPECT_EQ(sow.n_reference, 2);
    // Business unit 1 has nobody: undefined; the minimum group size suppresses.
    EXPECT_TRUE(std::isnan(s.result(Claim::attrition_reduction_engaged, 2, 2).value));
    const auto small = s.result(Claim::revenue_premium_fully_engaged, 0, 3);
    EXPECT_TRUE(small.suppressed);
    EXPECT_TRUE(std::isnan(small.value));
}

}  // namespace
}  // namespace engage::kernels
