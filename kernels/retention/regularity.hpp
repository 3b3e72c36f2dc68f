#pragma once
// Purchase timing beyond (x, t_x, T), for the MBG/CNBD-k model and the regularity estimate.
//
// PurchaseTimingKernel folds one customer's purchase times (in order; repeated times counted
// once, as BTYDplus's elog2cbs and estimateRegularity do) into the sum of the log
// inter-purchase times (litt, the MBG/CNBD-k timing term) and the last three distinct times.
//
// WheatMorrisonKernel estimates the regularity of Wheat & Morrison (1990, "Estimating purchase
// regularity with two interpurchase times", Journal of Marketing Research 27(1), 87-93): if a
// customer's inter-purchase times t1, t2 are independent Gamma(k, lambda) with any lambda, then
// M = t1 / (t1 + t2) ~ Beta(k, k), whose variance 1 / (4 (2k + 1)) does not depend on lambda, so
//   k_hat = (1 - 4 V) / (8 V),  V = the variance of M over customers with >= 3 distinct purchases,
// with t1, t2 the customer's last two inter-purchase times (BTYDplus estimateRegularity, method
// "wheat"). k = 1 is Poisson purchasing; k > 1 more regular; k < 1 more clumped.
// BTYDplus picks t1 or t2 at random for M and takes the sample variance; Beta(k, k) is
// symmetric about 1/2, so here V = mean of (M - 1/2)^2, which is the same for either choice:
// deterministic, and mergeable (a count and an exact sum). The two differ by O(1/n).
#include <cstdint>

#include "stats/exact_sum.hpp"

namespace engage::kernels {

struct PurchaseTimingState {
    std::int64_t distinct = 0;  // distinct purchase times seen
    double first = 0;           // the first purchase time
    double last[3] = {0, 0, 0}; // last[0] the most recent distinct time, last[1], last[2] the ones before
    double litt = 0;            // sum of ln(gap) over consecutive distinct times (distinct - 1 gaps)
};

struct PurchaseTimingKernel {
    using State = PurchaseTimingState;
    // One purchase at time t, not before the previous one (a repeated time is ignored).
    static void update(State& s, double t) noexcept;
    // Appends `later` (the same customer's purchases, all at or after `into`'s) to `into`.
    static void combine(State& into, const State& later) noexcept;
};

struct WheatMorrisonState {
    std::int64_t customers = 0;  // customers with >= 3 distinct purchases
    ExactSum squared_deviation;  // sum of (M - 1/2)^2
};

struct WheatMorrisonEstimate {
    std::int64_t customers;  // customers used
    double variance;         // V, the variance of M about 1/2; NaN with no customer
    double k;                // (1 - 4 V) / (8 V); NaN with no customer, +inf when V = 0
};

struct WheatMorrisonKernel {
    using State = WheatMorrisonState;
    // One customer's timing (ignored below 3 distinct purchases).
    static void update(State& s, const PurchaseTimingState& customer) noexcept;
    static void combine(State& into, const State& from) noexcept;
    static WheatMorrisonEstimate finalize(const State& s) noexcept;
};

}  // namespace engage::kernels
