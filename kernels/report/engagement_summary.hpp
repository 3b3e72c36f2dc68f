#pragma once
// Engagement at every level of the hierarchy (corporate, business unit, region, relationship
// manager) as one mergeable integer state: tier mix, score sums and histogram, NPS, revenue,
// revenue at risk, share of wallet and the tier migration of the trend.
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "engagement/engagement_config.hpp"
#include "engagement/scoring.hpp"
#include "report/suppression.hpp"
#include "stats/round.hpp"
#include "stats/t_interval.hpp"

namespace engage::kernels {

enum class Level : int { corporate, business_unit, region, relationship_manager };
constexpr int kLevels = 4;
constexpr const char* kLevelNames[kLevels] = {"corporate", "business_unit", "region", "relationship_manager"};

// What the summary needs of one scored customer.
struct ScoredCustomer {
    std::uint64_t id = 0;                 // /customers/id
    std::uint32_t business_unit = 0, region = 0, rm = 0;
    EngagementScore now, previous;
    std::int8_t last_nps = -1;            // -1: no survey answer in the window
    std::int64_t revenue_cents = 0;       // purchases in the window
    std::int64_t wallet_cents = -1;       // yearly wallet; -1: unknown
    std::int64_t yearly_spend_cents = 0;  // purchases in the window, per 365 days
};

struct EngagementGroup {
    std::int64_t customers = 0;           // acquired by the as-of date
    std::int64_t customers_previous = 0;  // acquired one trend period earlier
    std::array<std::int64_t, kTiers> tiers{};
    std::array<std::int64_t, kTiers> tiers_previous{};
    std::array<std::int64_t, kTiers * kTiers> migration{};  // [from previous tier][to tier now]
    std::int64_t score_milli = 0;                          // sum of round(1000 * composite)
    std::int64_t score_milli_previous = 0;
    std::array<std::int64_t, 101> score_points{};          // customers per rounded composite 0-100
    std::array<std::int64_t, kDimensions> dimension_milli{};
    std::array<std::int64_t, kDimensions> dimension_known{};
    std::int64_t promoters = 0, passives = 0, detractors = 0;
    std::int64_t revenue_cents = 0, revenue_at_risk_cents = 0;
    std::int64_t wallet_customers = 0, wallet_spend_cents = 0, wallet_cents = 0;

    // What one customer adds to every group it belongs to, computed once for its four groups.
    struct Contribution {
        bool acquired, acquired_previous, at_risk;
        int tier, tier_previous, point, nps_class;  // nps_class: 0 promoter, 1 passive, 2 detractor, -1 none
        std::int64_t score_milli, score_milli_previous, revenue_cents, wallet_cents, wallet_spend_cents;
        std::array<std::int64_t, kDimensions> dimension_milli;
        std::array<bool, kDimensions> dimension_known;
    };
    static Contribution contribution(const ScoredCustomer& c) noexcept;

    void add(const ScoredCustomer& c) noexcept { add(contribution(c)); }
    void add(const Contribution& c) noexcept;
    void merge(const EngagementGroup& g) noexcept;
};

class EngagementSummary {
public:
    // With `rms` managers' groups: those of managers [first_rm, first_rm + rms). A summary of a
    // range of managers adds every customer to its unit and region but only the range's
    // customers to their managers (a run whose managers' groups exceed its memory budget builds
    // that level range by range, each in a sweep of its own: jobs/engagement_stage.hpp).
    EngagementSummary(std::size_t business_units, std::size_t regions, std::size_t rms, std::size_t first_rm = 0);
    // What one of that size holds.
    static std::uint64_t bytes(std::size_t business_units, std::size_t regions, std::size_t rms) noexcept {
        return (1 + business_units + regions + rms) * sizeof(EngagementGroup);
    }

