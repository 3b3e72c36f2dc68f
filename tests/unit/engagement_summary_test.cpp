// Hierarchy summaries: group figures on hand-checked customers and the suppression of small groups.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "report/engagement_summary.hpp"

namespace engage::kernels {
namespace {

ScoredCustomer customer(std::uint32_t rm, double composite, Tier tier, std::int8_t nps, std::int64_t revenue,
                        std::int64_t wallet = -1, std::int64_t spend = 0) {
    ScoredCustomer c;
    c.rm = rm;
    c.region = rm / 2;
    c.business_unit = 0;
    c.now.acquired = true;
    c.now.composite = composite;
    c.now.tier = tier;
    c.now.dimension.fill(composite);
    c.previous = c.now;
    c.previous.tier = Tier::engaged;
    c.last_nps = nps;
    c.revenue_cents = revenue;
    c.wallet_cents = wallet;
    c.yearly_spend_cents = spend;
    return c;
}

TEST(EngagementSummary, GroupFiguresOnHandCheckedCustomers) {
    EngagementSummary s(1, 2, 4);
    s.update(customer(0, 80, Tier::fully_engaged, 10, 10000, 100000, 50000));
    s.update(customer(0, 60, Tier::engaged, 8, 5000));
    s.update(customer(1, 30, Tier::not_engaged, 3, 2000, 40000, 10000));
    s.update(customer(1, 10, Tier::actively_disengaged, -1, 700));
    ScoredCustomer prospect;  // not yet acquired: counts nowhere
    s.update(prospect);
    const EngagementGroup& g = s.group(Level::corporate, 0);
    EXPECT_EQ(g.customers, 4);
    EXPECT_EQ(g.tiers, (std::array<std::int64_t, 4>{1, 1, 1, 1}));
    EXPECT_EQ(g.score_milli, 180000);
    EXPECT_EQ(median_points(g), 30);             // nearest rank 2 of 10, 30, 60, 80
    EXPECT_EQ(g.promoters, 1);
    EXPECT_EQ(g.passives, 1);
    EXPECT_EQ(g.detractors, 1);                 // the fourth gave no answer
    EXPECT_EQ(g.revenue_cents, 17700);
    EXPECT_EQ(g.revenue_at_risk_cents, 2700);   // the two low tiers
    EXPECT_EQ(g.wallet_customers, 2);
    EXPECT_EQ(g.wallet_spend_cents, 60000);
    EXPECT_EQ(g.wallet_cents, 140000);
    EXPECT_EQ(g.migration[int(Tier::engaged) * kTiers + int(Tier::fully_engaged)], 1);
    EXPECT_EQ(g.tiers_previous[int(Tier::engaged)], 4);
    EXPECT_EQ(s.group(Level::relationship_manager, 1).customers, 2);
    EXPECT_EQ(s.group(Level::region, 0).customers, 4);  // rms 0 and 1 are region 0
    EXPECT_EQ(s.group(Level::relationship_manager, 3).customers, 0);
}

// n customers over 40 managers (20 regions) and 3 units, of every tier and score, every 11th not
// yet acquired, with and without an NPS answer, a wallet and spend, every 5th without signal in
// one dimension.
std::vector<ScoredCustomer> mixed_block(std::uint32_t n) {
    std::vector<ScoredCustomer> block;
    for (std::uint32_t i = 0; i < n; ++i) {
        ScoredCustomer c = customer(i * 7919 % 40, double(i * 37 % 101), Tier(i % 4), std::int8_t(i % 12) - 1,
                                    std::int64_t(i) * 13, i % 3 ? -1 : 100000, std::int64_t(i % 9) * 100);
        c.business_unit = i % 3;
        c.now.acquired = i % 11 != 0;
        if (i % 5 == 0) c.now.dimension[2] = std::nan("");
        block.push_back(c);
    }
    return block;
}

// The corporation's group is made from the units' (a customer updates its unit's, not the
// corporation's): customers in two units add up to it, and a summary without units (a backtest
// date's) counts them in the corporation directly.
TEST(EngagementSummary, TheCorporationIsEveryUnitOrItsOwnWithoutUnits) {
    EngagementSummary units(2, 2, 4), alone(0, 0, 0);
    for (std::uint32_t k = 0; k < 5; ++k) {
        ScoredCustomer c = customer(k % 4, 20.0 * k, k % 2 ? Tier::engaged : Tier::not_engaged, std::int8_t(2 * k), 100 * k);
        c.business_unit = k % 2;
        c.region = k % 2;
        units.update(c);
        alone.update(c);
    }
    for (const EngagementSummary* s : {&units, &alone}) {
        const EngagementGroup& g = s->group(Level::corporate, 0);
        EXPECT_EQ(g.customers, 5);
        EXPECT_EQ(g.score_milli, 200000);           // 0 + 20 + 40 + 60 + 80 points
        EXPECT_EQ(g.revenue_cents, 1000);
        EXPECT_EQ(g.revenue_at_risk_cents, 600);    // k = 0, 2, 4 are not engaged
        EXPECT_EQ(g.passives, 1);                   // answers 0, 2, 4, 6, 8: one passive (8),
        EXPECT_EQ(g.detractors, 4);                 // four detractors (0-6), no promoter
        EXPECT_EQ(g.promoters, 0);
        EXPECT_EQ(g.score_points[40], 1);
    }
    EXPECT_EQ(units.group(Level::business_unit, 0).customers, 3);
    EXPECT_EQ(units.group(Level::business_unit, 1).customers, 2);
}

// A block's levels added one by one, in any order and from threads of their own (what the
// engagement stage does), give the sums of one customer at a time; with or without units.
TEST(EngagementSummary, LevelsAddedApartEqualCustomersAddedInTurn) {
    const std::vector<ScoredCustomer> block = mixed_block(5000);
    for (std::size_t units : {std::size_t(3), std::size_t(0)}) {
        EngagementSummary one(units, units ? 20 : 0, units ? 40 : 0), apart(units, units ? 20 : 0, units ? 40 : 0);
        for (const auto& c : block) one.update(c);
        apart.prepare(block);
        const auto levels = EngagementSummary::kAddedLevels;
        const auto n = std::int64_t(levels.size());
#pragma omp parallel for schedule(dynamic, 1)
        for (std::int64_t i = n - 1; i >= 0; --i) apart.add_level(levels[std::size_t(i)], block);
        const auto a = one.sum_words(), b = apart.sum_words();
        EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin(), b.end())) << units << " units";
        EXPECT_EQ(apart.group(Level::corporate, 0).customers, 5000 - 455) << units << " units";
    }
}

