#pragma once
// Engagement as offered and chosen (issue 18; docs/metrics.md, "Touches"): for one customer at
// one date, the company's offers and the customer's responses, the customer's share of the
// interactions, support tickets and the company's response times, the ideas funnel, and the
// mix of the customer's own interactions by stage of engagement. Pure: no I/O, no MPI; every
// quantity is an integer count or a whole number of seconds, so results do not depend on ranks.
//
// State / update / finalize: update() takes the customer's rows in time order (each with who
// initiated it and how many rows back lies the row it answers); finalize() reads the answers
// back, so the state keeps one small record per row of the customer up to the as-of date.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "features/feature_pass.hpp"

namespace engage::kernels {

// Stages of engagement (Walker; Iqbal): whom the customer's own interaction is with.
enum class EngagementStageKind : std::uint8_t { company, content, community };
constexpr int kEngagementStages = 3;
constexpr const char* kEngagementStageNames[kEngagementStages] = {"customer_to_company", "customer_to_content",
                                                                  "customer_to_community"};
// The stage of a customer-initiated interaction of kind k (docs/metrics.md, "Stages of engagement").
EngagementStageKind engagement_stage(ChannelKind k) noexcept;

// Seconds of the support expectations (issue 18: 71 % of customers expect help within 5 minutes).
constexpr std::int64_t kWithinSeconds[3] = {300, 3600, 86400};
constexpr const char* kWithinNames[3] = {"5min", "1h", "1d"};

// One customer's touches at one date. Counts are exact; -1 in a count and NaN in a time or share
// mean unknown: counts of answers are unknown when the base has no answers column (`answers_known`).
struct CustomerTouches {
    bool answers_known = false;
    std::int32_t offers = 0;            // company offers in the window
    std::int32_t offers_answered = -1;  // ... with at least one customer row answering them (by the as-of date)
    double offer_response_rate = 0;     // offers_answered / offers; NaN: no offer or unknown
    double offer_response_median_s = 0; // nearest-rank median of the first answers' delays; NaN: none answered
    std::int32_t interactions = 0;      // rows in the window, either side's
    std::int32_t customer_initiated = 0;
    double customer_initiated_share = 0;  // NaN: no row in the window
    std::int32_t tickets = 0;           // customer rows of kind support in the window
    std::int32_t tickets_answered = -1; // with a company support_reply answering them by the as-of date
    std::int32_t tickets_resolved = -1; // ... with a reply of value 2
    double first_response_median_s = 0, first_response_p90_s = 0;  // over answered tickets; NaN: none
    double resolution_median_s = 0;     // over resolved tickets; NaN: none
    std::array<std::int32_t, 3> within{{-1, -1, -1}};  // tickets first answered within 5 min, 1 h, 1 day
    std::array<double, 3> within_share{};              // within / tickets; NaN: no ticket or unknown
    std::int32_t ideas = 0;             // customer rows of kind idea in the window
    std::int32_t ideas_to_date = 0;     // ... on or before the as-of date
    std::int32_t ideas_commented = -1;  // of the window's ideas: a company idea_feedback >= 1 answering it
    std::int32_t ideas_evaluated = -1;  // ... >= 2
    std::int32_t ideas_implemented = -1;  // ... = 3
    std::int32_t idea_votes = 0;        // customer rows of kind idea_vote in the window
    std::array<std::int32_t, kEngagementStages> stage{};  // customer-initiated rows in the window by stage
};

struct TouchesState {
    struct Row {
        std::int64_t time;
        std::uint32_t answers;  // rows back; 0: none
        ChannelKind kind;
        bool company;
        std::int16_t value;     // value rounded to a whole number (reply 1/2, feedback 1-3)
    };
    std::vector<Row> rows;      // the customer's rows up to the latest as-of date asked, in order
    // finalize's work arrays, kept from customer to customer so that a thread allocates them once.
    std::vector<std::int64_t> first_customer, first_reply, first_resolution;
    std::vector<std::int16_t> feedback;
    std::vector<std::int64_t> offer_delays, reply_delays, resolution_delays;
};

struct TouchesKernel {
    using State = TouchesState;
    // One row of the customer (time order).
    static void update(State& s, std::int64_t time, ChannelKind kind, bool company, std::uint32_t answers,
                       std::int64_t value_hundredths) noexcept;
    // The touches at `as_of` from the rows up to it (rows after it are left out, so that the
    // rows read up to one date serve every earlier date too). `answers_known`: whether the base
    // has an answers column. With `delays`, also the first-response times of the window's
    // answered tickets, ascending (for the group histograms). Uses the state's work arrays.
    static CustomerTouches finalize(State& s, Day window_start, Day as_of, bool answers_known,
                                    std::vector<std::int64_t>* delays = nullptr);
};

// Nearest-rank percentile (rank = ceil(q n), 1-based) of values sorted ascending; the caller
// makes sure they are not empty. q in (0, 1]: 50 for the median (the lower middle of an even
// count), 90 for the 90th percentile, given as a whole percentage so that the rank is exact.
std::int64_t nearest_rank(std::span<const std::int64_t> sorted, int percent) noexcept;

// Customer k of a shard at a date: its rows up to as_of, the window window_start..as_of. The
// rows stay in `scratch`: TouchesKernel::finalize(scratch, ...) gives the customer at an earlier date.
CustomerTouches customer_touches(const ShardView& v, std::size_t k, Day window_start, Day as_of,
                                 const ChannelKinds& kinds, TouchesState& scratch,
                                 std::vector<std::int64_t>* delays = nullptr);

}  // namespace engage::kernels
