#pragma once
// From percentile ranks to dimension scores, the composite and the tier (docs/metrics.md,
// "Engagement model"). Pure functions of one customer's keys and the global histograms.
#include <array>
#include <cmath>
#include <limits>

#include "engagement/engagement_config.hpp"
#include "engagement/percentile.hpp"

namespace engage::kernels {

// The metric histograms of the customer base at the as-of date, one series per metric. Both
// dates are scored against them: the same yardstick, so that the trend shows whether
// engagement moved, which percentiles taken at each date separately (centred on 50 at every
// date) could not.
using MetricHistograms = KeyHistograms<kMetrics>;
constexpr int series_of(Metric m) noexcept { return int(m); }

// Flags of a customer at one date that the tiers need besides the score.
struct TierEvidence {
    bool negative = false;  // negative sentiment or a complaint in the window
    bool falling = false;   // fewer interactions in the last trend period than in the one before
};

inline TierEvidence tier_evidence(const EngagementSignals& s) noexcept {
    return {(!std::isnan(s.sentiment) && s.sentiment < 0) || s.complaints > 0, s.falling};
}

// Whether each dimension has signal in the base: some of its metrics tell customers apart.
inline std::array<bool, kDimensions> dimension_signal(const MetricHistograms& h) noexcept {
    auto has = [&](Metric m) { return h.has_signal(series_of(m)); };
    std::array<bool, kDimensions> out{};
    out[int(Dimension::usage)] = has(Metric::usage_breadth) || has(Metric::usage_depth) || has(Metric::usage_regularity);
    out[int(Dimension::sentiment)] = has(Metric::sentiment);
    out[int(Dimension::involvement)] = has(Metric::involvement);
    out[int(Dimension::advocacy)] = has(Metric::advocacy);
    out[int(Dimension::competitive)] = has(Metric::share_of_wallet);
    return out;
}

struct EngagementScore {
    bool acquired = false;
    std::array<double, kDimensions> dimension{};  // 0-100; NaN where unknown
    double composite = 0;                          // 0-100
    Tier tier = Tier::not_engaged;
};

inline EngagementScore score_customer(const MetricKeys& k, const TierEvidence& ev, const MetricHistograms& h,
                                      const EngagementConfig& cfg) noexcept {
    constexpr double unknown = std::numeric_limits<double>::quiet_NaN();
    EngagementScore s;
    s.acquired = k.known != 0;
    if (!s.acquired) {
        s.dimension.fill(unknown);
        s.composite = unknown;
        return s;
    }
    // A metric without signal anywhere in the base (every customer on one key) is unknown: its
    // dimension drops out of the composite, whose weights renormalise over the rest.
    auto pct = [&](Metric m) {
        return k.is_known(m) && h.has_signal(series_of(m)) ? h.percentile(series_of(m), k.key[int(m)]) : unknown;
    };
    // Usage: breadth, depth and regularity weigh equally, those without signal in the base left
    // out (unknown when none has any).
    double usage = 0;
    int usage_metrics = 0;
    for (Metric m : {Metric::usage_breadth, Metric::usage_depth, Metric::usage_regularity}) {
        if (!h.has_signal(series_of(m))) continue;
        usage += pct(m);
        ++usage_metrics;
    }
    s.dimension[int(Dimension::usage)] = usage_metrics > 0 ? usage / usage_metrics : unknown;
    s.dimension[int(Dimension::sentiment)] = pct(Metric::sentiment);
    s.dimension[int(Dimension::involvement)] = pct(Metric::involvement);
    s.dimension[int(Dimension::advocacy)] = pct(Metric::advocacy);
    s.dimension[int(Dimension::competitive)] = pct(Metric::share_of_wallet);
    // Composite: weighted mean over the dimensions that are known for this customer.
    double sum = 0, weight = 0;
    for (int d = 0; d < kDimensions; ++d) {
        if (std::isnan(s.dimension[d])) continue;
        sum += cfg.dimension_weight[d] * s.dimension[d];
        weight += cfg.dimension_weight[d];
    }
    s.composite = weight > 0 ? sum / weight : 0.0;
    if (s.composite >= cfg.fully_engaged_min) s.tier = Tier::fully_engaged;
    else if (s.composite >= cfg.engaged_min) s.tier = Tier::engaged;
    else if (ev.negative && ev.falling) s.tier = Tier::actively_disengaged;
    else s.tier = Tier::not_engaged;
    return s;
}

}  // namespace engage::kernels
