#include "survival/survival_counts.hpp"

#include <algorithm>

namespace engage::kernels {

SurvivalCounts::SurvivalCounts(std::size_t groups, std::int32_t max_duration)
    : groups_(std::max<std::size_t>(groups, 1)), max_duration_(std::max(max_duration, 0)),
      words_(groups_ * stride(), 0) {}

void SurvivalCounts::update(std::size_t group, std::int32_t duration, bool event, std::int32_t entry) noexcept {
    if (duration < 0 || (entry > 0 && duration <= entry)) {
        ++words_[offset(group)];
        return;
    }
    if (entry > 0) ++words_[offset(group) + 3 + 3 * std::size_t(std::min(entry, max_duration_))];
    // Administrative censoring at max_duration: survival beyond it is all that is known.
    if (duration > max_duration_) {
        duration = max_duration_;
        event = false;
    }
    ++words_[offset(group) + (event ? 1 : 2) + 3 * std::size_t(duration)];
}

void SurvivalCounts::combine(const SurvivalCounts& other) noexcept {
    for (std::size_t i = 0; i < words_.size(); ++i) words_[i] += other.words_[i];
}

std::int64_t SurvivalCounts::subjects(std::size_t group) const noexcept {
    std::int64_t n = 0;
    for (std::int32_t t = 0; t <= max_duration_; ++t) n += events(group, t) + censored(group, t);
    return n;
}

std::int64_t SurvivalCounts::at_risk_at_start(std::size_t group) const noexcept {
    std::int64_t n = subjects(group);
    for (std::int32_t t = 0; t <= max_duration_; ++t) n -= entered(group, t);
    return n;
}

}  // namespace engage::kernels
