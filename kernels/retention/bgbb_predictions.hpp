#pragma once
// The BG/BB predictions of every distinct calibration pattern (x, t_x, n), computed once per
// pattern (customers with the same pattern get the same predictions), as RfmPredictions does
// for the continuous-time models: P(alive), expected transactions over the horizon's
// opportunities, DERT, and the expected transactions in each holdout opportunity.
#include <algorithm>
#include <array>
#include <cstdint>

#include "retention/bg_bb.hpp"
#include "retention/predictions_by_summary.hpp"

namespace engage::kernels {

// Holdout opportunities reported one by one (the rest only in the total).
inline constexpr int kBgbbHoldoutTable = 16;

struct BgbbOpportunities {
    std::int32_t horizon = 1;        // opportunities of the prediction horizon
    double discount_rate = 0;        // per opportunity, for DERT
    std::int32_t holdout = 0;        // whole opportunities in the holdout
};

struct BgbbPrediction {
    double p_alive = 0;
    double expected = 0;          // E[X(n, n + horizon) | x, t_x, n]
    double dert = 0;
    double holdout = 0;           // E[X(n, n + holdout) | x, t_x, n]
    std::array<double, kBgbbHoldoutTable> per_opportunity{};  // holdout opportunity k + 1
};

inline BgbbPrediction predict_bgbb(const BgbbParams& p, const BgbbSummary& s, const BgbbOpportunities& o) {
    BgbbPrediction r;
    r.p_alive = bgbb_p_alive(p, s);
    r.expected = bgbb_expected_transactions(p, s, o.horizon);
    r.dert = bgbb_dert(p, s, o.discount_rate);
    r.holdout = o.holdout > 0 ? bgbb_expected_transactions(p, s, o.holdout) : 0.0;
    double previous = 0;
    for (int k = 0; k < std::min(o.holdout, kBgbbHoldoutTable); ++k) {
        const double cumulative = bgbb_expected_transactions(p, s, k + 1);
        r.per_opportunity[std::size_t(k)] = cumulative - previous;
        previous = cumulative;
    }
    return r;
}

// The predictions of a rank's distinct patterns, looked up by pattern.
using BgbbPredictions = PredictionsBySummary<BgbbSummary, BgbbPrediction>;

}  // namespace engage::kernels
