#pragma once
// Synthetic customers drawn from the BG/NBD generative process (Fader, Hardie & Lee 2005,
// Marketing Science 24(2), section 3), for benchmarks and recovery tests. Each customer uses
// its own random stream (seed, index), so the data do not depend on how it is split.
#include <cstdint>

#include "retention/bg_nbd.hpp"
#include "retention/mbg_cnbd.hpp"
#include "retention/regularity.hpp"
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

// The MBG/CNBD-k generative process (Reutterer, Platzer & Schroeder 2021; BTYDplus
// mbgcnbd.GenerateData): lambda ~ Gamma(r, alpha), p ~ Beta(a, b); at the first purchase (time 0)
// and after every repeat purchase the customer drops out with probability p; inter-purchase
// times are Gamma(k, rate lambda) weeks. Times are kept exact (not rounded to days), so litt is
// finite. First purchases are spread evenly over [0, cohort_weeks).
struct MbgCnbdSimulation {
    MbgCnbdParams truth{2, 0.85, 1.45, 0.79, 2.42};
    std::uint64_t seed = 1;
    double cohort_weeks = 12;
    double calibration_weeks = 52;  // the calibration period ends this many weeks after week 0
    double holdout_weeks = 0;       // purchases in (T, T + holdout] are counted in holdout_x
};

struct SimulatedTimingCustomer {
    RfmSummary rfm;
    PurchaseTimingState timing;  // the calibration purchases, the first one included
    double holdout_x = 0;
};

SimulatedTimingCustomer simulate_mbg_cnbd_customer(const MbgCnbdSimulation& sim, std::uint64_t index) noexcept;

}  // namespace engage::kernels
