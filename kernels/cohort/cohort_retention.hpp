#pragma once
// The cohort retention matrix as one mergeable integer state: acquisition cohort (a calendar
// week, month, quarter or year) x brackets of periods since acquisition, per group (a value of
// the breakdown attribute, e.g. business unit). All counts and revenue sums (cents) are
// integers, so states merged over shards and ranks in any order are identical.
//
// Definitions (docs/metrics.md, "Cohort retention"):
// - Cohort: the calendar period of the customer's entry (acquisition day, or for recurring entry
//   each active period). Period k of a customer: calendar windows: calendar period c + k of its
//   cohort c (period 0 is the acquisition period itself); rolling windows: the k-th whole unit
//   from its own acquisition day (cohort_calendar.hpp, rolling_period_of).
// - Brackets: columns [b_0, b_1), [b_1, b_2), ... of periods, b_0 >= 0 strictly increasing;
//   the default is one bracket per period, 0 .. periods - 1.
// - Activity: a customer is active in a period when it has an interaction on a day of it between
//   its acquisition day and the as-of day; the acquisition day is itself an interaction.
// - Entry, first-time: each customer enters once, in the cohort of its acquisition day (which
//   needs a row: on or after the period of first_day). Period 0 is then 100% by construction.
// - Entry, recurring (calendar windows only): a customer enters the cohort of every period in
//   which it is active (so it may be in several cohorts: "came back in week c, was it back k
//   weeks later?"), including customers acquired before first_day, for their active periods
//   that have a row.
// - Eligible for bracket j: the customer's period b_{j+1} - 1 has ended by the as-of day (with
//   include_partial and calendar windows: or holds the as-of day). Only eligible customers are
//   counted in a cell, so that an immature customer never counts as lost.
// - "On" retention of (c, j): eligible entrants of c active in a period of bracket j.
// - "On or after" (unbounded, "rolling retention") of (c, j): eligible entrants of c active in
//   period b_j or any later period up to the as-of day. Never increasing in j.
// - Revenue retention of (c, j): the revenue (purchase values) of the eligible entrants in
//   bracket j per period of the bracket, over their revenue in period 0:
//   revenue_j / (b_{j+1} - b_j) / revenue_0. Revenue per customer: revenue_j / eligible_j.
// - Observed cells: calendar windows: (c, j) is observed when period c + b_{j+1} - 1 has ended by
//   the as-of day, or is the period of the as-of day and include_partial is set; rolling
//   windows: when a customer acquired on the first day of cohort c would be eligible. Rolling
//   windows then count part of the cohort in the last observed cells (eligible < size).
// - Rates are over the eligible customers; the mean row, weighted by cohort size, pools the
//   counts of the cohorts with eligible customers in bracket j (immature and empty cohorts add
//   nothing) and leaves out cohorts suppressed for their size.
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
    std::int32_t periods = 12;        // P >= 1: periods since acquisition 0 .. P-1 (no brackets)
    bool include_partial = false;     // observe the period of the as-of day before it ends (calendar)
    CohortWindow window = CohortWindow::calendar;
    std::vector<std::int32_t> brackets;  // bounds b_0 < b_1 < ... (>= 2 values); empty: 0, 1, ..., P
};

// The bracket bounds of `config`: its brackets, or 0, 1, ..., periods.
std::vector<std::int32_t> cohort_bracket_bounds(const CohortConfig& config);

enum class CohortEntry : std::uint8_t { first_time, recurring };

// One purchase of a customer: its day (days since the epoch) and value in cents.
struct CohortPurchase {
    Day day;
    std::int64_t cents;
};

// The finalized matrix of one entry mode, for one group or several pooled.
struct CohortTable {
    CohortUnit unit = CohortUnit::month;
    CohortWindow window = CohortWindow::calendar;
    std::int64_t first_period = 0;          // period index of row 0 (cohort_calendar.hpp)
    std::int64_t last_observed_period = 0;  // calendar: cells ending beyond it are not observed
    std::int64_t as_of_unix_day = 0;        // rolling: observed cells end by it
    std::int32_t cohorts = 0, periods = 0;  // periods: the columns (brackets)
    std::vector<std::int32_t> bounds;       // [periods + 1]: bracket j is [bounds[j], bounds[j + 1])
    std::int64_t min_size = 0;              // cohorts with 0 < size < min_size are suppressed
    std::vector<std::int64_t> size;         // [c]: entrants
    std::vector<std::uint8_t> suppressed;   // [c]: 1 when 0 < size < min_size
    std::vector<std::int64_t> eligible;     // [c * periods + j]: entrants eligible for bracket j
    std::vector<std::int64_t> active;       // [c * periods + j]: "on" counts
    std::vector<std::int64_t> rolling;      // [c * periods + j]: "on or after" counts
    std::vector<std::int64_t> revenue;      // [c * periods + j]: cents in bracket j
    std::vector<std::int64_t> revenue_base; // [c * periods + j]: cents of the same customers in period 0
    // The mean row over the cohorts not suppressed: sums of the cells above per bracket.
    std::vector<std::int64_t> mean_size, mean_active, mean_rolling, mean_revenue, mean_revenue_base;

