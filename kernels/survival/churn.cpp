#include "survival/churn.hpp"

#include <algorithm>

namespace engage::kernels {

namespace {

SurvivalTime entered(SurvivalTime t, Day acquisition_day, Day observation_start) noexcept {
    if (observation_start != kNoDay && observation_start > acquisition_day)
        t.entry = std::int32_t(std::min<std::int64_t>(std::int64_t(observation_start) - acquisition_day, INT32_MAX));
    return t;
}

}  // namespace

std::optional<SurvivalTime> non_contractual_churn(std::span<const Day> activity_days,
                                                  Day acquisition_day, Day observation_end,
                                                  std::int32_t inactive_days, Day observation_start) noexcept {
    if (acquisition_day > observation_end) return std::nullopt;
    // The last observed interaction: the last day <= observation_end, never before acquisition.
    const auto end = std::upper_bound(activity_days.begin(), activity_days.end(), observation_end);
    Day last = acquisition_day;
    if (end != activity_days.begin()) last = std::max(last, *(end - 1));
    // Churn needs N full days without interaction, days last+1 .. last+N, all observed; computed
    // in 64 bits so that a huge N cannot overflow.
    const std::int64_t churn_day = std::int64_t(last) + std::max<std::int32_t>(inactive_days, 1);
    if (churn_day <= observation_end)
        return entered(SurvivalTime{std::int32_t(churn_day - acquisition_day), true}, acquisition_day, observation_start);
    return entered(SurvivalTime{observation_end - acquisition_day, false}, acquisition_day, observation_start);
}

std::optional<SurvivalTime> contractual_churn(std::optional<Day> cancel_day, Day acquisition_day,
                                              Day observation_end, Day observation_start) noexcept {
    if (acquisition_day > observation_end) return std::nullopt;
    if (cancel_day && *cancel_day <= observation_end)
        return entered(SurvivalTime{std::max(*cancel_day - acquisition_day, 0), true}, acquisition_day, observation_start);
    return entered(SurvivalTime{observation_end - acquisition_day, false}, acquisition_day, observation_start);
}

std::optional<Day> first_channel_day(std::span<const Event> events, std::uint8_t cancel_channel,
                                     Day acquisition_day) noexcept {
    for (const Event& e : events)
        if (e.channel == cancel_channel && e.day >= acquisition_day) return e.day;
    return std::nullopt;
}

}  // namespace engage::kernels