// The managers built range by range (what a run does when their groups exceed its budget):
// each range's groups are the full summary's groups of those managers, its units and regions
// those of every customer; without its managers, a summary keeps the levels above them.
TEST(EngagementSummary, ARangeOfManagersHoldsTheirGroupsOfTheFullSummary) {
    const std::vector<ScoredCustomer> block = mixed_block(3000);
    EngagementSummary full(3, 20, 40);
    full.update(block);
    std::size_t managers = 0;
    for (const auto& [first, count] : {std::pair<std::size_t, std::size_t>{0, 13}, {13, 14}, {27, 13}}) {
        EngagementSummary range(3, 20, count, first);
        range.prepare(block);
        for (const Level level : EngagementSummary::kAddedLevels) range.add_level(level, block);
        for (std::size_t g = 0; g < count; ++g, ++managers) {
            const EngagementGroup &a = full.group(Level::relationship_manager, first + g),
                                  &b = range.group(Level::relationship_manager, g);
            EXPECT_EQ(0, std::memcmp(&a, &b, sizeof a)) << "manager " << first + g;
            EXPECT_GT(b.customers, 0) << "manager " << first + g;
        }
        for (std::size_t u = 0; u < 3; ++u)
            EXPECT_EQ(0, std::memcmp(&full.group(Level::business_unit, u), &range.group(Level::business_unit, u),
                                     sizeof(EngagementGroup)));
        range.drop_managers();
        EXPECT_EQ(range.groups(Level::relationship_manager), 0u);
        EXPECT_EQ(range.sum_words().size(), (1 + 3 + 20) * sizeof(EngagementGroup) / 8);
        EXPECT_EQ(range.group(Level::corporate, 0).customers, full.group(Level::corporate, 0).customers);
        EXPECT_EQ(range.group(Level::region, 6).score_milli, full.group(Level::region, 6).score_milli);
    }
    EXPECT_EQ(managers, 40u);
}

