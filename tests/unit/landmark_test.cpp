// The landmark follow-up (kernels/survival/landmark.hpp): hand-checked churn days after T, and
// agreement with the study's outcome (at risk at T; no churn in the follow-up = retained) on
// random histories; the covariate moments' choice and standardisation (landmark_cox.hpp).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "survival/landmark_cox.hpp"
#include "tiny_shard.hpp"

namespace engage::kernels {
namespace {

using testing_support::TinyShard;
using K = ChannelKind;

LandmarkTime time_of(const TinyShard& s, const StudyHorizon& h, std::size_t k = 0) {
    std::vector<Day> scratch;
    return landmark_time(s.view(), k, testing_support::identity_kinds(), h, scratch);
}

TEST(Landmark, NonContractualFollowUpAfterT) {
    const StudyHorizon h{100, 160, 30, -1};  // T = 100, H = 60, churn after 30 quiet days
    TinyShard a;  // last seen day 80: at risk; then day 110, quiet until 140 = T + 40: churned on day 40
    a.add(10, {{80, K::usage, 0}, {110, K::purchase, 1}});
    auto t = time_of(a, h);
    EXPECT_TRUE(t.at_risk);
    EXPECT_EQ(t.follow_up, (SurvivalTime{40, true}));
    TinyShard b;  // seen on day 150: no churn by 160, censored at H = 60
    b.add(10, {{80, K::usage, 0}, {150, K::usage, 0}});
    EXPECT_EQ(time_of(b, h).follow_up, (SurvivalTime{60, false}));
    TinyShard c;  // last seen on day 75 only: churns on day 105, 5 days after T
    c.add(10, {{75, K::usage, 0}});
    EXPECT_EQ(time_of(c, h).follow_up, (SurvivalTime{5, true}));
    TinyShard d;  // last seen day 70: churned on day 100 = T, not at risk
    d.add(10, {{70, K::usage, 0}, {150, K::usage, 0}});
    EXPECT_FALSE(time_of(d, h).at_risk);
    TinyShard e;  // acquired after T
    e.add(101, {{101, K::usage, 0}});
    EXPECT_FALSE(time_of(e, h).at_risk);
    TinyShard f;  // acquired on day 90 with no interaction: the acquisition day counts, churn on 120
    f.add(90, {});
    EXPECT_EQ(time_of(f, h).follow_up, (SurvivalTime{20, true}));
}

TEST(Landmark, ContractualFollowUpAfterT) {
    const StudyHorizon h{100, 160, 30, int(K::support)};  // the cancel channel: support
    TinyShard a;  // cancels on day 130
    a.add(10, {{20, K::usage, 0}, {130, K::support, 0}});
    EXPECT_EQ(time_of(a, h).follow_up, (SurvivalTime{30, true}));
    TinyShard b;  // cancelled on day 90: not at risk
    b.add(10, {{90, K::support, 0}});
    EXPECT_FALSE(time_of(b, h).at_risk);
    TinyShard c;  // no cancellation (silent for years: contracts do not lapse)
    c.add(10, {{20, K::usage, 0}});
    EXPECT_EQ(time_of(c, h).follow_up, (SurvivalTime{60, false}));
}

TEST(Landmark, AgreesWithTheStudyOutcome) {
    std::mt19937_64 rng(5);
    for (int cancel : {-1, int(K::support)}) {
        const StudyHorizon h{300, 420, 45, cancel};
        TinyShard s;
        for (int i = 0; i < 400; ++i) {
            testing_support::Events ev;
            const Day acquired = Day(rng() % 400);
            Day day = acquired;
            while ((day += Day(1 + rng() % 70)) < 500) ev.push_back({day, K(rng() % 4), 1.0});
            s.add(acquired, ev);
        }
        std::vector<Day> scratch;
        for (std::size_t k = 0; k < s.acquisition.size(); ++k) {
            const auto o = study_outcome(s.view(), k, testing_support::identity_kinds(), h);
            const auto t = landmark_time(s.view(), k, testing_support::identity_kinds(), h, scratch);
            ASSERT_EQ(t.at_risk, o.at_risk) << k;
            if (!t.at_risk) continue;
            EXPECT_EQ(!t.follow_up.event, o.retained) << k;
            EXPECT_GE(t.follow_up.duration, 1);
            EXPECT_LE(t.follow_up.duration, 120);
        }
    }
}

TEST(LandmarkCox, DesignEntersKnownVaryingCovariatesAndStandardises) {
    CovariateMoments m;
    for (int i = 0; i < 4; ++i) {
        LandmarkRow r;
        r.day = 10;
        r.x.fill(std::nan(""));
        r.x[0] = 10.0 * i;               // 0, 10, 20, 30: mean 15, sd sqrt(500/3)
        r.x[2] = 7;                      // constant: left out
        if (i == 0) r.x[3] = 1;          // known for 1 of 4: left out
        if (i < 2) r.x[5] = double(i);   // known for 2 of 4 (half): enters
        m.add(r);
    }
    LandmarkRow not_at_risk;  // ignored
    not_at_risk.x.fill(1e9);
    m.add(not_at_risk);
    const CoxDesign d = m.design();
    EXPECT_EQ(d.at_risk, 4);
    EXPECT_EQ(d.covariates(), 2);
    EXPECT_TRUE(d.entered[0] && d.entered[5]);
    EXPECT_FALSE(d.entered[2] || d.entered[3]);
    EXPECT_DOUBLE_EQ(d.mean[0], 15.0);
    EXPECT_DOUBLE_EQ(d.sd[0], std::sqrt(500.0 / 3.0));
    LandmarkRow r;
    r.day = 3;
    r.x.fill(std::nan(""));
    r.x[0] = 15;
    double z[2];
    EXPECT_FALSE(d.standardise(r, z));  // covariate 5 unknown: not a complete case
    r.x[5] = 1;
    ASSERT_TRUE(d.standardise(r, z));
    EXPECT_EQ(z[0], 0.0);
    EXPECT_DOUBLE_EQ(z[1], (1 - 0.5) / std::sqrt(0.5));
}

}  // namespace
}  // namespace engage::kernels

