#include "cohort/cohort_retention.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace engage::kernels {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio(std::int64_t count, std::int64_t size) noexcept {
    return size > 0 ? double(count) / double(size) : kNaN;
}

// Words of a cell within a row, after the row's size word.
enum Word : std::size_t { kEligible, kOn, kOnOrAfter, kRevenue, kRevenueBase };

}  // namespace

std::vector<std::int32_t> cohort_bracket_bounds(const CohortConfig& config) {
    if (!config.brackets.empty()) return config.brackets;
    std::vector<std::int32_t> b(std::size_t(std::max(config.periods, 0)) + 1);
    for (std::size_t k = 0; k < b.size(); ++k) b[k] = std::int32_t(k);
    return b;
}

bool CohortTable::observed(std::int32_t c, std::int32_t k) const noexcept {
    const std::int64_t end = bounds[std::size_t(k) + 1];  // the first period after the bracket
    if (window == CohortWindow::calendar) return first_period + c + end - 1 <= last_observed_period;
    return rolling_period_start(unit, cohort_start_unix_day(c), end) <= as_of_unix_day + 1;
}

double CohortTable::rate(std::int32_t c, std::int32_t k) const noexcept {
    if (!observed(c, k)) return kNaN;
    const std::size_t i = std::size_t(c) * std::size_t(periods) + std::size_t(k);
    return ratio(active[i], eligible[i]);
}

double CohortTable::rolling_rate(std::int32_t c, std::int32_t k) const noexcept {
    if (!observed(c, k)) return kNaN;
    const std::size_t i = std::size_t(c) * std::size_t(periods) + std::size_t(k);
    return ratio(rolling[i], eligible[i]);
}

double CohortTable::revenue_retention(std::int32_t c, std::int32_t k) const noexcept {
    if (!observed(c, k)) return kNaN;
    const std::size_t i = std::size_t(c) * std::size_t(periods) + std::size_t(k);
    const std::int64_t width = bounds[std::size_t(k) + 1] - bounds[std::size_t(k)];
    return revenue_base[i] > 0 ? double(revenue[i]) / double(width) / double(revenue_base[i]) : kNaN;
}

double CohortTable::revenue_per_customer(std::int32_t c, std::int32_t k) const noexcept {
    if (!observed(c, k)) return kNaN;
    const std::size_t i = std::size_t(c) * std::size_t(periods) + std::size_t(k);
    return eligible[i] > 0 ? double(revenue[i]) / 100.0 / double(eligible[i]) : kNaN;
}

double CohortTable::mean_rate(std::int32_t k) const noexcept {
    return ratio(mean_active[std::size_t(k)], mean_size[std::size_t(k)]);
}

double CohortTable::mean_rolling_rate(std::int32_t k) const noexcept {
    return ratio(mean_rolling[std::size_t(k)], mean_size[std::size_t(k)]);
}

double CohortTable::mean_revenue_retention(std::int32_t k) const noexcept {
    const std::int64_t base = mean_revenue_base[std::size_t(k)];
    const std::int64_t width = bounds[std::size_t(k) + 1] - bounds[std::size_t(k)];
    return base > 0 ? double(mean_revenue[std::size_t(k)]) / double(width) / double(base) : kNaN;
}

double CohortTable::mean_revenue_per_customer(std::int32_t k) const noexcept {
    const std::int64_t n = mean_size[std::size_t(k)];
    return n > 0 ? double(mean_revenue[std::size_t(k)]) / 100.0 / double(n) : kNaN;
}

