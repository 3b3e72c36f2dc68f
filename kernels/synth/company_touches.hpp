#pragma once
// The company's side of engagement planted in a synthetic base (`engage generate
// --company-touches`; docs/metrics.md, "The company's touches"): offers sent at a rate that
// does not depend on engagement and answered with a probability that rises with it; replies to
// support tickets after a time set by the customer's support team, slow support raising the
// churn hazard; feedback on ideas. Known effects that later analyses must recover. Pure: each
// customer's touches come from their own random stream, apart from the stream of its other
// draws, so a base without touches is unchanged.
#include <cstdint>

#include "synth/rng.hpp"
#include "synth/synthetic_base.hpp"

namespace engage::kernels {

// The seed of the touches' stream is the base's seed XOR this constant ("touches!" in ASCII);
// the stream index is the customer's index, as in the customer's own stream.
constexpr std::uint64_t kTouchSeedMask = 0x746F756368657321ull;

// Median seconds the support team of `region` takes to reply: 15 minutes, 4 hours or 2 days
// for region % 3 = 0, 1, 2.
double region_support_median_seconds(std::uint32_t region);
// The customer's planted median reply time: its region's median times exp(0.4 N(0,1)).
double draw_support_median_seconds(std::uint32_t region, Rng& touches);
// The factor on the churn hazard: 1.8 when the customer's median reply time is above one day,
// 1 otherwise.
double support_churn_factor(double support_median_seconds);
// The probability of a response to an offer: 0.05 + 0.5 e.
double offer_response_probability(double engagement);

// The customer's touches merged into its rows [base, events.time.size()) (its own interactions,
// in time order, all before `limit`, the end of its active span in seconds): offers and
// responses, support replies, idea feedback, every row before `limit`. The rows are then
// re-sorted by time (stable: an answer at the time of what it answers stays after it), and
// events.initiator and events.answers get one entry per row. Returns the rows added.
std::size_t plant_company_touches(const SynthCustomer& c, std::int64_t start, std::int64_t limit, Rng& touches,
                                  SynthEvents& events, std::size_t base);

}  // namespace engage::kernels
