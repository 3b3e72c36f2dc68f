#pragma once
// The generative model behind `engage generate` (docs/metrics.md, "Synthetic customer base"):
// a latent engagement per customer drives its channel rates, sentiment, spend and churn
// hazard; activity is heavy-tailed. Pure: one customer at a time from its own random stream.
#include <cstdint>
#include <string>
#include <vector>

#include "features/event.hpp"

namespace engage::kernels {

struct SynthConfig {
    std::uint64_t seed = 1;
    std::uint64_t customers = 0;
    std::uint32_t business_units = 4;
    std::uint32_t regions_per_unit = 3;
    std::uint32_t customers_per_rm = 250;
    Day history_days = 5 * 365;          // interactions lie in days [0, history_days)
    double mean_interactions = 100.0;    // target mean interactions per customer
    std::uint32_t max_interactions = 200000;
    // The company's side of engagement (kernels/synth/company_touches.hpp): offers and the
    // customers' responses, replies to support tickets, feedback on ideas, and a churn hazard
    // raised by slow support. Off: the base is exactly the one without touches.
    bool company_touches = false;
};

// The sizes of the sales hierarchy: business units -> regions -> relationship managers.
struct SynthHierarchy {
    std::uint32_t business_units, regions, rms;
    explicit SynthHierarchy(const SynthConfig& c);
};

struct SynthCustomer {
    std::uint64_t id;
    Day acquisition_day;
    std::uint32_t rm, region, business_unit;
    std::uint8_t segment;         // 0 consumer, 1 small business, 2 enterprise
    double wallet;                // yearly category spend; NaN when unknown
    double engagement;            // latent engagement in (0, 1)
    Day churn_day;                // day the customer stops; -1 when still active at the end
    std::uint32_t interactions;   // rows, the company's touches included
    // Planted with company_touches only (NaN otherwise): the probability that the customer
    // responds to an offer, and the median seconds its support team takes to reply.
    double offer_response_probability;
    double support_median_seconds;
};

struct SynthEvents {
    std::vector<std::int64_t> time;
    std::vector<std::uint8_t> channel;
    std::vector<double> value;
    // With company_touches only (empty otherwise): io::Initiator per row (0 customer, 1 the
    // company) and the rows back to the interaction a row answers (0: none).
    std::vector<std::uint8_t> initiator;
    std::vector<std::uint32_t> answers;
    std::vector<double> spacing;  // scratch
    std::vector<std::int64_t> target;  // scratch: the local row a touch answers, -1 none
    std::vector<std::uint32_t> order;  // scratch: the customer's rows in time order
};

class Rng;

// The value of a purchase by a customer of engagement e in a segment: lognormal around a
// median rising with e (docs/metrics.md, "Values").
double synth_purchase_value(double e, std::uint8_t segment, Rng& r);

// The customer of index i (0-based) and, when events is not null, its interactions appended
// in time order (with company_touches, initiator and answers too). Deterministic in
// (config, i). With company_touches the count needs the events: a null `events` then
// generates them into a scratch buffer.
SynthCustomer synth_customer(const SynthConfig& c, const SynthHierarchy& h, std::uint64_t i,
                             SynthEvents* events);

}  // namespace engage::kernels