CohortRetention::CohortRetention(const CohortConfig& config, std::size_t groups)
    : config_(config), groups_(std::max<std::size_t>(groups, 1)) {
    if (config_.brackets.empty() && config_.periods < 1)
        throw std::invalid_argument("cohort periods must be >= 1, got " + std::to_string(config_.periods));
    if (config_.first_day > config_.as_of)
        throw std::invalid_argument("cohort first day " + std::to_string(config_.first_day) +
                                    " is after the as-of day " + std::to_string(config_.as_of));
    bounds_ = cohort_bracket_bounds(config_);
    if (bounds_.size() < 2 || bounds_[0] < 0)
        throw std::invalid_argument("cohort brackets need at least two bounds, the first >= 0");
    for (std::size_t j = 1; j < bounds_.size(); ++j)
        if (bounds_[j] <= bounds_[j - 1])
            throw std::invalid_argument("cohort bracket bounds must increase: " + std::to_string(bounds_[j - 1]) +
                                        " then " + std::to_string(bounds_[j]));
    first_period_ = period_of(config_.unit, config_.epoch_unix_day + config_.first_day);
    as_of_unix_ = config_.epoch_unix_day + config_.as_of;
    last_period_ = period_of(config_.unit, as_of_unix_);
    // The as-of period is complete when the as-of day is its last day.
    const bool complete = period_start(config_.unit, last_period_ + 1) == as_of_unix_ + 1;
    last_observed_period_ = (complete || config_.include_partial) ? last_period_ : last_period_ - 1;
    cohorts_ = std::int32_t(last_period_ - first_period_ + 1);
    words_.assign(groups_ * group_stride(), 0);
}

std::size_t CohortRetention::row_offset(std::size_t group, CohortEntry entry, std::int64_t period) const noexcept {
    return group * group_stride() + 1 +
           (entry == CohortEntry::recurring ? block_stride() : 0) +
           std::size_t(period - first_period_) * row_stride();
}

std::int64_t CohortRetention::entrants(std::size_t group) const noexcept {
    std::int64_t n = 0;
    for (std::int32_t c = 0; c < cohorts_; ++c) n += words_[row_offset(group, CohortEntry::first_time, first_period_ + c)];
    return n;
}

// Counts one entrant into `row`: the customer's periods are active_periods_[first..] (its entry
// period first), the entry being period 0. Bracket j is counted only when the customer is
// eligible for it; eligibility only ends with j, so the first ineligible bracket ends the row.
void CohortRetention::count(std::int64_t* r, std::size_t first, std::int64_t start_unix_day) noexcept {
    const bool calendar = config_.window == CohortWindow::calendar;
    const std::int64_t entry = active_periods_[first];
    const std::int64_t base = period_cents_[first];
    const std::int64_t last = active_periods_.back() - entry;
    ++r[0];
    std::size_t i = first;  // the first active period not before bracket j
    for (std::size_t j = 0; j + 1 < bounds_.size(); ++j) {
        const std::int64_t lo = bounds_[j], hi = bounds_[j + 1];
        const bool eligible = calendar ? entry + hi - 1 <= last_observed_period_
                                       : rolling_period_start(config_.unit, start_unix_day, hi) <= as_of_unix_ + 1;
        if (!eligible) break;
        std::int64_t* cell = r + 1 + j * kCellWords;
        ++cell[kEligible];
        cell[kRevenueBase] += base;
        while (i < active_periods_.size() && active_periods_[i] - entry < lo) ++i;
        bool on = false;
        for (std::size_t n = i; n < active_periods_.size() && active_periods_[n] - entry < hi; ++n) {
            on = true;
            cell[kRevenue] += period_cents_[n];
        }
        cell[kOn] += on;
        cell[kOnOrAfter] += last >= lo;
    }
}