// The suppression of a level read through LevelGroups (the managers kept on rank 0's disk)
// is that of the summary's own level.
TEST(EngagementSummary, SuppressionThroughLevelGroupsIsTheSummarys) {
    EngagementSummary s(1, 4, 8);
    const int sizes[8] = {12, 3, 10, 0, 4, 2, 25, 1};
    for (std::uint32_t rm = 0; rm < 8; ++rm)
        for (int k = 0; k < sizes[rm]; ++k) s.update(customer(rm, 50, Tier::engaged, -1, 100));
    std::vector<EngagementGroup> copies;
    for (std::size_t g = 0; g < 8; ++g) copies.push_back(s.group(Level::relationship_manager, g));
    const LevelGroups read{8, [&copies](std::size_t g, EngagementGroup& buffer) -> const EngagementGroup& {
                               buffer = copies[g];
                               return buffer;
                           }};
    for (const std::int64_t min : {1, 10, 11, 26}) {
        const SuppressedLevel a = suppress_small_groups(s, Level::relationship_manager, min), b = suppress_small_groups(read, min);
        EXPECT_EQ(a.kept, b.kept) << min;
        EXPECT_EQ(a.other_groups, b.other_groups) << min;
        EXPECT_EQ(a.other_shown, b.other_shown) << min;
        EXPECT_EQ(0, std::memcmp(&a.other, &b.other, sizeof(EngagementGroup))) << min;
    }
}

TEST(EngagementSummary, SmallGroupsAreFoldedIntoOtherAndOtherHiddenWhenSmall) {
    EngagementSummary s(1, 4, 8);
    const int sizes[8] = {12, 3, 10, 0, 4, 2, 25, 1};
    for (std::uint32_t rm = 0; rm < 8; ++rm)
        for (int k = 0; k < sizes[rm]; ++k) s.update(customer(rm, 50, Tier::engaged, -1, 100));
    const SuppressedLevel rms = suppress_small_groups(s, Level::relationship_manager, 10);
    EXPECT_EQ(rms.kept, (std::vector<std::size_t>{0, 2, 6}));
    EXPECT_EQ(rms.other_groups, 4);             // 3, 4, 2 and 1 customers; the empty one is not a group
    EXPECT_EQ(rms.other.customers, 10);
    EXPECT_TRUE(rms.other_shown);
    EXPECT_EQ(rms.other.revenue_cents, 1000);
    const SuppressedLevel strict = suppress_small_groups(s, Level::relationship_manager, 11);
    EXPECT_EQ(strict.kept, (std::vector<std::size_t>{0, 6}));
    EXPECT_EQ(strict.other.customers, 20);
    EXPECT_TRUE(strict.other_shown);
    const SuppressedLevel tiny = suppress_small_groups(s, Level::relationship_manager, 26);
    EXPECT_TRUE(tiny.kept.empty());
    EXPECT_EQ(tiny.other.customers, 57);
    EXPECT_TRUE(tiny.other_shown);
    // Regions: 0 = rms 0,1 (15), 1 = rms 2,3 (10), 2 = rms 4,5 (6), 3 = rms 6,7 (26).
    const SuppressedLevel regions = suppress_small_groups(s, Level::region, 11);
    EXPECT_EQ(regions.kept, (std::vector<std::size_t>{0, 3}));
    EXPECT_EQ(regions.other.customers, 16);
    const SuppressedLevel lonely = suppress_small_groups(s, Level::region, 16);
    EXPECT_EQ(lonely.kept, (std::vector<std::size_t>{3}));
    EXPECT_EQ(lonely.other.customers, 31);
    const SuppressedLevel everything = suppress_small_groups(s, Level::region, 58);
    EXPECT_TRUE(everything.kept.empty());
    EXPECT_EQ(everything.other.customers, 57);
    EXPECT_FALSE(everything.other_shown);  // the whole base below the minimum: nothing to show
}

TEST(Suppression, TooSmallOtherRowTakesTheSmallestShownGroups) {
    // 3 alone would be recoverable as the total minus 12 and 20: 12 joins it (secondary).
    const std::vector<std::int64_t> sizes{12, 3, 20, 0};
    const SuppressionPlan p = plan_suppression(sizes, 10);
    EXPECT_EQ(p.kept, (std::vector<std::size_t>{2}));
    EXPECT_EQ(p.folded, (std::vector<std::size_t>{0, 1}));
    EXPECT_TRUE(p.other_shown);
    const SuppressionPlan none = plan_suppression(sizes, 3);
    EXPECT_EQ(none.kept, (std::vector<std::size_t>{0, 1, 2}));
    EXPECT_TRUE(none.folded.empty());
    EXPECT_FALSE(none.other_shown);
}

}  // namespace
}  // namespace engage::kernels