namespace engage::kernels {
namespace {

// Harrell's C from the keyed counts equals the pairwise definition (R's concordance rules: an
// event and a later time, or a censoring on the same day, form a pair; events on one day do not).
TEST(Concordance, CountsEqualThePairwiseDefinition) {
    std::mt19937_64 rng(11);
    struct S { std::int32_t day; bool event; int key; };
    std::vector<S> subjects;
    ConcordanceCounts counts(40, 16);
    for (int i = 0; i < 600; ++i) {
        const S s{std::int32_t(rng() % 41), rng() % 3 != 0, int(rng() % 16)};
        subjects.push_back(s);
        counts.add(s.day, s.event, s.key);
    }
    Concordance brute;
    for (const S& a : subjects)
        for (const S& b : subjects) {
            if (!a.event || &a == &b) continue;
            if (b.day < a.day || (b.day == a.day && b.event)) continue;
            if (a.key > b.key) ++brute.concordant;
            else if (a.key < b.key) ++brute.discordant;
            else ++brute.tied_x;
        }
    const Concordance c = harrell_concordance(counts);
    EXPECT_EQ(c.concordant, brute.concordant);
    EXPECT_EQ(c.discordant, brute.discordant);
    EXPECT_EQ(c.tied_x, brute.tied_x);
    EXPECT_DOUBLE_EQ(c.c, (double(brute.concordant) + double(brute.tied_x) / 2) /
                              double(brute.concordant + brute.discordant + brute.tied_x));
    // The cumulative/dynamic AUC at tau = 20: churned by day 20 against the rest (churned later or
    // censored), pair by pair.
    double above = 0, pairs = 0;
    for (const S& a : subjects)
        for (const S& b : subjects) {
            if (!(a.event && a.day <= 20) || (b.event && b.day <= 20)) continue;
            pairs += 1;
            above += a.key > b.key ? 1.0 : a.key == b.key ? 0.5 : 0.0;
        }
    EXPECT_DOUBLE_EQ(cumulative_auc(counts, 20), above / pairs);
    // Keys: equal bins between the extremes, the largest value in the last one.
    EXPECT_EQ(ConcordanceCounts::key(-1.0, -1.0, 1.0, 4), 0);
    EXPECT_EQ(ConcordanceCounts::key(0.0, -1.0, 1.0, 4), 2);
    EXPECT_EQ(ConcordanceCounts::key(1.0, -1.0, 1.0, 4), 3);
    EXPECT_EQ(ConcordanceCounts::key(5.0, 2.0, 2.0, 4), 0);
}

}  // namespace
}  // namespace engage::kernels
