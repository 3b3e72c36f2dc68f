#pragma once
// The buy-till-you-die predictions of every distinct calibration summary (x, t_x, T), computed
// once per summary instead of once per customer: customers with the same summary get the same
// predictions, and a rank's distinct summaries are far fewer than its customers (the groups of
// the fits, kernels/retention/rfm_summary.hpp). The CLV's discounted sum of expected
// transactions (52 evaluations of E[X(t)] for a year) is the costly part; the spend that
// multiplies it differs per customer and is applied by the caller, so the CLV is the same
// product of the same two numbers as bg_nbd_clv() computes.
#include <algorithm>
#include <span>
#include <vector>

#include "retention/bg_nbd.hpp"
#include "retention/clv.hpp"
#include "retention/pareto_nbd.hpp"
#include "retention/predictions_by_summary.hpp"
#include "retention/rfm_summary.hpp"

namespace engage::kernels {

struct RfmPrediction {
    double p_alive = 0;                // P(alive) at the calibration end, of the prediction model
    double expected = 0;               // its expected transactions over the horizon
    double discounted = 0;             // ... discounted per week (the CLV is spend x this)
    double holdout_bg_nbd = 0;         // expected repeat transactions in the holdout, BG/NBD
    double holdout_pareto_nbd = 0;     // ... and Pareto/NBD (0 without a holdout)
};

struct PredictionHorizon {
    int horizon_weeks = 52;
    double weekly_rate = 0;
    double holdout_weeks = 0;  // 0: no holdout
    bool pareto = false;       // P(alive), expected and discounted from Pareto/NBD, not BG/NBD
};

inline RfmPrediction predict_rfm(const BgNbdParams& bg, const ParetoNbdParams& pareto, const RfmSummary& s,
                                 const PredictionHorizon& h) {
    RfmPrediction r;
    const auto expected = [&](double t) {
        return h.pareto ? pareto_nbd_expected_transactions(pareto, s, t) : bg_nbd_expected_transactions(bg, s, t);
    };
    r.p_alive = h.pareto ? pareto_nbd_p_alive(pareto, s) : bg_nbd_p_alive(bg, s);
    r.expected = expected(double(h.horizon_weeks));
    r.discounted = discounted_expected_transactions(expected, h.horizon_weeks, 1.0, h.weekly_rate);
    if (h.holdout_weeks > 0) {
        r.holdout_bg_nbd = bg_nbd_expected_transactions(bg, s, h.holdout_weeks);
        r.holdout_pareto_nbd = pareto_nbd_expected_transactions(pareto, s, h.holdout_weeks);
    }
    return r;
}

// The predictions of a rank's distinct summaries, looked up by summary.
using RfmPredictions = PredictionsBySummary<RfmSummary, RfmPrediction>;

}  // namespace engage::kernels
