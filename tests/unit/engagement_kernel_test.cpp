// The engagement signals, scores and tiers on hand-checked customers (docs/metrics.md).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engagement/engagement_pass.hpp"
#include "features/feature_pass.hpp"
#include "tiny_shard.hpp"

namespace engage::kernels {
namespace {

using K = ChannelKind;

// One customer acquired on day 0, with a yearly wallet (NaN: unknown).
testing_support::TinyShard customer(const testing_support::Events& events, double wallet) {
    return testing_support::TinyShard().add(0, events, wallet);
}

struct Model {
    EngagementConfig config;
    std::vector<std::int64_t> weights;
    std::vector<std::int32_t> months;
    FeatureContext ctx;
    Model(Day as_of, Day window_days) {
        weights = engagement_weights(config, window_days);
        months.assign(window_days, 0);
        ctx.as_of = as_of;
        ctx.window_start = as_of - window_days + 1;
        ctx.month_of = months.data();
        ctx.engagement = &config;
        ctx.weights = weights.data();
        ctx.previous_as_of = as_of - config.trend_days;
        ctx.previous_window_start = ctx.previous_as_of - window_days + 1;
    }
    CustomerFeatures features(const testing_support::TinyShard& c) const {
        return ScoreFeatures::customer(c.view(), 0, ctx, testing_support::identity_kinds());
    }
};

constexpr double kUnknownWallet = std::numeric_limits<double>::quiet_NaN();

TEST(EngagementSignals, HandCheckedCustomer) {
    // As of day 1000, a 365-day window, half-life 90 days: an event 90 days back weighs half.
    const Model m(1000, 365);
    const auto c = customer({{910, K::complaint, 1},   // sentiment -1 at weight 1 x 0.5
                      {910, K::idea, 1},        // involvement 3 x 0.5
                      {1000, K::survey, 10},    // promoter: sentiment +1 at weight 1 x 1
                      {1000, K::event, 1},      // involvement 2
                      {1000, K::referral, 1},   // advocacy 3
                      {1000, K::purchase, 500}},
                     1000.0);
    const auto s = m.features(c).engagement_now;
    EXPECT_TRUE(s.acquired);
    EXPECT_DOUBLE_EQ(s.sentiment, (1.0 - 0.5) / (1.0 + 0.5));
    EXPECT_DOUBLE_EQ(s.involvement, 2.0 + 1.5);
    EXPECT_DOUBLE_EQ(s.advocacy, 3.0);
    EXPECT_DOUBLE_EQ(s.usage_breadth, 1.0);   // purchases only
    EXPECT_DOUBLE_EQ(s.usage_depth, 1.0);     // one purchase today, weight 1
    EXPECT_DOUBLE_EQ(s.share_of_wallet, 0.5); // 500 a year of a 1000 wallet
    EXPECT_EQ(s.last_nps, 10);
    EXPECT_EQ(s.complaints, 1u);
    EXPECT_DOUBLE_EQ(s.usage_regularity, 1.0);  // active today
    // One trend period (90 days) earlier only the complaint and the idea had happened.
    const auto p = m.features(c).engagement_previous;
    EXPECT_DOUBLE_EQ(p.sentiment, -1.0);
    EXPECT_DOUBLE_EQ(p.involvement, 3.0);
    EXPECT_TRUE(std::isnan(p.share_of_wallet) == false);
    EXPECT_DOUBLE_EQ(p.share_of_wallet, 0.0);
}

// The company's side (docs/metrics.md, "The company's side"): its offers, replies and feedback
// are not the customer's engagement or activity; an offer taken up counts as one interaction of
// kind offer (weight 1, involvement by default) at the customer's response.
TEST(EngagementSignals, OnlyTheOffersTheCustomerTakesUpCount) {
    const Model m(1000, 365);
    auto c = customer({{820, K::offer, 1},            // ignored
                       {900, K::offer, 1},            // taken up 10 days later
                       {910, K::purchase, 100},       // answers the offer 1 row back
                       {995, K::support, 1},          // a ticket
                       {996, K::support_reply, 2},    // the company's reply: not the customer's
                       {999, K::idea_feedback, 3}},   // the company's feedback: not the customer's
                      kUnknownWallet);
    c.answering({0, 0, 1, 0, 1, 0});
    const auto f = m.features(c);
    // Involvement: only the response, as an offer of weight 1, 90 days back: 0.5.
    EXPECT_DOUBLE_EQ(f.engagement_now.involvement, 0.5);
    // Usage: the purchase (weight 1 x 0.5) and the ticket (0.5 x 2^(-5/90)); the company's rows
    // add nothing.
    EXPECT_NEAR(f.engagement_now.usage_depth, 0.5 + 0.5 * std::exp2(-5.0 / 90.0), 1e-9);  // fixed point
    EXPECT_DOUBLE_EQ(f.engagement_now.usage_breadth, 2.0);
    // Activity is the customer's: last interaction the ticket (day 995), 2 interactions, breadth 2;
    // the channel columns still count the company's rows.
    EXPECT_EQ(f.last_interaction_days, 5);
    EXPECT_EQ(f.interactions, 2u);
    EXPECT_EQ(f.interactions_total, 2u);
    EXPECT_EQ(f.breadth, 2u);
    EXPECT_EQ(f.channel_count[int(K::offer)], 2u);
    EXPECT_EQ(f.channel_count[int(K::support_reply)], 1u);
    EXPECT_EQ(f.active_weeks, 2u);  // days 995 (week 0) and 910 (week 12)
    // Without the answers column the response is an ordinary purchase: no offer credit.
    c.answers.clear();
    EXPECT_DOUBLE_EQ(m.features(c).engagement_now.involvement, 0.0);
    // The offer's weight is configurable like any kind's.
    Model heavy(1000, 365);
    heavy.config.kind_weight[int(K::offer)] = 4;
    heavy.weights = engagement_weights(heavy.config, 365);
    heavy.ctx.weights = heavy.weights.data();
    c.answering({0, 0, 1, 0, 1, 0});
    EXPECT_DOUBLE_EQ(heavy.features(c).engagement_now.involvement, 2.0);
}

TEST(EngagementSignals, CasualButLoyalCustomerIsNotOverdue) {
    // Reorders every 180 days; last order 100 days ago: within its own cadence.
    const Model m(1000, 365);
    const auto loyal = customer({{280, K::purchase, 50}, {460, K::purchase, 50}, {640, K::purchase, 50},
                          {820, K::purchase, 50}, {900, K::purchase, 50}},
                         kUnknownWallet);
    // Bought every 20 days, then nothing for 100 days: five times its usual gap.
    const auto lapsed = customer({{820, K::purchase, 50}, {840, K::purchase, 50}, {860, K::purchase, 50},
                           {880, K::purchase, 50}, {900, K::purchase, 50}},
                          kUnknownWallet);
    const auto a = m.features(loyal).engagement_now;
    const auto b = m.features(lapsed).engagement_now;
    EXPECT_DOUBLE_EQ(a.usage_regularity, 1.0);       // overdue ratio 100 / 155 < 1
    EXPECT_DOUBLE_EQ(b.usage_regularity, 20.0 / 100.0);
    EXPECT_FALSE(tier_evidence(a).negative);         // no complaint, no bad answer
}

TEST(EngagementSignals, OneDayCustomerIsExpectedBackWithinOneTrendPeriod) {
    // Seen on day 820 only, as of day 1000: 180 days silent. With no cadence of its own its usual
    // gap is the trend period T (docs/metrics.md), not the window D = 365 (which would leave
    // every one-day customer of the window regular).
    Model m(1000, 365);
    const auto once = customer({{820, K::purchase, 50}}, kUnknownWallet);
    EXPECT_DOUBLE_EQ(m.features(once).engagement_now.usage_regularity, 90.0 / 180.0);  // T = 90: o = 2
    m.config.trend_days = 60;
    EXPECT_DOUBLE_EQ(m.features(once).engagement_now.usage_regularity, 60.0 / 180.0);  // o = 3
    // Within one trend period: still regular.
    m.config.trend_days = 90;
    const auto recent = customer({{950, K::purchase, 50}}, kUnknownWallet);
    EXPECT_DOUBLE_EQ(m.features(recent).engagement_now.usage_regularity, 1.0);  // o = 50 / 90
}

TEST(EngagementSignals, UnknownWalletAndNoSentimentAreUnknownNotZero) {
    const Model m(1000, 365);
    const auto c = customer({{990, K::purchase, 80}}, kUnknownWallet);
    const auto s = m.features(c).engagement_now;
    EXPECT_TRUE(std::isnan(s.share_of_wallet));
    EXPECT_TRUE(std::isnan(s.sentiment));
    const MetricKeys k = metric_keys(s);
    EXPECT_FALSE(k.is_known(Metric::share_of_wallet));
    EXPECT_FALSE(k.is_known(Metric::sentiment));
    EXPECT_TRUE(k.is_known(Metric::usage_depth));
}

TEST(EngagementSignals, CombineOfAnySplitEqualsOneFold) {
    const Model m(1000, 365);
    const auto c = customer({{600, K::purchase, 20}, {700, K::survey, 3}, {700, K::review, 5}, {905, K::usage, 1},
                      {905, K::usage, 1}, {950, K::complaint, 1}, {999, K::purchase, 9}},
                     300.0);
    const ChannelKinds kinds = testing_support::identity_kinds();
    FeatureContext ctx = m.ctx;
    ctx.wallet = 300.0;
    const auto whole = ScoreFeatures::finalize(ScoreFeatures::fold(c.view(), 0, 7, ctx, kinds), ctx);
    for (std::size_t cut = 0; cut <= 7; ++cut) {
        auto a = ScoreFeatures::fold(c.view(), 0, cut, ctx, kinds);
        ScoreFeatures::combine(a, ScoreFeatures::fold(c.view(), cut, 7, ctx, kinds));
        EXPECT_EQ(ScoreFeatures::finalize(a, ctx), whole) << "split at " << cut;
    }
}

TEST(EngagementScore, CompositeIsTheWeightedMeanOfKnownDimensionsAndTiersFollowThresholds) {
    // Two customers, one metric value each: percentiles 25 and 75 for every known metric.
    MetricHistograms h;
    EngagementSignals low, high;
    low.acquired = high.acquired = true;
    low.sentiment = -0.5;
    high.sentiment = 0.5;
    low.share_of_wallet = std::nan("");   // unknown: the composite ignores the dimension
    high.share_of_wallet = 0.9;
    low.usage_depth = 1;
    high.usage_depth = 10;
    low.usage_breadth = 1;
    high.usage_breadth = 3;
    low.usage_regularity = 0.2;
    high.usage_regularity = 1;
    low.involvement = 0;
    high.involvement = 5;
    low.advocacy = 0;
    high.advocacy = 2;
    EngagementSignals wallet_only;  // a third known wallet, so that the wallets tell customers apart
    wallet_only.acquired = true;
    wallet_only.share_of_wallet = 0.95;
    const MetricKeys kl = metric_keys(low), kh = metric_keys(high), kw = metric_keys(wallet_only);
    for (const auto& k : {kl, kh})
        for (int i = 0; i < kMetrics; ++i)
            if (k.is_known(Metric(i))) h.add(series_of(Metric(i)), k.key[i]);
    h.add(series_of(Metric::share_of_wallet), kw.key[int(Metric::share_of_wallet)]);
    h.finalize();
    const EngagementConfig cfg;
    const auto a = score_customer(kl, {true, true}, h, cfg);
    const auto b = score_customer(kh, {false, false}, h, cfg);
    EXPECT_DOUBLE_EQ(a.dimension[int(Dimension::usage)], 25.0);
    EXPECT_TRUE(std::isnan(a.dimension[int(Dimension::competitive)]));
    EXPECT_DOUBLE_EQ(b.dimension[int(Dimension::competitive)], 25.0);  // below 0.95
    EXPECT_DOUBLE_EQ(a.composite, 25.0);  // every known dimension at 25
    const double w = 0.30 + 0.20 + 0.15 + 0.15 + 0.20;
    EXPECT_DOUBLE_EQ(b.composite, (0.80 * 75.0 + 0.20 * 25.0) / w);
    EXPECT_EQ(a.tier, Tier::actively_disengaged);  // low score, negative sentiment, falling
    EXPECT_EQ(b.tier, Tier::engaged);              // 65: engaged (>= 50), not fully (< 75)
    EXPECT_EQ(score_customer(kl, {true, false}, h, cfg).tier, Tier::not_engaged);  // not falling
    EXPECT_EQ(score_customer(kl, {false, true}, h, cfg).tier, Tier::not_engaged);  // not negative
}

TEST(EngagementScore, DimensionsWithoutSignalInTheBaseAreUnknownNotFifty) {
    // Purchase-only data: nobody has involvement or advocacy (every key 0), one customer has a
    // wallet, nobody an NPS. Those dimensions rank everyone at 50 and say nothing: they are
    // unknown, and the composite is the usage score alone.
    MetricHistograms h;
    std::vector<MetricKeys> keys;
    for (int i = 0; i < 4; ++i) {
        EngagementSignals s;
        s.acquired = true;
        s.usage_breadth = 1;            // one channel for everyone: no signal either
        s.usage_depth = 1 + i;
        s.usage_regularity = 0.25 * i;
        s.involvement = 0;
        s.advocacy = 0;
        s.share_of_wallet = i == 0 ? 0.5 : std::nan("");
        keys.push_back(metric_keys(s));
        for (int m = 0; m < kMetrics; ++m)
            if (keys.back().is_known(Metric(m))) h.add(series_of(Metric(m)), keys.back().key[m]);
    }
    h.finalize();
    EXPECT_FALSE(h.has_signal(series_of(Metric::involvement)));
    EXPECT_FALSE(h.has_signal(series_of(Metric::usage_breadth)));
    EXPECT_TRUE(h.has_signal(series_of(Metric::usage_depth)));
    const auto signal = dimension_signal(h);
    EXPECT_TRUE(signal[int(Dimension::usage)]);
    for (Dimension d : {Dimension::sentiment, Dimension::involvement, Dimension::advocacy, Dimension::competitive})
        EXPECT_FALSE(signal[int(d)]) << kDimensionNames[int(d)];
    const EngagementConfig cfg;
    // Customer 3: depth and regularity the highest of four: percentile 87.5 each.
    const auto top = score_customer(keys[3], {false, false}, h, cfg);
    EXPECT_DOUBLE_EQ(top.dimension[int(Dimension::usage)], 87.5);
    EXPECT_TRUE(std::isnan(top.dimension[int(Dimension::involvement)]));
    EXPECT_TRUE(std::isnan(top.dimension[int(Dimension::advocacy)]));
    EXPECT_DOUBLE_EQ(top.composite, 87.5);  // before: (0.30 * 75 + 0.15 * 50 + 0.15 * 50) / 0.60 = 62.5
    EXPECT_EQ(top.tier, Tier::fully_engaged);
    const auto first = score_customer(keys[0], {false, false}, h, cfg);
    EXPECT_TRUE(std::isnan(first.dimension[int(Dimension::competitive)]));  // the one wallet: no signal
    EXPECT_DOUBLE_EQ(first.composite, 12.5);
}

TEST(EngagementScore, LongGoneCustomersDoNotMoveTheScoresOfTheAliveOnes) {
    // Alive customers with depths 1..4 (last interaction 10 days ago) and a dead stock of long-
    // gone customers (last interaction 400 days ago, depth 0). With the default reference
    // population (alive at the date, churn after 90 days) the alive customers' percentiles are
    // theirs among themselves, however much dead stock the file holds; with "all" they move up.
    auto customer = [](double depth, std::int32_t last_interaction_days) {
        CustomerFeatures f;
        f.tenure_days = 500;
        f.last_interaction_days = last_interaction_days;
        f.engagement_now.acquired = true;
        f.engagement_now.usage_depth = depth;
        f.engagement_now.usage_breadth = depth > 0 ? 1 : 0;
        f.engagement_now.usage_regularity = depth / 8.0;
        return f;
    };
    auto scores = [&](int dead, ReferencePopulation reference) {
        std::vector<CustomerFeatures> f;
        for (int d = 1; d <= 4; ++d) f.push_back(customer(d, 10));
        for (int k = 0; k < dead; ++k) f.push_back(customer(0, 400));
        std::vector<EngagementRecord> records;
        for (const auto& c : f) {
            records.push_back(make_record(c, {0, 0, 0, std::nan(""), std::nan("")}, 365));
            records.back().reference = reference == ReferencePopulation::all || alive_at(c, 90);
        }
        MetricHistograms h;
        add_keys(records, h);
        h.finalize();
        EngagementConfig cfg;
        cfg.reference = reference;
        std::vector<double> out;
        for (int k = 0; k < 4; ++k) out.push_back(score_record(records[std::size_t(k)], h, cfg).now.composite);
        return out;
    };
    const auto alone = scores(0, ReferencePopulation::alive);
    EXPECT_EQ(scores(4, ReferencePopulation::alive), alone);
    EXPECT_EQ(scores(40, ReferencePopulation::alive), alone);
    EXPECT_DOUBLE_EQ(alone[0], 12.5);  // the least engaged alive customer: 12.5 on every usage metric
    EXPECT_DOUBLE_EQ(alone[3], 87.5);
    // Before: every acquired customer counted, and 40 dead ones lift the least engaged alive
    // customer from 12.5 to (40 + 0.5) / 44 = 92 %.
    EXPECT_GT(scores(40, ReferencePopulation::all)[0], 90.0);
    EXPECT_TRUE(alive_at(customer(1, 89), 90));
    EXPECT_FALSE(alive_at(customer(1, 90), 90));
    CustomerFeatures unacquired;
    EXPECT_FALSE(alive_at(unacquired, 90));
}

}  // namespace
}  // namespace engage::kernels
