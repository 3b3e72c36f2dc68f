#pragma once
// Touches (kernels/touches/touches.hpp) at every level of the hierarchy (corporate, business
// unit, region, relationship manager, segment), at the as-of date and one trend period earlier,
// as one mergeable integer state: counts, and a histogram of the tickets' first-response times
// on fixed bins, so that the group percentiles are the same for any number of ranks and the
// words sent do not grow with the customers (only with the groups).
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "touches/touches.hpp"

namespace engage::kernels {

// Bins of a first-response time in seconds, by upper edge (inclusive): 1-minute bins to 5
// minutes, 10-minute bins to 1 hour, 1-hour bins to 1 day, 1-day bins to 30 days, and one bin
// beyond (its edge: the group's longest time, kept exactly).
struct ResponseBins {
    static constexpr int kBins = 5 + 6 + 23 + 29 + 1;
    static constexpr std::int64_t upper(int b) noexcept {
        if (b < 5) return 60 * std::int64_t(b + 1);
        if (b < 11) return 600 * std::int64_t(b - 4);
        if (b < 34) return 3600 * std::int64_t(b - 9);
        if (b < 63) return 86400 * std::int64_t(b - 32);
        return -1;  // beyond 30 days
    }
    static int bin(std::int64_t seconds) noexcept;
};

constexpr int kTouchesLevels = 5;
constexpr const char* kTouchesLevelNames[kTouchesLevels] = {"corporate", "business_unit", "region",
                                                            "relationship_manager", "segment"};
constexpr int kTouchesManagerLevel = 3;  // the level with a group per relationship manager

struct TouchesGroup {
    std::int64_t customers = 0;           // acquired by the date
    std::int64_t offers = 0, offers_answered = 0, customers_offered = 0;
    std::int64_t interactions = 0, customer_initiated = 0;
    std::int64_t tickets = 0, tickets_answered = 0, tickets_resolved = 0, customers_with_tickets = 0;
    std::array<std::int64_t, 3> within{};
    std::int64_t ideas = 0, ideas_to_date = 0, ideas_commented = 0, ideas_evaluated = 0, ideas_implemented = 0;
    std::int64_t idea_votes = 0, customers_with_ideas = 0;
    std::array<std::int64_t, kEngagementStages> stage{};
    std::array<std::int64_t, ResponseBins::kBins> first_response{};  // answered tickets by bin

    void merge(const TouchesGroup& g) noexcept;
};

// The per-ticket delays a customer adds to its groups' histograms: the first-response time of
// each answered ticket, binned (kept beside CustomerTouches by the stage).
struct TouchesContribution {
    bool acquired = false;
    CustomerTouches touches;
    std::array<std::int32_t, ResponseBins::kBins> bins{};
    std::int64_t longest = -1;  // the longest first-response time; -1: none
};

// A group at both dates: what the report reads of one group, and the row in which rank 0 keeps
// a relationship manager's reduced groups when they are built range by range.
struct TouchesGroups {
    TouchesGroup now, previous;
    std::int64_t longest_now = -1, longest_previous = -1;
};

// Groups per level at both dates.
class TouchesSummary {
public:
    // With `rms` managers' groups: those of managers [first_rm, first_rm + rms). A summary of a
    // range of managers adds only the range's customers to their managers (a run whose
    // managers' groups exceed its memory budget builds that level range by range:
    // jobs/touches_stage.hpp); a level of no groups is left out.
    TouchesSummary(std::size_t business_units, std::size_t regions, std::size_t rms, std::size_t segments,
                   std::size_t first_rm = 0);
    // What one of that size holds.
    static std::uint64_t bytes(std::size_t business_units, std::size_t regions, std::size_t rms, std::size_t segments) noexcept {
        return 2 * (1 + business_units + regions + rms + segments) * (sizeof(TouchesGroup) + sizeof(std::int64_t));
    }
    // Customer in groups (business unit, region, rm, segment): `now` and `previous` are its
    // contributions at the two dates.
    void update(const TouchesContribution& now, const TouchesContribution& previous, std::uint32_t business_unit,
                std::uint32_t region, std::uint32_t rm, std::uint32_t segment) noexcept;
    // The same for the customers of a block, in order (spans of one length).
    void update(std::span<const TouchesContribution> now, std::span<const TouchesContribution> previous,
                std::span<const std::uint32_t> business_unit, std::span<const std::uint32_t> region,
                std::span<const std::uint32_t> rm, std::span<const std::uint8_t> segment) noexcept;
    const TouchesGroup& group(bool previous, int level, std::size_t g) const noexcept {
        return groups_[index(previous, level, g)];
    }
    // The group's longest first-response time (the edge of the last bin); -1: none.
    std::int64_t longest(bool previous, int level, std::size_t g) const noexcept {
        return longest_[index(previous, level, g)];
    }
    std::size_t groups(int level) const noexcept { return offset_[level + 1] - offset_[level]; }
    TouchesGroups both(int level, std::size_t g) const noexcept {
        return {group(false, level, g), group(true, level, g), longest(false, level, g), longest(true, level, g)};
    }

    std::span<std::int64_t> sum_words() noexcept;
    std::span<std::int64_t> max_words() noexcept { return longest_; }

private:
    std::size_t index(bool previous, int level, std::size_t g) const noexcept {
        return (previous ? offset_[kTouchesLevels] : 0) + offset_[level] + g;
    }
    // The group of a customer's `member` of a level in this summary, or groups(level) when none.
    std::size_t group_of(int level, std::size_t member) const noexcept {
        const std::size_t g = level == kTouchesManagerLevel ? member - first_rm_ : member;  // wraps below the range
        return g < groups(level) ? g : groups(level);
    }
    std::size_t first_rm_ = 0;
    std::array<std::size_t, kTouchesLevels + 1> offset_{};
    std::vector<TouchesGroup> groups_;   // the as-of date's, then the previous date's
    std::vector<std::int64_t> longest_;  // the same order
};

// What a customer adds to its groups: its touches and the binned first-response times of its
// answered tickets (`delays`, from TouchesKernel::finalize).
TouchesContribution touches_contribution(const CustomerTouches& t, bool acquired, std::span<const std::int64_t> delays);

// Nearest-rank percentile of the group's answered tickets, as the upper edge of its bin in
// seconds (the group's longest time in the last bin); -1 when the group has no answered ticket.
std::int64_t binned_percentile(const TouchesGroup& g, std::int64_t longest, int percent) noexcept;


}  // namespace engage::kernels