    void update(const ScoredCustomer& c) noexcept;
    // The same for every customer of a block, in order (the sums do not depend on the order).
    void update(std::span<const ScoredCustomer> block);
    // update(block) in two steps, so that a caller can add each level on a thread of its own:
    // prepare() makes the block's contributions (OpenMP over the customers); add_level() adds
    // them to one level's groups (the levels' groups are apart in memory, and each level adds its
    // customers in order, so the sums are those of update(block) whatever the threads). The
    // levels a customer updates: kAddedLevels (the corporation is merged from the units; a
    // summary without units adds to the corporation under Level::business_unit).
    static constexpr std::array<Level, 3> kAddedLevels{Level::business_unit, Level::region, Level::relationship_manager};
    void prepare(std::span<const ScoredCustomer> block);
    void add_level(Level level, std::span<const ScoredCustomer> block) noexcept;
    // Frees the managers' groups (once kept elsewhere): a summary of the levels above them.
    void drop_managers();
    // Group g of a level (0 for the corporation; a manager's index less the first manager's). With business units, a customer updates its
    // unit's, region's and manager's groups only, and the corporation's group is the units'
    // merged when asked for (every customer is in one unit; the fields merge exactly): one
    // group fewer to update per customer.
    const EngagementGroup& group(Level level, std::size_t g) const noexcept;
    std::size_t groups(Level level) const noexcept { return offset_[int(level) + 1] - offset_[int(level)]; }

    std::span<std::int64_t> sum_words() noexcept;
    std::span<std::int64_t> max_words() noexcept { return {}; }

private:
    void add(const EngagementGroup::Contribution& k, const ScoredCustomer& c) noexcept;  // to its groups
    std::size_t member_of(Level level, const ScoredCustomer& c) const noexcept;  // c's group in a level
    bool counts(Level level, const ScoredCustomer& c) const noexcept {  // c has a group of this summary
        return level != Level::relationship_manager || c.rm - first_rm_ < groups(level);
    }
    std::array<std::size_t, kLevels + 1> offset_{};
    std::size_t first_rm_ = 0;
    std::vector<EngagementGroup> groups_;
    std::vector<EngagementGroup::Contribution> contributions_;  // update(block)'s scratch
    mutable EngagementGroup corporate_;  // group(corporate, 0) with units: their sum, made when asked
};

// The score distribution by tier at the as-of date, for the corporation: customers per
// rounded composite score (0-100) and tier. A mergeable integer state.
struct TierScoreHistogram {
    static constexpr int kPoints = 101;
    std::array<std::int64_t, kTiers * kPoints> counts{};
    void add(const ScoredCustomer& c) noexcept {
        if (c.now.acquired)
            ++counts[std::size_t(c.now.tier) * kPoints + std::size_t(round_half_away(c.now.composite))];
    }
    std::int64_t count(int tier, int point) const noexcept { return counts[std::size_t(tier) * kPoints + std::size_t(point)]; }
    std::span<std::int64_t> sum_words() noexcept { return counts; }
    std::span<std::int64_t> max_words() noexcept { return {}; }
};

// The 95 % t interval of the group's mean composite: the mean of the exact scores, the standard
// deviation of the rounded scores (score_points; rounding adds a variance of 1/12 point^2).
// Unknown below two customers.
MeanInterval mean_score_interval(const EngagementGroup& g) noexcept;

// Median of the rounded composite (points 0-100) by nearest rank; -1 for an empty group.
int median_points(const EngagementGroup& g) noexcept;

// The groups of one level after suppression (report/suppression.hpp): `kept` lists the
// groups shown on their own, `other` is the sum of the folded ones.
struct SuppressedLevel {
    std::vector<std::size_t> kept;
    EngagementGroup other;
    std::int64_t other_groups = 0;
    bool other_shown = false;
};
SuppressedLevel suppress_small_groups(const EngagementSummary& s, Level level, std::int64_t min_size);

// The groups of one level as a report reads them: group g by reference into the state that
// holds it, or copied into `buffer` where the level is not held in memory (the relationship
// managers of a run that built them range by range). `read` may be called from several threads.
struct LevelGroups {
    std::size_t count = 0;
    std::function<const EngagementGroup&(std::size_t g, EngagementGroup& buffer)> read;
    // A level of a summary in memory (which must outlive it).
    static LevelGroups of(const EngagementSummary& s, Level level);
};
SuppressedLevel suppress_small_groups(const LevelGroups& groups, std::int64_t min_size);

}  // namespace engage::kernels
