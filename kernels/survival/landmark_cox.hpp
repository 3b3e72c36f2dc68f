#pragma once
// The customers of the landmark analysis (kernels/survival/landmark.hpp) as rows of a Cox model
// of churn after T: the follow-up, the tier at T and nine covariates at T, exactly as customers.h5
// holds them (so that R reads the same numbers): the five engagement dimensions (0-100, single
// precision like /engagement/dimensions), recency (days since the last interaction, any channel,
// the acquisition day counting as one: the churn definition's clock), frequency (purchases in the scoring window), monetary value
// (purchase revenue in the window, currency units) and tenure (days since acquisition); for a
// base with the company's touches (kernels/touches/touches.hpp) also the offer response rate and
// the share of the customer's tickets not first answered within a day (issue 18).
//
// Covariate choice and standardisation (docs/metrics.md, "Cox model of churn after T"): a
// covariate enters when it is known for at least half of the customers at risk and not constant
// among them; the model is fitted on the customers with every entered covariate known (complete
// cases, R's na.omit), each covariate centred and divided by its standard deviation over the
// customers at risk who have it. CovariateMoments is the mergeable state of that choice.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

#include "engagement/engagement_config.hpp"
#include "stats/exact_sum.hpp"
#include "survival/concordance.hpp"
#include "survival/cox.hpp"
#include "survival/landmark.hpp"
#include "touches/touches.hpp"

namespace engage::kernels {

constexpr int kCoxCovariates = kDimensions + 6;
constexpr const char* kCoxCovariateNames[kCoxCovariates] = {
    "usage", "sentiment", "involvement", "advocacy", "competitive", "recency_days", "frequency", "monetary",
    "tenure_days", "offer_response_rate", "support_slow_share"};
// The unit of one covariate, for hazard ratios per unit.
constexpr const char* kCoxCovariateUnits[kCoxCovariates] = {
    "score point", "score point", "score point", "score point", "score point", "day", "purchase",
    "currency unit", "day", "share of offers", "share of tickets"};

struct LandmarkRow {
    std::int32_t day = -1;        // follow-up days after T (1..H); -1: not at risk at T
    std::uint8_t event = 0;       // churned within the follow-up
    std::uint8_t tier = 0;        // engagement tier at T
    std::array<double, kCoxCovariates> x{};  // NaN: unknown

