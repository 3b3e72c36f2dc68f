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
    std::uint32_t interactions;
};

struct SynthEvents {
    std::vector<std::int64_t> time;
    std::vector<std::uint8_t> channel;
    std::vector<double> value;
    std::vector<double> spacing;  // scratch
};

// The customer of index i (0-based) and, when events is not null, its interactions appended
// in time order. Deterministic in (config, i).
SynthCustomer synth_customer(const SynthConfig& c, const SynthHierarchy& h, std::uint64_t i,
                             SynthEvents* events);

}  // namespace engage::kernels
