#pragma once
// The cohort retention matrix as one mergeable integer state: acquisition cohort (a calendar
// week, month or quarter) x periods since acquisition, per group (e.g. business unit). All
// counts are integers, so states merged over shards and ranks in any order are identical.
//
// Definitions (the period of a day is its calendar period, cohort_calendar.hpp; "period k" of
// a cohort c is calendar period c + k, so period 0 is the acquisition period itself):
// - Activity: a customer is active in a period when it has an interaction on a day of it between
//   its acquisition day and the as-of day; the acquisition day is itself an interaction.
// - Entry, first-time: each customer enters once, in the cohort of its acquisition day (which
//   needs a row: on or after the period of first_day). Period 0 is then 100% by construction.
// - Entry, recurring: a customer enters the cohort of every period in which it is active (so it
//   may be in several cohorts: "came back in week c, was it back k weeks later?"), including
//   customers acquired before first_day, for their active periods that have a row.
// - Classic retention of (c, k): entrants of c active in period c + k.
// - Rolling ("on or after", unbounded) retention of (c, k): entrants of c active in period
//   c + k or any later period up to the as-of day. Never increasing in k.
// - Observed cells: (c, k) is observed when period c + k has ended by the as-of day, or is the
//   period of the as-of day and include_partial is set. Other cells have no rate and are left
//   out of the mean row. Rolling counts include activity in the as-of period either way.
// - Rate = count / cohort size; the mean row, weighted by cohort size, is the sum of counts
//   over the cohorts observed in period k divided by the sum of their sizes.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "cohort/cohort_calendar.hpp"
#include "features/event.hpp"

namespace engage::kernels {

struct CohortConfig {
    CohortUnit unit = CohortUnit::month;
    std::int64_t epoch_unix_day = 0;  // the file's epoch (day 0) as days since 1970-01-01
    Day first_day = 0;                // its period is the first cohort (days since the epoch)
    Day as_of = 0;                    // last day observed; first_day <= as_of
    std::int32_t periods = 12;        // P >= 1: periods since acquisition 0 .. P-1
    bool include_partial = false;     // observe the period of the as-of day before it ends
};

enum class CohortEntry : std::uint8_t { first_time, recurring };

// The finalized matrix of one entry mode, for one group or several pooled.
struct CohortTable {
    CohortUnit unit = CohortUnit::month;
    std::int64_t first_period = 0;          // period index of row 0 (cohort_calendar.hpp)
    std::int64_t last_observed_period = 0;  // cells with c + k beyond it are not observed
    std::int32_t cohorts = 0, periods = 0;
    std::vector<std::int64_t> size;      // [c]: entrants
    std::vector<std::int64_t> active;    // [c * periods + k]: classic retention counts
    std::vector<std::int64_t> rolling;   // [c * periods + k]: rolling retention counts
    std::vector<std::int64_t> mean_size;     // [k]: sum of sizes of cohorts observed in period k
    std::vector<std::int64_t> mean_active;   // [k]: sum of their classic counts
    std::vector<std::int64_t> mean_rolling;  // [k]: sum of their rolling counts

    bool observed(std::int32_t c, std::int32_t k) const noexcept {
        return first_period + c + k <= last_observed_period;
    }
    // Rates in [0, 1]; NaN for an unobserved cell or an empty cohort.
    double rate(std::int32_t c, std::int32_t k) const noexcept;
    double rolling_rate(std::int32_t c, std::int32_t k) const noexcept;
    double mean_rate(std::int32_t k) const noexcept;
    double mean_rolling_rate(std::int32_t k) const noexcept;
    // First day of cohort c, as days since 1970-01-01 (for labels).
    std::int64_t cohort_start_unix_day(std::int32_t c) const noexcept {
        return period_start(unit, first_period + c);
    }
};

class CohortRetention {
public:
    CohortRetention(const CohortConfig& config, std::size_t groups);

    // One customer of group `group` (< groups()): its acquisition day and the days of its
    // interactions (days since the epoch, sorted ascending; repeats allowed; days before
    // acquisition or after as_of are ignored). A customer acquired after as_of is not counted.
    // Uses a scratch buffer of the state: one state per thread, combined afterwards.
    void update(std::size_t group, Day acquisition_day, std::span<const Day> activity_days);
    // Adds `other`, built from the same config and number of groups.
    void combine(const CohortRetention& other) noexcept;

    CohortTable table(CohortEntry entry, std::span<const std::size_t> groups) const;
    CohortTable table(CohortEntry entry, std::size_t group) const {
        return table(entry, std::span<const std::size_t>(&group, 1));
    }

    const CohortConfig& config() const noexcept { return config_; }
    std::size_t groups() const noexcept { return groups_; }
    std::int32_t cohorts() const noexcept { return cohorts_; }
    // First-time customers left out because they were acquired before the first cohort.
    std::int64_t acquired_before_first(std::size_t group) const noexcept { return words_[group * group_stride()]; }

    bool operator==(const CohortRetention& o) const noexcept { return words_ == o.words_; }

    // Flat views for the all-reduce: the first combines by sum; the second is empty (no maxima).
    std::span<std::int64_t> sum_words() noexcept { return words_; }
    std::span<const std::int64_t> sum_words() const noexcept { return words_; }
    std::span<std::int64_t> max_words() noexcept { return {}; }
    std::span<const std::int64_t> max_words() const noexcept { return {}; }

private:
    // Per group: [acquired_before_first, first-time rows, recurring rows]; a row per cohort:
    // [size, active(0..P-1), rolling(0..P-1)].
    std::size_t row_stride() const noexcept { return 1 + 2 * std::size_t(config_.periods); }
    std::size_t block_stride() const noexcept { return std::size_t(cohorts_) * row_stride(); }
    std::size_t group_stride() const noexcept { return 1 + 2 * block_stride(); }
    std::size_t row_offset(std::size_t group, CohortEntry entry, std::int64_t period) const noexcept;
    void count(std::int64_t* row, std::size_t first, std::int64_t entry_period) noexcept;

    CohortConfig config_;
    std::size_t groups_;
    std::int64_t first_period_ = 0, last_period_ = 0, last_observed_period_ = 0;
    std::int32_t cohorts_ = 0;
    std::vector<std::int64_t> words_;
    std::vector<std::int64_t> active_periods_;  // scratch of update(): one customer's periods
};

}  // namespace engage::kernels
