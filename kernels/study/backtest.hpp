#pragma once
// The predictive validity of the scores of a date T against the outcomes of (T, T + H]
// (docs/metrics.md, "Backtests"): the AUC of the composite score and of recency for churn, churn
// and revenue by score decile (lift), and the calibration of P(alive). Mergeable integer states;
// the caller all-reduces them between the two passes.
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "engagement/engagement_pass.hpp"
#include "stats/exact_sum.hpp"
#include "study/auc.hpp"
#include "study/outcome.hpp"

namespace engage::kernels {

// What the study needs of one customer at one date.
struct StudyCustomer {
    bool acquired = false;
    double composite = 0;             // 0-100 at T
    Tier tier = Tier::not_engaged;
    std::uint32_t business_unit = 0;
    StudyOutcome outcome;
    bool calibrated = false;          // a purchase by T: the buy-till-you-die models apply
    double p_alive = 0;               // BG/NBD at T
    double expected_holdout = 0;      // BG/NBD expected repeat transactions in (T, T + H]
    double actual_holdout = 0;        // repeat transactions in (T, T + H]
    double share_of_wallet = std::nan("");  // horizon revenue per year / wallet, in [0, 1]; NaN: unknown
};

// The keys of the AUC histograms: composite and recency (more recent = higher key) of the
// retained and the churned, for the observed outcome and, on generated data, the planted one.
enum class Predictor : int { composite, recency };
constexpr int kPredictors = 2;
constexpr const char* kPredictorNames[kPredictors] = {"composite", "recency"};
inline std::uint16_t recency_key(std::int32_t recency_days) noexcept {
    return std::uint16_t(65535 - std::min<std::int32_t>(std::max(recency_days, 0), 65535));
}
// Series: outcome (0 observed, 1 planted) x predictor x class (0 retained, 1 churned).
using ChurnHistograms = KeyHistograms<2 * kPredictors * 2>;
constexpr int churn_series(int outcome, Predictor p, bool churned) noexcept {
    return (outcome * kPredictors + int(p)) * 2 + int(churned);
}

inline void add_churn_keys(std::span<const StudyCustomer> customers, ChurnHistograms& h) noexcept {
    for (const auto& c : customers) {
        if (!c.acquired) continue;
        const std::uint16_t keys[kPredictors] = {composite_key(c.composite), recency_key(c.outcome.recency_days)};
        for (int p = 0; p < kPredictors; ++p) {
            if (c.outcome.at_risk) h.add(churn_series(0, Predictor(p), !c.outcome.retained), keys[p]);
            if (c.outcome.planted_at_risk) h.add(churn_series(1, Predictor(p), !c.outcome.planted_retained), keys[p]);
        }
    }
}

// The AUC of a predictor for staying (equivalently, of its opposite for churn): outcome 0
// observed, 1 planted.
inline AucResult churn_auc(const ChurnHistograms& h, int outcome, Predictor p) {
    return auc_from_histograms(h.counts(churn_series(outcome, p, false)), h.counts(churn_series(outcome, p, true)));
}

constexpr int kDeciles = 10;
constexpr int kCalibrationBins = 10;

// Decile 0 (lowest composite) to 9 of a customer at risk, from its mid-rank among all customers
// at risk (both classes of the observed outcome): ties share a decile.
inline int score_decile(const ChurnHistograms& h, double composite) noexcept {
    const std::uint16_t k = composite_key(composite);
    const std::int64_t n = h.count(churn_series(0, Predictor::composite, false)) +
                           h.count(churn_series(0, Predictor::composite, true));
    const std::int64_t twice = h.twice_midrank(churn_series(0, Predictor::composite, false), k) +
                               h.twice_midrank(churn_series(0, Predictor::composite, true), k);
    return n == 0 ? 0 : int(std::min<std::int64_t>(kDeciles - 1, twice * kDeciles / (2 * n)));
}
inline int calibration_bin(double p_alive) noexcept {
    return std::min(kCalibrationBins - 1, std::max(0, int(p_alive * kCalibrationBins)));
}

// Pass 2, after the histograms: per decile customers, churned and horizon revenue (cents); per
// P(alive) bin customers, those with a repeat purchase in the horizon, and exact sums of
// P(alive), expected and actual repeat transactions.
class BacktestSums {
public:
    BacktestSums() : w_(kInts + kExact * ExactSum::kWords, 0) {}
    void add(const StudyCustomer& c, const ChurnHistograms& h) noexcept {
        if (c.acquired && c.outcome.at_risk) {
            std::int64_t* d = &w_[std::size_t(score_decile(h, c.composite)) * 3];
            d[0] += 1;
            d[1] += !c.outcome.retained;
            d[2] += c.outcome.horizon_revenue_cents;
        }
        if (c.calibrated) {
            const auto b = std::size_t(calibration_bin(c.p_alive));
            w_[kDeciles * 3 + b * 2] += 1;
            w_[kDeciles * 3 + b * 2 + 1] += c.actual_holdout > 0;
            ExactSumWords::add(exact(b * 3), c.p_alive);
            ExactSumWords::add(exact(b * 3 + 1), c.expected_holdout);
            ExactSumWords::add(exact(b * 3 + 2), c.actual_holdout);
        }
    }
    std::span<std::int64_t> sum_words() noexcept { return w_; }
    std::span<std::int64_t> max_words() noexcept { return {}; }

    struct Decile { std::int64_t customers, churned, revenue_cents; };
    Decile decile(int d) const noexcept {
        const std::int64_t* p = &w_[std::size_t(d) * 3];
        return {p[0], p[1], p[2]};
    }
    struct Bin { std::int64_t customers, active; double p_alive, expected, actual; };  // sums
    Bin bin(int b) const noexcept {
        const auto i = std::size_t(b);
        return {w_[kDeciles * 3 + i * 2], w_[kDeciles * 3 + i * 2 + 1], value(i * 3), value(i * 3 + 1),
                value(i * 3 + 2)};
    }

private:
    static constexpr std::size_t kInts = kDeciles * 3 + kCalibrationBins * 2;
    static constexpr std::size_t kExact = kCalibrationBins * 3;
    ExactSumWords::Words exact(std::size_t i) noexcept {
        return ExactSumWords::Words(w_.data() + kInts + i * ExactSum::kWords, ExactSum::kWords);
    }
    double value(std::size_t i) const noexcept {
        return ExactSumWords::value(ExactSumWords::ConstWords(w_.data() + kInts + i * ExactSum::kWords, ExactSum::kWords));
    }
    std::vector<std::int64_t> w_;  // decile and bin counts, then the exact sums of the bins
};

}  // namespace engage::kernels