    bool at_risk() const noexcept { return day >= 0; }
};

// The pass's part of a row: the follow-up and the feature covariates (the dimensions and tier
// come with the scores, in the first sweep).
// `touches`: the customer's at T, or null for a base without them (both covariates unknown).
inline LandmarkRow landmark_row(const LandmarkTime& t, const CustomerFeatures& f,
                                const CustomerTouches* touches = nullptr) noexcept {
    LandmarkRow r;
    constexpr double unknown = std::numeric_limits<double>::quiet_NaN();
    r.x.fill(unknown);
    if (!t.at_risk) return r;
    r.day = t.follow_up.duration;
    r.event = t.follow_up.event ? 1 : 0;
    // Recency as the study counts it (kernels/study/outcome.hpp): the acquisition day is an
    // interaction, so a customer with none since (or none at all) has recency = tenure.
    const std::int32_t recency = f.last_interaction_days >= 0 ? std::min(f.last_interaction_days, f.tenure_days)
                                                             : f.tenure_days;
    r.x[kDimensions + 0] = recency >= 0 ? double(recency) : unknown;
    r.x[kDimensions + 1] = double(f.frequency);
    r.x[kDimensions + 2] = double(f.monetary_cents) / 100.0;  // as customers.h5's /features/monetary
    r.x[kDimensions + 3] = f.tenure_days >= 0 ? double(f.tenure_days) : unknown;
    if (touches) {  // NaN where unknown: no offer, no ticket, or no answers column
        r.x[kDimensions + 4] = touches->offer_response_rate;
        r.x[kDimensions + 5] = 1.0 - touches->within_share[2];
    }
    return r;
}

// ... and the score's part: the tier and the dimensions in single precision, as written.
inline void add_scores(LandmarkRow& r, bool acquired, int tier, const std::array<double, kDimensions>& dimension) noexcept {
    if (!acquired) {
        r.day = -1;  // not scored at T: not in the analysis
        return;
    }
    r.tier = std::uint8_t(tier);
    for (int d = 0; d < kDimensions; ++d) r.x[std::size_t(d)] = double(float(dimension[std::size_t(d)]));
}

// How the covariates enter the model: which of them, and their centre and scale.
struct CoxDesign {
    std::array<std::uint8_t, kCoxCovariates> entered{};
    std::array<double, kCoxCovariates> mean{}, sd{};
    std::array<std::int64_t, kCoxCovariates> known{};
    std::int64_t at_risk = 0;
    int covariates() const noexcept {
        int n = 0;
        for (auto e : entered) n += e;
        return n;
    }
    // The standardised covariates of a complete row into `z` (covariates() values); false when
    // an entered covariate is unknown.
    bool standardise(const LandmarkRow& r, std::span<double> z) const noexcept {
        std::size_t k = 0;
        for (std::size_t c = 0; c < kCoxCovariates; ++c) {
            if (!entered[c]) continue;
            if (std::isnan(r.x[c])) return false;
            z[k++] = (r.x[c] - mean[c]) / sd[c];
        }
        return true;
    }
};

// Per covariate over the customers at risk: how many have it, its exact sum and sum of squares,
// its smallest and largest value (as order-preserving integer keys, combined by max).
class CovariateMoments {
public:
    CovariateMoments() : sums_(2 * kCoxCovariates) { maxima_.fill(std::numeric_limits<std::int64_t>::min()); }
    void add(const LandmarkRow& r) noexcept {
        if (!r.at_risk()) return;
        ++counts_[kCoxCovariates];
        for (std::size_t c = 0; c < kCoxCovariates; ++c) {
            const double v = r.x[c];
            if (std::isnan(v)) continue;
            ++counts_[c];
            sums_.add(2 * c, v);
            sums_.add(2 * c + 1, v * v);
            maxima_[2 * c] = std::max(maxima_[2 * c], key(v));
            maxima_[2 * c + 1] = std::max(maxima_[2 * c + 1], key(-v));
        }
    }
    // Sums: the counts then the exact sums' words; maxima: the keys.
    std::span<std::int64_t> count_words() noexcept { return counts_; }
    std::span<std::int64_t> exact_words() noexcept { return sums_.sum_words(); }
    std::span<std::int64_t> max_words() noexcept { return maxima_; }

