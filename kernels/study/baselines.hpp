#pragma once
// The baselines of a backtest (docs/metrics.md, "Baselines"): what a customer looks like to
// recency alone, to an RFM logistic regression and to BG/NBD's P(alive), at the scoring date T and
// at the earlier training date T_fit with the outcome over (T_fit, T], so that the RFM model
// fitted on T_fit's outcomes is applied to T out of time. Pure: one customer's interactions.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>

#include "engagement/engagement_pass.hpp"
#include "stats/logistic.hpp"
#include "study/attrition_regression.hpp"
#include "study/outcome.hpp"
#include "study/paired_auc.hpp"
#include "stats/round.hpp"

namespace engage::kernels {

// RFM features: log(1 + days since the last interaction up to the date, the acquisition day
// counting), log(1 + purchases up to the date), log(1 + mean purchase value up to the date; 0
// without a purchase).
constexpr int kRfmFeatures = 3;
constexpr const char* kRfmFeatureNames[kRfmFeatures] = {"log_recency_days", "log_purchases", "log_mean_purchase_value"};
using RfmFeatures = std::array<double, kRfmFeatures>;

// The predictors of the baseline comparison, in the order of their key histograms: the
// composite, three baselines and, with --calibrate-as-of, the score with calibrated weights and
// RFM with the five dimensions added (what the dimensions add over RFM, nested).
enum class Baseline : int { composite, recency, rfm, p_alive, calibrated, rfm_dimensions };
constexpr int kBaselinePredictors = 6;
constexpr const char* kBaselineNames[kBaselinePredictors] = {"composite", "recency", "rfm", "p_alive", "calibrated",
                                                             "rfm_dimensions"};

// The calibrated score's features: each dimension score (0-100) as (score - 50) / 100, an unknown
// one as 0 (the median percentile: no information either way).
using CalibrationFeatures = std::array<double, kDimensions>;
template <class Dimensions>
inline CalibrationFeatures calibration_features(const Dimensions& d) noexcept {
    CalibrationFeatures z;
    for (int i = 0; i < kDimensions; ++i) {
        const double v = double(d[std::size_t(i)]);
        z[std::size_t(i)] = std::isnan(v) ? 0.0 : (v - 50.0) / 100.0;
    }
    return z;
}

// A customer at the two dates, as the baseline stage spills it after the pass.
struct BaselineCustomer {
    RfmFeatures train{}, now{};
    std::int32_t recency_days = -1;     // at T (StudyOutcome::recency_days)
    bool train_at_risk = false, train_retained = false;
    bool at_risk = false, retained = false;
};

inline RfmFeatures rfm_features(const ShardView& v, std::size_t k, const ChannelKinds& kinds, Day as_of,
                                std::int32_t recency_days) noexcept {
    std::int64_t purchases = 0, cents = 0;
    for (std::size_t i = v.offsets[k]; i < v.offsets[k + 1]; ++i) {
        const Event e = make_event(v, i, kinds);
        if (e.day > as_of) break;
        if (e.kind != ChannelKind::purchase) continue;
        ++purchases;
        cents += e.hundredths;
    }
    const double mean_value = purchases ? double(cents) / 100.0 / double(purchases) : 0.0;
    return {std::log1p(double(std::max(recency_days, 0))), std::log1p(double(purchases)),
            std::log1p(std::max(mean_value, 0.0))};
}

// Customer k of the shard at T (`now`) and at T_fit (`train`), both with the study's churn
// definition (kernels/study/outcome.hpp).
inline BaselineCustomer baseline_customer(const ShardView& v, std::size_t k, const ChannelKinds& kinds,
                                          const StudyHorizon& train, const StudyHorizon& now) noexcept {
    BaselineCustomer c;
    const StudyOutcome t = study_outcome(v, k, kinds, train);
    const StudyOutcome n = study_outcome(v, k, kinds, now);
    c.train_at_risk = t.at_risk;
    c.train_retained = t.retained;
    c.at_risk = n.at_risk;
    c.retained = n.retained;
    c.recency_days = n.recency_days;
    if (t.at_risk) c.train = rfm_features(v, k, kinds, train.as_of, t.recency_days);
    if (n.at_risk) c.now = rfm_features(v, k, kinds, now.as_of, n.recency_days);
    return c;
}

// RFM's features followed by the calibration's: the nested model's row.
constexpr int kNestedFeatures = kRfmFeatures + kDimensions;
using NestedFeatures = std::array<double, kNestedFeatures>;
inline NestedFeatures nested_features(const RfmFeatures& rfm, const CalibrationFeatures& dimensions) noexcept {
    NestedFeatures x;
    std::copy(rfm.begin(), rfm.end(), x.begin());
    std::copy(dimensions.begin(), dimensions.end(), x.begin() + kRfmFeatures);
    return x;
}

// What the sweep after the pass joins to a customer: its composite score and P(alive) at T.
struct BaselineScores {
    double composite = 0;     // as the study keys it (a float would move some keys)
    float p_alive = 0;        // as RetentionStage publishes it
    bool acquired = false;    // scored at T (the study's population: acquired and at risk)
    bool calibrated = false;  // a purchase by T: BG/NBD applies
    bool train_acquired = false;  // scored at T_fit (with --calibrate-as-of)
    bool engaged = false;         // tier engaged or fully engaged at T (the adjusted attrition claim)
    std::uint32_t rm = 0;         // relationship manager (its clusters)
    std::array<float, kDimensions> now{}, train{};  // the dimension scores at T and T_fit
};

// Keys of the AUC histograms (higher = more likely to stay): a probability in [0, 1] on 65,536
// steps; the composite and recency as in kernels/study/backtest.hpp.
inline std::uint16_t probability_key(double p) noexcept {
    return std::uint16_t(round_half_away(std::fmin(1.0, std::fmax(0.0, p)) * 65535.0));
}

// Series of the key histograms: predictor x class (0 churned, 1 retained).
constexpr int baseline_series(int predictor, bool retained) noexcept { return predictor * 2 + int(retained); }

// The keys of a customer of the comparison (acquired and at risk at T): false for the others.
// RFM without a fitted model and P(alive) without a BG/NBD fit: key 0 for all (reported as
// unavailable). A customer without a purchase by T, whom BG/NBD does not describe, gets
// P(alive) 0, below every customer it does (docs/metrics.md, "Baselines").
inline bool baseline_keys(const BaselineCustomer& c, const BaselineScores& s, const LogisticModel* rfm,
                          const LogisticModel* calibrated, const LogisticModel* nested,
                          std::array<std::uint16_t, kBaselinePredictors>& keys) noexcept {
    if (!s.acquired || !c.at_risk) return false;
    keys[0] = composite_key(s.composite);
    keys[1] = std::uint16_t(65535 - std::min<std::int32_t>(std::max(c.recency_days, 0), 65535));
    keys[2] = rfm ? probability_key(rfm->probability(c.now)) : 0;
    const double p = s.calibrated ? double(s.p_alive) : 0.0;
    keys[3] = std::isnan(p) ? 0 : probability_key(p);
    keys[4] = calibrated ? probability_key(calibrated->probability(calibration_features(s.now))) : 0;
    keys[5] = nested ? probability_key(nested->probability(nested_features(c.now, calibration_features(s.now)))) : 0;
    return true;
}

// The baselines of one scoring date, for the report.
struct BaselineResult {
    std::string train_as_of;               // T_fit (YYYY-MM-DD); its horizon ends at T
    std::int64_t train_customers = 0;      // at risk at T_fit
    std::int64_t train_retained = 0;
    std::string rfm_unavailable;           // why RFM was not fitted ("" when it was)
    LogisticModel rfm;
    double lambda = 0;                     // its L2 penalty
    std::string p_alive_unavailable;       // "" when BG/NBD's P(alive) is known for every customer
    std::int64_t without_purchase = 0;     // customers of the comparison without a purchase by T
    std::array<AucResult, kBaselinePredictors> auc{};
    // Paired DeLong test of each predictor against the composite: AUC_p - AUC_composite.
    std::array<PairedAucResult, kBaselinePredictors> versus_composite{};
    // With --calibrate-as-of: the dimension weights fitted at T_fit and their score's tests
    // against the best baseline and RFM (calibrated minus the other).
    bool calibration = false;
    std::string train_as_of_calibrated;
    std::int64_t calibration_customers = 0, calibration_retained = 0;
    std::string calibrated_unavailable;
    LogisticModel calibrated;
    std::array<double, kDimensions> hand_weights{};
    PairedAucResult calibrated_vs_best, calibrated_vs_rfm;
    std::string rfm_dimensions_unavailable;
    LogisticModel rfm_dimensions;
    PairedAucResult rfm_dimensions_vs_rfm, rfm_dimensions_vs_best;
    // The main date only: the attrition claim adjusted for RFM (kernels/study/attrition_regression.hpp).
    bool attrition_attempted = false;
    std::string attrition_unavailable;
    AttritionRegressionResult attrition;
    bool available(int p) const noexcept {
        return (p != int(Baseline::rfm) || rfm_unavailable.empty()) &&
               (p != int(Baseline::p_alive) || p_alive_unavailable.empty()) &&
               (p != int(Baseline::calibrated) || (calibration && calibrated_unavailable.empty())) &&
               (p != int(Baseline::rfm_dimensions) || (calibration && rfm_dimensions_unavailable.empty())) &&
               std::isfinite(auc[std::size_t(p)].auc);
    }
    // The baseline (recency, RFM, P(alive)) with the highest AUC; -1 when none is available.
    int best_baseline() const noexcept {
        int best = -1;
        for (int p = 1; p <= int(Baseline::p_alive); ++p)
            if (available(p) && (best < 0 || auc[std::size_t(p)].auc > auc[std::size_t(best)].auc)) best = p;
        return best;
    }
};

}  // namespace engage::kernels
