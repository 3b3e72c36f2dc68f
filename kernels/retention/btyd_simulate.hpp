#pragma once
// Synthetic customers drawn from the BG/NBD generative process (Fader, Hardie & Lee 2005,
// Marketing Science 24(2), section 3), for benchmarks and recovery tests. Each customer uses
// its own random stream (seed, index), so the data do not depend on how it is split.
#include <cstdint>

#include "retention/bg_nbd.hpp"
#include "retention/rfm_summary.hpp"

namespace engage::kernels {

struct BgNbdSimulation {
    BgNbdParams truth{0.243, 4.414, 0.793, 2.426};  // the CDNOW fit
    std::uint64_t seed = 1;
    int cohort_days = 85;        // first purchases spread evenly over days [0, cohort_days)
    int calibration_days = 273;  // the calibration period ends this many days after day 0
};

// Customer `index`: lambda ~ Gamma(r, alpha), p ~ Beta(a, b); interpurchase times are
// Exponential(lambda) weeks and after each repeat purchase the customer drops out with
// probability p. Purchases are recorded on whole days (as transaction logs are), so
// t_x = floor(purchase day) / 7 and T = (calibration_days - first day) / 7; x counts every
// simulated repeat purchase (same-day purchases are not merged).
RfmSummary simulate_bg_nbd_customer(const BgNbdSimulation& sim, std::uint64_t index) noexcept;

}  // namespace engage::kernels
