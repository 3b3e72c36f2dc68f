#pragma once
// Churn definitions: each turns one customer's history into a survival time, the number of
// days from acquisition to churn and whether churn was observed (event) or the customer was
// still a customer at the end of observation (right-censored). Pure functions; days are
// counted from the file's epoch, like every Day in the kernels. The definitions and their
// edge cases are documented here, function by function.
#include <cstdint>
#include <optional>
#include <span>

#include "features/event.hpp"

namespace engage::kernels {

struct SurvivalTime {
    std::int32_t duration = 0;  // days from acquisition to churn (event) or to the observation end
    bool event = false;         // true: churn observed; false: right-censored
    // Delayed entry (left truncation): days from acquisition to the start of observation, for a
    // customer acquired before the data begin. It is at risk only after it: a customer who churned
    // before the data began would not be seen to churn at all, so counting the days before as
    // survived would overstate survival. 0 for a customer acquired within the data.
    std::int32_t entry = 0;

    bool operator==(const SurvivalTime&) const = default;
};

// Non-contractual churn: a customer has churned once `inactive_days` (N >= 1) consecutive days
// pass without an interaction after the last one; churn happens on the day last + N. Only
// interactions on days acquisition_day..observation_end count; the acquisition day itself is
// an interaction, so a customer with no other activity churns on acquisition_day + N.
//   event:    last + N <= observation_end, duration = last + N - acquisition_day
//   censored: otherwise, duration = observation_end - acquisition_day
// A lapse followed by a return before the observation end is not churn: the customer came back,
// and only the lapse after the last observed interaction decides. `activity_days` must be sorted
// ascending; days before acquisition or after observation_end are ignored.
// nullopt when the customer was acquired after observation_end (not yet a customer).
// `observation_start` (the first day of the data) sets the delayed entry of a customer acquired
// before it: entry = observation_start - acquisition_day (0 by default).
std::optional<SurvivalTime> non_contractual_churn(std::span<const Day> activity_days,
                                                  Day acquisition_day, Day observation_end,
                                                  std::int32_t inactive_days,
                                                  Day observation_start = kNoDay) noexcept;

// Contractual churn: the customer churns on an explicit cancellation day.
//   event:    cancel_day <= observation_end, duration = max(cancel_day - acquisition_day, 0)
//   censored: no cancellation, or one after observation_end; duration = observation_end -
//             acquisition_day
// A cancellation recorded before acquisition counts as churn on the acquisition day
// (duration 0). nullopt when the customer was acquired after observation_end.
std::optional<SurvivalTime> contractual_churn(std::optional<Day> cancel_day, Day acquisition_day,
                                              Day observation_end, Day observation_start = kNoDay) noexcept;

// The cancellation day of a contract signalled by a cancel channel: the day of the first event
// on `cancel_channel` on or after acquisition_day, or nullopt when there is none. `events` must
// be in time order (as in a customer's slice of /interactions).
std::optional<Day> first_channel_day(std::span<const Event> events, std::uint8_t cancel_channel,
                                     Day acquisition_day) noexcept;

}  // namespace engage::kernels