void CohortRetention::update(std::size_t group, Day acquisition_day, std::span<const Day> activity_days,
                             std::span<const CohortPurchase> purchases) {
    if (acquisition_day > config_.as_of) return;
    const CohortUnit unit = config_.unit;
    const std::int64_t epoch = config_.epoch_unix_day;
    const bool calendar = config_.window == CohortWindow::calendar;
    const std::int64_t start = epoch + acquisition_day;
    auto index_of = [&](std::int64_t unix_day) {
        return calendar ? period_of(unit, unix_day) : rolling_period_of(unit, start, unix_day);
    };
    auto start_of = [&](std::int64_t index) {
        return calendar ? period_start(unit, index) : rolling_period_start(unit, start, index);
    };

    // The distinct active periods, ascending, with their revenue: activity days and purchases
    // merged by day. Days are sorted, so a period's bounds are looked up once per period, not
    // once per day.
    active_periods_.clear();
    period_cents_.clear();
    std::int64_t current = index_of(start);
    std::int64_t next_start = start_of(current + 1);
    active_periods_.push_back(current);
    period_cents_.push_back(0);
    auto enter = [&](Day d) -> bool {
        if (d < acquisition_day || d > config_.as_of) return false;
        if (epoch + d >= next_start) {
            current = index_of(epoch + d);
            next_start = start_of(current + 1);
            active_periods_.push_back(current);
            period_cents_.push_back(0);
        }
        return true;
    };
    std::size_t a = 0, p = 0;
    while (a < activity_days.size() || p < purchases.size()) {
        if (p < purchases.size() && (a == activity_days.size() || purchases[p].day <= activity_days[a])) {
            if (enter(purchases[p].day)) period_cents_.back() += purchases[p].cents;
            ++p;
        } else {
            enter(activity_days[a++]);
        }
    }

    // First-time: one entry, in the calendar cohort of the acquisition day.
    const std::int64_t cohort = period_of(unit, start);
    if (cohort < first_period_) ++words_[group * group_stride()];
    else count(words_.data() + row_offset(group, CohortEntry::first_time, cohort), 0, start);

    // Recurring (calendar windows): an entry in every active period that has a row.
    if (!calendar) return;
    for (std::size_t i = 0; i < active_periods_.size(); ++i)
        if (active_periods_[i] >= first_period_)
            count(words_.data() + row_offset(group, CohortEntry::recurring, active_periods_[i]), i,
                  period_start(unit, active_periods_[i]));
}

void CohortRetention::combine(const CohortRetention& other) noexcept {
    for (std::size_t i = 0; i < words_.size(); ++i) words_[i] += other.words_[i];
}

CohortTable CohortRetention::table(CohortEntry entry, std::span<const std::size_t> groups, std::int64_t min_size) const {
    if (entry == CohortEntry::recurring && !has_recurring())
        throw std::invalid_argument("the recurring-entry cohort matrix is kept with calendar windows only");
    CohortTable t;
    t.unit = config_.unit;
    t.window = config_.window;
    t.first_period = first_period_;
    t.last_observed_period = last_observed_period_;
    t.as_of_unix_day = as_of_unix_;
    t.cohorts = cohorts_;
    t.periods = brackets();
    t.bounds = bounds_;
    t.min_size = min_size;
    const std::size_t p = std::size_t(t.periods);
    const std::size_t cells = std::size_t(cohorts_) * p;
    t.size.assign(std::size_t(cohorts_), 0);
    t.suppressed.assign(std::size_t(cohorts_), 0);
    for (auto* v : {&t.eligible, &t.active, &t.rolling, &t.revenue, &t.revenue_base}) v->assign(cells, 0);
    for (auto* v : {&t.mean_size, &t.mean_active, &t.mean_rolling, &t.mean_revenue, &t.mean_revenue_base})
        v->assign(p, 0);
    for (std::size_t g : groups)
        for (std::int32_t c = 0; c < cohorts_; ++c) {
            const std::int64_t* r = words_.data() + row_offset(g, entry, first_period_ + c);
            t.size[std::size_t(c)] += r[0];
            for (std::size_t k = 0; k < p; ++k) {
                const std::int64_t* cell = r + 1 + k * kCellWords;
                const std::size_t i = std::size_t(c) * p + k;
                t.eligible[i] += cell[kEligible];
                t.active[i] += cell[kOn];
                t.rolling[i] += cell[kOnOrAfter];
                t.revenue[i] += cell[kRevenue];
                t.revenue_base[i] += cell[kRevenueBase];
            }
        }
    // The mean row weighted by cohort size: pooled counts of the eligible customers of the
    // cohorts shown. A cohort not observed at k has none eligible, so adds nothing.
    for (std::int32_t c = 0; c < cohorts_; ++c) {
        const std::int64_t n = t.size[std::size_t(c)];
        t.suppressed[std::size_t(c)] = n > 0 && n < min_size;
        if (t.suppressed[std::size_t(c)]) continue;
        for (std::size_t k = 0; k < p; ++k) {
            const std::size_t i = std::size_t(c) * p + k;
            t.mean_size[k] += t.eligible[i];
            t.mean_active[k] += t.active[i];
            t.mean_rolling[k] += t.rolling[i];
            t.mean_revenue[k] += t.revenue[i];
            t.mean_revenue_base[k] += t.revenue_base[i];
        }
    }
    return t;
}

}  // namespace engage::kernels
