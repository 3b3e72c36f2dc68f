// Accounts at risk: who is at risk, the ranked lists on a hand-made base (exact accounts and
// order, ties by customer id) and the exact merge of partial lists in any order.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "report/accounts_at_risk.hpp"

namespace engage::kernels {
namespace {

ScoredCustomer customer(std::uint64_t id, std::uint32_t bu, std::uint32_t rm, Tier tier, std::int64_t revenue,
                        Tier previous = Tier::engaged, bool acquired_previous = true) {
    ScoredCustomer c;
    c.id = id;
    c.business_unit = bu;
    c.rm = rm;
    c.now.acquired = true;
    c.now.tier = tier;
    c.now.composite = 20.25;
    c.previous.acquired = acquired_previous;
    c.previous.tier = previous;
    c.previous.composite = 41.5;
    c.revenue_cents = revenue;
    return c;
}

std::vector<std::uint64_t> ids(std::span<const AtRiskAccount> accounts) {
    std::vector<std::uint64_t> out;
    for (const auto& a : accounts) out.push_back(a.id);
    return out;
}

// Two business units, three managers (0 and 1 in unit 0, 2 in unit 1).
std::vector<ScoredCustomer> hand_made_base() {
    return {customer(11, 0, 0, Tier::not_engaged, 5000),
            customer(12, 0, 0, Tier::fully_engaged, 90000),        // engaged: not at risk
            customer(13, 0, 1, Tier::actively_disengaged, 7000),
            customer(14, 0, 1, Tier::not_engaged, 5000),           // ties with 11: id 11 first
            customer(15, 1, 2, Tier::not_engaged, 0),              // at risk, no revenue: last
            customer(16, 1, 2, Tier::actively_disengaged, 12000, Tier::actively_disengaged),
            customer(17, 1, 2, Tier::engaged, 30000),              // not at risk
            customer(18, 0, 0, Tier::not_engaged, 9000, Tier::engaged, false),  // new since the trend date
            customer(19, 1, 2, Tier::not_engaged, 12000)};         // ties with 16: id 16 first
}

TEST(AccountsAtRisk, WhoIsAtRisk) {
    EXPECT_TRUE(is_at_risk(customer(1, 0, 0, Tier::not_engaged, 1)));
    EXPECT_TRUE(is_at_risk(customer(1, 0, 0, Tier::actively_disengaged, 1)));
    EXPECT_FALSE(is_at_risk(customer(1, 0, 0, Tier::engaged, 1)));
    EXPECT_FALSE(is_at_risk(customer(1, 0, 0, Tier::fully_engaged, 1)));
    ScoredCustomer prospect;  // not acquired by the as-of date
    EXPECT_FALSE(is_at_risk(prospect));
}

TEST(AccountsAtRisk, AccountCarriesTheChangeSinceTheTrendDate) {
    const AtRiskAccount a = at_risk_account(customer(7, 1, 2, Tier::not_engaged, 1234));
    EXPECT_EQ(a.id, 7u);
    EXPECT_EQ(a.revenue_cents, 1234);
    EXPECT_EQ(a.score_milli, 20250);
    EXPECT_EQ(a.score_milli_previous, 41500);
    EXPECT_EQ(a.tier, int(Tier::not_engaged));
    EXPECT_EQ(a.tier_previous, int(Tier::engaged));
    EXPECT_TRUE(a.newly_at_risk());
    EXPECT_FALSE(at_risk_account(customer(7, 1, 2, Tier::not_engaged, 1, Tier::actively_disengaged)).newly_at_risk());
    const AtRiskAccount fresh = at_risk_account(customer(7, 1, 2, Tier::not_engaged, 1, Tier::engaged, false));
    EXPECT_EQ(fresh.tier_previous, -1);
    EXPECT_FALSE(fresh.newly_at_risk());
}

TEST(AccountsAtRisk, RankedListsOnAHandMadeBase) {
    AccountsAtRisk r(2, 3);
    r.update(hand_made_base());
    // By revenue at risk, then id: 16 and 19 (120.00), 18 (90.00), 13 (70.00), 11 and 14 (50.00), 15 (0).
    EXPECT_EQ(ids(r.corporate.group(0)), (std::vector<std::uint64_t>{16, 19, 18, 13, 11, 14, 15}));
    EXPECT_EQ(ids(r.business_units.group(0)), (std::vector<std::uint64_t>{18, 13, 11, 14}));
    EXPECT_EQ(ids(r.business_units.group(1)), (std::vector<std::uint64_t>{16, 19, 15}));
    EXPECT_EQ(ids(r.rms.group(0)), (std::vector<std::uint64_t>{18, 11}));
    EXPECT_EQ(ids(r.rms.group(1)), (std::vector<std::uint64_t>{13, 14}));
    EXPECT_EQ(ids(r.rms.group(2)), (std::vector<std::uint64_t>{16, 19, 15}));
}

// The lists of a range of managers (a run that builds them range by range) hold only the
// range's customers, at the range's own indices: managers 1 and 2 of the hand-made base.
TEST(AccountsAtRisk, ARangeOfManagersListsItsOwnCustomersOnly) {
    AccountsAtRisk range(0, 2, 1);
    range.update(hand_made_base(), AccountsAtRisk::List::rms);
    EXPECT_EQ(range.rms.groups(), 2u);
    EXPECT_EQ(ids(range.rms.group(0)), (std::vector<std::uint64_t>{13, 14}));
    EXPECT_EQ(ids(range.rms.group(1)), (std::vector<std::uint64_t>{16, 19, 15}));
    AccountsAtRisk first(0, 1, 0);
    first.update(hand_made_base(), AccountsAtRisk::List::rms);
    EXPECT_EQ(ids(first.rms.group(0)), (std::vector<std::uint64_t>{18, 11}));
    // A list's whole slots, empty ones last, as rank 0 keeps them.
    const auto slots = range.rms.slots().subspan(0, AccountsAtRisk::kPerManager);
    EXPECT_EQ(ids(TopAccounts::filled(slots)), (std::vector<std::uint64_t>{13, 14}));
    EXPECT_TRUE(slots[2].empty());
}

TEST(AccountsAtRisk, ListsKeepTheTopNOnly) {
    TopAccounts top(1, 3);
    for (const auto& c : hand_made_base())
        if (is_at_risk(c)) top.offer(0, at_risk_account(c));
    EXPECT_EQ(ids(top.group(0)), (std::vector<std::uint64_t>{16, 19, 18}));
    TopAccounts none(1, 0);
    none.offer(0, at_risk_account(hand_made_base()[0]));
    EXPECT_TRUE(none.group(0).empty());
}

// combine(fold(a), fold(b)) == fold(a ++ b), for every split point and both merge orders.
TEST(AccountsAtRisk, MergeOfPartsIsTheListOfTheWhole) {
    const auto base = hand_made_base();
    AccountsAtRisk whole(2, 3);
    whole.update(base);
    for (std::size_t split = 0; split <= base.size(); ++split) {
        AccountsAtRisk a(2, 3), b(2, 3);
        a.update(std::span(base).first(split));
        b.update(std::span(base).subspan(split));
        AccountsAtRisk ab = a, ba = b;
        ab.corporate.merge(b.corporate);
        ab.rms.merge(b.rms);
        ba.corporate.merge(a.corporate);
        ba.rms.merge(a.rms);
        EXPECT_EQ(ids(ab.corporate.group(0)), ids(whole.corporate.group(0))) << split;
        EXPECT_EQ(ids(ba.corporate.group(0)), ids(whole.corporate.group(0))) << split;
        for (std::size_t g = 0; g < 3; ++g) {
            EXPECT_EQ(ids(ab.rms.group(g)), ids(whole.rms.group(g))) << split;
            EXPECT_EQ(ids(ba.rms.group(g)), ids(whole.rms.group(g))) << split;
        }
    }
}

}  // namespace
}  // namespace engage::kernels
