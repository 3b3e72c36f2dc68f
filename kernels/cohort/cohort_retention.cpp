#include "cohort/cohort_retention.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace engage::kernels {

namespace {

double ratio(std::int64_t count, std::int64_t size) noexcept {
    return size > 0 ? double(count) / double(size) : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

double CohortTable::rate(std::int32_t c, std::int32_t k) const noexcept {
    if (!observed(c, k)) return std::numeric_limits<double>::quiet_NaN();
    return ratio(active[std::size_t(c) * std::size_t(periods) + std::size_t(k)], size[std::size_t(c)]);
}

double CohortTable::rolling_rate(std::int32_t c, std::int32_t k) const noexcept {
    if (!observed(c, k)) return std::numeric_limits<double>::quiet_NaN();
    return ratio(rolling[std::size_t(c) * std::size_t(periods) + std::size_t(k)], size[std::size_t(c)]);
}

double CohortTable::mean_rate(std::int32_t k) const noexcept {
    return ratio(mean_active[std::size_t(k)], mean_size[std::size_t(k)]);
}

double CohortTable::mean_rolling_rate(std::int32_t k) const noexcept {
    return ratio(mean_rolling[std::size_t(k)], mean_size[std::size_t(k)]);
}

CohortRetention::CohortRetention(const CohortConfig& config, std::size_t groups)
    : config_(config), groups_(std::max<std::size_t>(groups, 1)) {
    if (config_.periods < 1)
        throw std::invalid_argument("cohort periods must be >= 1, got " + std::to_string(config_.periods));
    if (config_.first_day > config_.as_of)
        throw std::invalid_argument("cohort first day " + std::to_string(config_.first_day) +
                                    " is after the as-of day " + std::to_string(config_.as_of));
    first_period_ = period_of(config_.unit, config_.epoch_unix_day + config_.first_day);
    const std::int64_t as_of = config_.epoch_unix_day + config_.as_of;
    last_period_ = period_of(config_.unit, as_of);
    // The as-of period is complete when the as-of day is its last day.
    const bool complete = period_start(config_.unit, last_period_ + 1) == as_of + 1;
    last_observed_period_ = (complete || config_.include_partial) ? last_period_ : last_period_ - 1;
    cohorts_ = std::int32_t(last_period_ - first_period_ + 1);
    words_.assign(groups_ * group_stride(), 0);
}

std::size_t CohortRetention::row_offset(std::size_t group, CohortEntry entry, std::int64_t period) const noexcept {
    return group * group_stride() + 1 +
           (entry == CohortEntry::recurring ? block_stride() : 0) +
           std::size_t(period - first_period_) * row_stride();
}

// Counts one entrant of the cohort active_periods_[first] into `row`: classic counts for each
// of its active periods within P of the entry, rolling counts for every k up to its last active
// period.
void CohortRetention::count(std::int64_t* r, std::size_t first, std::int64_t entry_period) noexcept {
    const std::int64_t p = config_.periods;
    ++r[0];
    for (std::size_t j = first; j < active_periods_.size(); ++j) {
        const std::int64_t k = active_periods_[j] - entry_period;
        if (k >= p) break;
        ++r[1 + k];
    }
    const std::int64_t last_k = std::min(active_periods_.back() - entry_period, p - 1);
    for (std::int64_t k = 0; k <= last_k; ++k) ++r[1 + p + k];
}

void CohortRetention::update(std::size_t group, Day acquisition_day, std::span<const Day> activity_days) {
    if (acquisition_day > config_.as_of) return;
    const CohortUnit unit = config_.unit;
    const std::int64_t epoch = config_.epoch_unix_day;

    // The distinct active periods, ascending. Days are sorted, so a period's bounds are looked
    // up once per period, not once per day.
    active_periods_.clear();
    std::int64_t current = period_of(unit, epoch + acquisition_day);
    std::int64_t next_start = period_start(unit, current + 1);
    active_periods_.push_back(current);
    for (Day d : activity_days) {
        if (d < acquisition_day) continue;
        if (d > config_.as_of) break;
        if (epoch + d < next_start) continue;
        current = period_of(unit, epoch + d);
        next_start = period_start(unit, current + 1);
        active_periods_.push_back(current);
    }

    // First-time: one entry, in the acquisition cohort.
    if (active_periods_.front() < first_period_) ++words_[group * group_stride()];
    else count(words_.data() + row_offset(group, CohortEntry::first_time, active_periods_.front()), 0, active_periods_.front());

    // Recurring: an entry in every active period that has a row.
    for (std::size_t i = 0; i < active_periods_.size(); ++i)
        if (active_periods_[i] >= first_period_)
            count(words_.data() + row_offset(group, CohortEntry::recurring, active_periods_[i]), i, active_periods_[i]);
}

void CohortRetention::combine(const CohortRetention& other) noexcept {
    for (std::size_t i = 0; i < words_.size(); ++i) words_[i] += other.words_[i];
}

CohortTable CohortRetention::table(CohortEntry entry, std::span<const std::size_t> groups) const {
    CohortTable t;
    t.unit = config_.unit;
    t.first_period = first_period_;
    t.last_observed_period = last_observed_period_;
    t.cohorts = cohorts_;
    t.periods = config_.periods;
    const std::size_t cells = std::size_t(cohorts_) * std::size_t(t.periods);
    t.size.assign(std::size_t(cohorts_), 0);
    t.active.assign(cells, 0);
    t.rolling.assign(cells, 0);
    t.mean_size.assign(std::size_t(t.periods), 0);
    t.mean_active.assign(std::size_t(t.periods), 0);
    t.mean_rolling.assign(std::size_t(t.periods), 0);
    const std::size_t p = std::size_t(t.periods);
    for (std::size_t g : groups)
        for (std::int32_t c = 0; c < cohorts_; ++c) {
            const std::int64_t* r = words_.data() + row_offset(g, entry, first_period_ + c);
            t.size[std::size_t(c)] += r[0];
            for (std::size_t k = 0; k < p; ++k) {
                t.active[std::size_t(c) * p + k] += r[1 + k];
                t.rolling[std::size_t(c) * p + k] += r[1 + p + k];
            }
        }
    // The mean row weighted by cohort size: pooled counts over the cohorts observed at k.
    for (std::int32_t c = 0; c < cohorts_; ++c)
        for (std::int32_t k = 0; k < t.periods; ++k) {
            if (!t.observed(c, k)) continue;
            const std::size_t cell = std::size_t(c) * p + std::size_t(k);
            t.mean_size[std::size_t(k)] += t.size[std::size_t(c)];
            t.mean_active[std::size_t(k)] += t.active[cell];
            t.mean_rolling[std::size_t(k)] += t.rolling[cell];
        }
    return t;
}

}  // namespace engage::kernels
