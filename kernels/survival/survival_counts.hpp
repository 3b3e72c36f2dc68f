#pragma once
// The mergeable state behind Kaplan-Meier curves and log-rank tests: per group, a histogram of
// survival times in days, counting events (churn observed) and censorings separately. All
// counts are integers, so the state merged over shards and ranks in any order is identical,
// and so is every curve computed from it.
//
// Durations above max_duration are stored as censored at max_duration: the customer is known
// to survive past it, which leaves S(t) and the log-rank test exact for t <= max_duration.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "survival/churn.hpp"

namespace engage::kernels {

class SurvivalCounts {
public:
    // `groups` >= 1 (segments, cohorts, engagement tiers, ...), durations 0..max_duration days.
    SurvivalCounts(std::size_t groups, std::int32_t max_duration);

    // One customer of group `group` (< groups()). A negative duration is not a survival time:
    // it is counted in invalid(group) and nowhere else.
    // `entry` > 0: delayed entry (SurvivalTime::entry): at risk only after day `entry`; a
    // duration <= entry (churned or censored before it was observed) is counted in invalid().
    void update(std::size_t group, std::int32_t duration, bool event, std::int32_t entry = 0) noexcept;
    void update(std::size_t group, const SurvivalTime& t) noexcept { update(group, t.duration, t.event, t.entry); }
    // Adds `other`, which must have the same groups() and max_duration().
    void combine(const SurvivalCounts& other) noexcept;

    std::size_t groups() const noexcept { return groups_; }
    std::int32_t max_duration() const noexcept { return max_duration_; }
    std::int64_t events(std::size_t group, std::int32_t day) const noexcept { return words_[offset(group) + 1 + 3 * std::size_t(day)]; }
    std::int64_t censored(std::size_t group, std::int32_t day) const noexcept { return words_[offset(group) + 2 + 3 * std::size_t(day)]; }
    // Subjects entering the risk set after `day` (delayed entry at `day`): at risk from day + 1.
    std::int64_t entered(std::size_t group, std::int32_t day) const noexcept { return words_[offset(group) + 3 + 3 * std::size_t(day)]; }
    // Subjects at risk from the start: those without a delayed entry.
    std::int64_t at_risk_at_start(std::size_t group) const noexcept;
    std::int64_t invalid(std::size_t group) const noexcept { return words_[offset(group)]; }
    // Customers with a valid survival time in the group.
    std::int64_t subjects(std::size_t group) const noexcept;

    bool operator==(const SurvivalCounts&) const = default;

    // Flat views for the all-reduce: the first combines by sum; the second is empty (no maxima).
    std::span<std::int64_t> sum_words() noexcept { return words_; }
    std::span<const std::int64_t> sum_words() const noexcept { return words_; }
    std::span<std::int64_t> max_words() noexcept { return {}; }
    std::span<const std::int64_t> max_words() const noexcept { return {}; }

private:
    // Per group: [invalid, events(0), censored(0), entered(0), events(1), censored(1), entered(1), ...].
    std::size_t stride() const noexcept { return 1 + 3 * (std::size_t(max_duration_) + 1); }
    std::size_t offset(std::size_t group) const noexcept { return group * stride(); }

    std::size_t groups_;
    std::int32_t max_duration_;
    std::vector<std::int64_t> words_;
};

}  // namespace engage::kernels