    CoxDesign design() const noexcept {
        CoxDesign d;
        d.at_risk = counts_[kCoxCovariates];
        for (std::size_t c = 0; c < kCoxCovariates; ++c) {
            const std::int64_t n = counts_[c];
            d.known[c] = n;
            if (n < 2 || 2 * n < d.at_risk || maxima_[2 * c] == key(-unkey(maxima_[2 * c + 1]))) continue;
            const double s1 = sums_.value(2 * c), s2 = sums_.value(2 * c + 1);
            const double mean = s1 / double(n);
            const double var = (s2 - s1 * mean) / double(n - 1);
            if (!(var > 0)) continue;
            d.entered[c] = 1;
            d.mean[c] = mean;
            d.sd[c] = std::sqrt(var);
        }
        return d;
    }

private:
    // Doubles ordered as signed integers (IEEE 754 total order for finite values).
    static std::int64_t key(double v) noexcept {
        const auto b = std::bit_cast<std::int64_t>(v == 0 ? 0.0 : v);
        return b >= 0 ? b : std::int64_t(std::uint64_t(b) ^ 0x7fffffffffffffffULL);
    }
    static double unkey(std::int64_t k) noexcept {
        return std::bit_cast<double>(k >= 0 ? k : std::int64_t(std::uint64_t(k) ^ 0x7fffffffffffffffULL));
    }
    std::array<std::int64_t, kCoxCovariates + 1> counts_{};  // + the customers at risk
    ExactSums sums_;
    std::array<std::int64_t, 2 * kCoxCovariates> maxima_{};
};

// The smallest and largest linear predictor of the complete rows, as order-preserving integer
// keys combined by max (the bins of the concordance).
class EtaRange {
public:
    EtaRange() { words_.fill(std::numeric_limits<std::int64_t>::min()); }
    void add(double eta) noexcept {
        words_[0] = std::max(words_[0], order_key(eta));
        words_[1] = std::max(words_[1], order_key(-eta));
    }
    double lo() const noexcept { return -order_value(words_[1]); }
    double hi() const noexcept { return order_value(words_[0]); }
    bool empty() const noexcept { return words_[0] == std::numeric_limits<std::int64_t>::min(); }
    std::span<std::int64_t> max_words() noexcept { return words_; }
    static std::int64_t order_key(double v) noexcept {
        const auto b = std::bit_cast<std::int64_t>(v == 0 ? 0.0 : v);
        return b >= 0 ? b : std::int64_t(std::uint64_t(b) ^ 0x7fffffffffffffffULL);
    }
    static double order_value(std::int64_t k) noexcept {
        return std::bit_cast<double>(k >= 0 ? k : std::int64_t(std::uint64_t(k) ^ 0x7fffffffffffffffULL));
    }

private:
    std::array<std::int64_t, 2> words_;
};

// One Newton evaluation's sums over rows: the complete rows at coefficients `beta` (on the
// standardised scale), and the range of their linear predictor. Returns how many rows entered
// (and how many of them churned).
inline std::array<std::int64_t, 2> add_cox_rows(std::span<const LandmarkRow> rows, const CoxDesign& design,
                                               std::span<const double> beta, CoxDaySums& sums, EtaRange& range) {
    std::array<double, kCoxCovariates> z{};
    std::array<std::int64_t, 2> n{0, 0};
    const std::span<double> zs(z.data(), std::size_t(design.covariates()));
    for (const LandmarkRow& r : rows) {
        if (!r.at_risk() || !design.standardise(r, zs)) continue;
        sums.add(r.day, r.event != 0, zs, beta);
        range.add(cox_eta(zs, beta));
        ++n[0];
        n[1] += r.event;
    }
    return n;
}

// The horizons of the time-dependent AUC and the Brier score (days after T; those <= H).
constexpr std::int32_t kPredictionHorizons[4] = {30, 90, 180, 365};

// The complete rows' keyed linear predictor at the fitted `beta` into the concordance counts,
// and their squared prediction errors at each horizon tau <= H into `brier` (sum i of
// (1{alive at tau} - exp(-H0(tau) exp(eta_i)))^2, exact), from the cumulative baseline hazard.
inline void add_concordance_rows(std::span<const LandmarkRow> rows, const CoxDesign& design,
                                 std::span<const double> beta, double lo, double hi, ConcordanceCounts& counts,
                                 std::span<const double> cumulative_hazard, ExactSums& brier) {
    std::array<double, kCoxCovariates> z{};
    const std::span<double> zs(z.data(), std::size_t(design.covariates()));
    for (const LandmarkRow& r : rows) {
        if (!r.at_risk() || !design.standardise(r, zs)) continue;
        const double eta = cox_eta(zs, beta);
        counts.add(r.day, r.event != 0, ConcordanceCounts::key(eta, lo, hi, counts.keys()));
        for (std::size_t h = 0; h < std::size(kPredictionHorizons); ++h) {
            const std::int32_t tau = kPredictionHorizons[h];
            if (std::size_t(tau) >= cumulative_hazard.size()) continue;
            const double survival = std::exp(-cumulative_hazard[std::size_t(tau)] * std::exp(eta));
            // Alive at tau: churned after it, or not at all (censored only at the end, >= tau).
            const double error = (r.event == 0 || r.day > tau ? 1.0 : 0.0) - survival;
            brier.add(h, error * error);
        }
    }
}

}  // namespace engage::kernels