    bool observed(std::int32_t c, std::int32_t k) const noexcept;
    // Rates in [0, 1] over the eligible customers; NaN for an unobserved cell or no eligible one.
    double rate(std::int32_t c, std::int32_t k) const noexcept;
    double rolling_rate(std::int32_t c, std::int32_t k) const noexcept;
    // Revenue per period of the bracket over period-0 revenue; NaN without period-0 revenue.
    double revenue_retention(std::int32_t c, std::int32_t k) const noexcept;
    // Revenue in the bracket per eligible customer, in currency units.
    double revenue_per_customer(std::int32_t c, std::int32_t k) const noexcept;
    double mean_rate(std::int32_t k) const noexcept;
    double mean_rolling_rate(std::int32_t k) const noexcept;
    double mean_revenue_retention(std::int32_t k) const noexcept;
    double mean_revenue_per_customer(std::int32_t k) const noexcept;
    // First day of cohort c, as days since 1970-01-01 (for labels).
    std::int64_t cohort_start_unix_day(std::int32_t c) const noexcept {
        return period_start(unit, first_period + c);
    }
};

class CohortRetention {
public:
    // Throws std::invalid_argument for periods < 1, first_day > as_of or bad brackets. The
    // recurring-entry matrix is kept with calendar windows only (has_recurring()).
    CohortRetention(const CohortConfig& config, std::size_t groups);

    // One customer of group `group` (< groups()): its acquisition day, the days of its
    // interactions and its purchases (days since the epoch, sorted ascending; repeats allowed;
    // days before acquisition or after as_of are ignored; a purchase day is an active day). A
    // customer acquired after as_of is not counted. Uses scratch buffers of the state: one state
    // per thread, combined afterwards.
    void update(std::size_t group, Day acquisition_day, std::span<const Day> activity_days,
                std::span<const CohortPurchase> purchases = {});
    // Adds `other`, built from the same config and number of groups.
    void combine(const CohortRetention& other) noexcept;

    // The matrix of `groups` pooled; cohorts with 0 < size < min_size are suppressed: the
    // table keeps their counts but flags them and leaves them out of the mean row. Throws
    // std::invalid_argument for recurring entry without has_recurring().
    CohortTable table(CohortEntry entry, std::span<const std::size_t> groups, std::int64_t min_size = 0) const;
    CohortTable table(CohortEntry entry, std::size_t group, std::int64_t min_size = 0) const {
        return table(entry, std::span<const std::size_t>(&group, 1), min_size);
    }

    const CohortConfig& config() const noexcept { return config_; }
    std::size_t groups() const noexcept { return groups_; }
    std::int32_t cohorts() const noexcept { return cohorts_; }
    std::int32_t brackets() const noexcept { return std::int32_t(bounds_.size()) - 1; }
    bool has_recurring() const noexcept { return config_.window == CohortWindow::calendar; }
    // First-time customers left out because they were acquired before the first cohort.
    std::int64_t acquired_before_first(std::size_t group) const noexcept { return words_[group * group_stride()]; }
    // First-time entrants of a group over all cohorts.
    std::int64_t entrants(std::size_t group) const noexcept;

    bool operator==(const CohortRetention& o) const noexcept { return words_ == o.words_; }

    // Flat views for the all-reduce: the first combines by sum; the second is empty (no maxima).
    std::span<std::int64_t> sum_words() noexcept { return words_; }
    std::span<const std::int64_t> sum_words() const noexcept { return words_; }
    std::span<std::int64_t> max_words() noexcept { return {}; }
    std::span<const std::int64_t> max_words() const noexcept { return {}; }

    // Words per cell of a row: eligible, on, on or after, revenue, period-0 revenue.
    static constexpr std::size_t kCellWords = 5;

private:
    // Per group: [acquired_before_first, first-time rows, recurring rows (calendar only)]; a row
    // per cohort: [size, then kCellWords per bracket].
    std::size_t row_stride() const noexcept { return 1 + kCellWords * std::size_t(brackets()); }
    std::size_t block_stride() const noexcept { return std::size_t(cohorts_) * row_stride(); }
    std::size_t group_stride() const noexcept { return 1 + (has_recurring() ? 2 : 1) * block_stride(); }
    std::size_t row_offset(std::size_t group, CohortEntry entry, std::int64_t period) const noexcept;
    void count(std::int64_t* row, std::size_t first, std::int64_t start_unix_day) noexcept;

    CohortConfig config_;
    std::size_t groups_;
    std::vector<std::int32_t> bounds_;
    std::int64_t first_period_ = 0, last_period_ = 0, last_observed_period_ = 0, as_of_unix_ = 0;
    std::int32_t cohorts_ = 0;
    std::vector<std::int64_t> words_;
    // Scratch of update(): one customer's distinct active periods (calendar indices, or rolling
    // indices from its acquisition day), ascending, and its revenue in each.
    std::vector<std::int64_t> active_periods_, period_cents_;
};

}  // namespace engage::kernels
