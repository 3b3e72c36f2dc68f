#pragma once
// Accounts at risk (docs/metrics.md, "Accounts at risk"): a customer is at risk when its tier at
// the as-of date is not engaged or actively disengaged; its revenue at risk is its purchase
// revenue in the window (the same definition as a group's revenue_at_risk, so that a manager's
// accounts add up to the manager's revenue at risk). Ranked lists of them are kept per group as
// bounded top-N lists: a strict total order (revenue at risk descending, then customer id
// ascending) makes the top N of a union the top N of the parts' top N, so that per-rank lists
// merge exactly, in any order and over any tree, into the same list.
#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "report/engagement_summary.hpp"

namespace engage::kernels {

// Whether a tier counts as at risk (not engaged, actively disengaged).
constexpr bool at_risk_tier(Tier t) noexcept { return t == Tier::not_engaged || t == Tier::actively_disengaged; }

// One account of a list: what the report prints of it, with the change since the trend date.
struct AtRiskAccount {
    std::uint64_t id = 0;              // the customer's id (/customers/id)
    std::int64_t revenue_cents = -1;   // revenue at risk; -1: an empty slot of a list
    std::int32_t score_milli = 0;      // round(1000 x composite) at the as-of date
    std::int32_t score_milli_previous = 0;  // ... at the trend date (when tier_previous >= 0)
    std::uint32_t business_unit = 0, rm = 0;
    std::int32_t tier = 0;
    std::int32_t tier_previous = -1;   // -1: not yet acquired at the trend date

    bool empty() const noexcept { return revenue_cents < 0; }
    // Whether this account ranks before `o`: more revenue at risk, then the smaller id.
    bool before(const AtRiskAccount& o) const noexcept {
        return revenue_cents != o.revenue_cents ? revenue_cents > o.revenue_cents : id < o.id;
    }
    // Newly at risk: acquired at the trend date in a tier that was not at risk.
    bool newly_at_risk() const noexcept { return tier_previous >= 0 && !at_risk_tier(Tier(tier_previous)); }
};
static_assert(sizeof(AtRiskAccount) == 40);

// Whether a scored customer is an account at risk, and its entry.
bool is_at_risk(const ScoredCustomer& c) noexcept;
AtRiskAccount at_risk_account(const ScoredCustomer& c) noexcept;

// The top `n` accounts of each of `groups` groups, in rank order. A mergeable state: words()
// are the fixed-length slots (the same length on every rank), merge() keeps the top n of both.
class TopAccounts {
public:
    TopAccounts(std::size_t groups, std::size_t n);
    static std::uint64_t bytes(std::size_t groups, std::size_t n) noexcept { return groups * n * sizeof(AtRiskAccount); }

    void offer(std::size_t group, const AtRiskAccount& a) noexcept;
    void merge(const TopAccounts& from) noexcept { merge_words(from.slots_words(), 0); }
    // Merges the words of groups [first_group, ...) of a state of the same shape (a piece
    // received from another rank: whole groups of group_words() each).
    void merge_words(std::span<const std::int64_t> words, std::size_t first_group) noexcept;
    std::size_t group_words() const noexcept { return n_ * sizeof(AtRiskAccount) / 8; }
    // Group g's accounts, best first (the filled slots only).
    std::span<const AtRiskAccount> group(std::size_t g) const noexcept;
    // The filled slots of a group's n slots (the same order).
    static std::span<const AtRiskAccount> filled(std::span<const AtRiskAccount> slots) noexcept;
    // Every slot of every group, group by group (n a group).
    std::span<const AtRiskAccount> slots() const noexcept { return slots_; }
    std::size_t groups() const noexcept { return groups_; }
    std::size_t n() const noexcept { return n_; }

    std::span<std::int64_t> words() noexcept;

private:
    std::span<const std::int64_t> slots_words() const noexcept;
    std::size_t groups_, n_;
    std::vector<AtRiskAccount> slots_;  // group g: [g n, g n + n), best first, empty slots last
    std::vector<AtRiskAccount> merged_;  // merge's scratch (one group)
};

// The lists of the report: the corporation's top accounts, and each business unit's and
// relationship manager's. Built from the scored customers of the main date, in any order. A
// manager's list is short: at 400,000 managers the lists are 80 MB on every rank. With `rms`
// lists from `first_rm`: those of managers [first_rm, first_rm + rms), offered only their own
// customers (a range of managers: jobs/engagement_stage.hpp).
struct AccountsAtRisk {
    static constexpr std::size_t kCorporate = 25, kPerUnit = 10, kPerManager = 5;
    AccountsAtRisk(std::size_t business_units, std::size_t rms, std::size_t first_rm = 0)
        : corporate(1, kCorporate), business_units(business_units, kPerUnit), rms(rms, kPerManager), first_rm(first_rm) {}
    static std::uint64_t bytes(std::size_t business_units, std::size_t rms) noexcept {
        return TopAccounts::bytes(1, kCorporate) + TopAccounts::bytes(business_units, kPerUnit) +
               TopAccounts::bytes(rms, kPerManager);
    }
    void update(std::span<const ScoredCustomer> block) noexcept;
    // The same for one list: each list is offered the block's customers in order, so a caller
    // may fill the lists on threads of their own with the result of update(block).
    enum class List { corporate, business_units, rms };
    void update(std::span<const ScoredCustomer> block, List list) noexcept;
    TopAccounts corporate, business_units, rms;
    std::size_t first_rm = 0;
};

// A manager's list as whole slots (empty ones last): how rank 0 keeps a range's lists once
// reduced, beside the managers' groups.
using ManagerSlots = std::array<AtRiskAccount, AccountsAtRisk::kPerManager>;

// The managers' lists as a report reads them (see LevelGroups): manager g's accounts, best first,
// from the lists in memory or copied into `buffer`. May be called from several threads.
using ManagerLists = std::function<std::span<const AtRiskAccount>(std::size_t g, ManagerSlots& buffer)>;

}  // namespace engage::kernels
