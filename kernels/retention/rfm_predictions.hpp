#pragma once
// The buy-till-you-die predictions of every distinct calibration summary (x, t_x, T), computed
// once per summary instead of once per customer: customers with the same summary get the same
// predictions, and a rank's distinct summaries are far fewer than its customers (the groups of
// the fits, kernels/retention/rfm_summary.hpp). The CLV's discounted sum of expected
// transactions (52 evaluations of E[X(t)] for a year) is the costly part; the spend that
// multiplies it differs per customer and is applied by the caller, so the CLV is the same
// product of the same two numbers as bg_nbd_clv() computes.
#include <algorithm>
#include <cmath>
#include <span>
#include <unordered_map>
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

// Pareto/NBD's expectation is its P(alive) (two 2F1 series) times a closed form of t: P(alive)
// is computed once for all the horizon's weeks and the holdout (the same bits as
// pareto_nbd_expected_transactions(pareto, s, t) for each).
inline RfmPrediction predict_rfm(const BgNbdParams& bg, const ParetoNbdParams& pareto, const RfmSummary& s,
                                 const PredictionHorizon& h) {
    RfmPrediction r;
    const double pareto_alive = h.pareto || h.holdout_weeks > 0 ? pareto_nbd_p_alive(pareto, s) : 0.0;
    const auto pareto_expected = [&](double t) { return pareto_nbd_expected_transactions(pareto, s, t, pareto_alive); };
    const auto expected = [&](double t) { return h.pareto ? pareto_expected(t) : bg_nbd_expected_transactions(bg, s, t); };
    r.p_alive = h.pareto ? pareto_alive : bg_nbd_p_alive(bg, s);
    r.expected = expected(double(h.horizon_weeks));
    r.discounted = discounted_expected_transactions(expected, h.horizon_weeks, 1.0, h.weekly_rate);
    if (h.holdout_weeks > 0) {
        r.holdout_bg_nbd = bg_nbd_expected_transactions(bg, s, h.holdout_weeks);
        r.holdout_pareto_nbd = pareto_expected(h.holdout_weeks);
    }
    return r;
}

// predict_rfm for summaries taken in ascending order (a rank's distinct summaries, one predictor
// per thread: PredictionsBySummary), the same bits. With BG/NBD the prediction model, a summary's
// expectations at the horizon's weeks and at the holdout are P(alive) times a factor that
// depends on it through x and T only (bg_nbd_alive_expectation), and the summaries of one x share
// a few thousand values of T (weeks of whole days) against millions of summaries in a large base:
// the factors are computed once per (x, T) and kept while x stays the same.
class RfmPredictor {
public:
    RfmPredictor(const BgNbdParams& bg, const ParetoNbdParams& pareto, const PredictionHorizon& h) noexcept
        : bg_(bg), pareto_(pareto), h_(h) {}
    RfmPrediction operator()(const RfmSummary& s) {
        // Pareto/NBD, or BG/NBD where its expectation averages the two sides of a = 1: as predict_rfm.
        if (h_.pareto || h_.horizon_weeks < 1 || std::fabs(bg_.a - 1) < 1e-6) return predict_rfm(bg_, pareto_, s, h_);
        if (!(s.x == x_)) {
            by_age_.clear();
            x_ = s.x;
        }
        const std::size_t weeks = std::size_t(h_.horizon_weeks);
        auto [it, added] = by_age_.try_emplace(s.T);
        std::vector<double>& factor = it->second;  // weeks 1..horizon, then the holdout
        if (added) {
            factor.resize(weeks + 1);
            for (std::size_t k = 1; k <= weeks; ++k) factor[k - 1] = bg_nbd_alive_expectation(bg_, s.x, s.T, double(k));
            factor[weeks] = h_.holdout_weeks > 0 ? bg_nbd_alive_expectation(bg_, s.x, s.T, h_.holdout_weeks) : 0.0;
        }
        RfmPrediction r;
        r.p_alive = bg_nbd_p_alive(bg_, s);
        // discounted_expected_transactions asks for whole weeks 1..horizon (k x a period of 1).
        const auto expected = [&](double t) { return factor[std::size_t(t) - 1] * r.p_alive; };
        r.expected = expected(double(weeks));
        r.discounted = discounted_expected_transactions(expected, h_.horizon_weeks, 1.0, h_.weekly_rate);
        if (h_.holdout_weeks > 0) {
            r.holdout_bg_nbd = factor[weeks] * r.p_alive;
            r.holdout_pareto_nbd = pareto_nbd_expected_transactions(pareto_, s, h_.holdout_weeks);
        }
        return r;
    }

private:
    BgNbdParams bg_;
    ParetoNbdParams pareto_;
    PredictionHorizon h_;
    double x_ = 0;
    std::unordered_map<double, std::vector<double>> by_age_;  // by T, for x_
};

// The predictions of a rank's distinct summaries, looked up by summary.
using RfmPredictions = PredictionsBySummary<RfmSummary, RfmPrediction>;

}  // namespace engage::kernels
