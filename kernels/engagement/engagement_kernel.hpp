#pragma once
// The engagement signals of a customer (docs/metrics.md, "Engagement model"), folded in the
// same pass as the other features at two dates at once: the as-of date and one trend period
// earlier. Weighted sums are kept in fixed point (units of 2^-32) as 64-bit integers, so that
// they are exact and combine in any order to the same bits.
#include <bit>
#include <cmath>
#include <limits>
#include <vector>

#include "engagement/engagement_config.hpp"
#include "features/event.hpp"
#include "stats/round.hpp"

namespace engage::kernels {

// Fixed-point weights: 2^32 units per interaction of weight 1.
constexpr double kWeightUnit = 4294967296.0;

// The weight of an interaction of kind k and age a days (0 .. window_days - 1), in fixed
// point: kind weight x 0.5^(a / half-life), at index k * window_days + a. Computed once per run
// so that the fold does integer additions only.
inline std::vector<std::int64_t> engagement_weights(const EngagementConfig& m, Day window_days) {
    std::vector<std::int64_t> w(std::size_t(kChannelKinds) * std::size_t(window_days));
    for (int k = 0; k < kChannelKinds; ++k)
        for (Day a = 0; a < window_days; ++a)
            w[std::size_t(k) * std::size_t(window_days) + std::size_t(a)] =
                std::llround(m.kind_weight[k] * std::exp2(-double(a) / m.half_life_days) * kWeightUnit);
    return w;
}

// What one date needs of the events up to it.
struct SignalAccumulator {
    std::uint32_t usage_channels = 0;  // bit c: channel c (feeding usage) used in the window
    std::int64_t usage_depth = 0, involvement = 0, advocacy = 0;  // fixed point
    std::int64_t sentiment_sum = 0, sentiment_weight = 0;        // fixed point
    std::int64_t spend_cents = 0;      // purchases in the window
    Day first_active = kNoDay, last_active = kNoDay;
    std::uint32_t active_days = 0;     // distinct days with an interaction, up to the date
    std::int8_t last_nps = -1;
    std::uint32_t complaints = 0;
    std::uint32_t recent = 0, earlier = 0;  // interactions in the last and the previous trend period

    // Sentiment signal of one interaction in [-1, 1] (docs/metrics.md): NPS class of a survey
    // answer, a review's stars around 3, -1 for a complaint.
    static double sentiment_signal(const Event& e) noexcept {
        const double v = double(e.hundredths) / 100.0;
        switch (e.kind) {
        case ChannelKind::survey: return v >= 9 ? 1.0 : (v >= 7 ? 0.0 : -1.0);
        case ChannelKind::review: return std::fmax(-1.0, std::fmin(1.0, (v - 3.0) / 2.0));
        case ChannelKind::complaint: return -1.0;
        default: return 0.0;
        }
    }

    // One interaction (in time order, on or before as_of). `weights` is the weight row of the
    // interaction's kind by age in days; `feeds` the kind's dimension bits.
    void add(const Event& e, Day as_of, Day window_start, const std::int64_t* weights, std::uint8_t feeds,
             std::int32_t trend) noexcept {
        if (last_active != e.day) {
            if (active_days == 0) first_active = e.day;
            ++active_days;
            last_active = e.day;
        }
        const Day age = as_of - e.day;
        recent += age < trend;
        earlier += age >= trend && age < 2 * trend;
        if (e.day < window_start) return;
        credit(e, as_of, window_start, weights, feeds);
        switch (e.kind) {
        case ChannelKind::purchase: spend_cents += e.hundredths; break;
        case ChannelKind::survey: last_nps = std::int8_t(round_half_away(double(e.hundredths) / 100.0)); break;
        case ChannelKind::complaint: ++complaints; break;
        default: break;
        }
    }

    // The interaction's weight in the dimensions it feeds (`weights`: a kind's row by age).
    void credit(const Event& e, Day as_of, Day window_start, const std::int64_t* weights, std::uint8_t feeds) noexcept {
        if (e.day < window_start) return;
        const std::int64_t w = weights[as_of - e.day];
        constexpr auto bit = EngagementConfig::bit;
        if (feeds & bit(Dimension::usage)) {
            usage_channels |= 1u << e.channel;
            usage_depth += w;
        }
        if (feeds & bit(Dimension::involvement)) involvement += w;
        if (feeds & bit(Dimension::advocacy)) advocacy += w;
        if (feeds & bit(Dimension::sentiment)) {
            sentiment_sum += round_half_away(double(w) * sentiment_signal(e));
            sentiment_weight += w;
        }
    }

    void append(const SignalAccumulator& later) noexcept {
        usage_channels |= later.usage_channels;
        usage_depth += later.usage_depth;
        involvement += later.involvement;
        advocacy += later.advocacy;
        sentiment_sum += later.sentiment_sum;
        sentiment_weight += later.sentiment_weight;
        spend_cents += later.spend_cents;
        if (later.active_days > 0) {
            if (active_days == 0) first_active = later.first_active;
            active_days += later.active_days - (later.first_active == last_active ? 1u : 0u);
            last_active = later.last_active;
        }
        if (later.last_nps >= 0) last_nps = later.last_nps;
        complaints += later.complaints;
        recent += later.recent;
        earlier += later.earlier;
    }

    EngagementSignals finalize(Day as_of, Day window_start, const FeatureContext& c) const noexcept {
        constexpr double unknown = std::numeric_limits<double>::quiet_NaN();
        EngagementSignals s;
        s.acquired = c.acquisition_day <= as_of;
        s.usage_breadth = double(std::popcount(usage_channels));
        s.usage_depth = double(usage_depth) / kWeightUnit;
        // Regularity against the customer's own cadence: overdue ratio = days since the last
        // interaction / usual gap between active days. A customer seen on one day only has no
        // cadence yet: it is expected back within one trend period.
        const double window_days = double(as_of - window_start + 1);
        if (active_days > 0) {
            const double usual_gap = active_days >= 2
                                         ? double(last_active - first_active) / double(active_days - 1)
                                         : double(c.engagement->trend_days);
            const double overdue = double(as_of - last_active) / std::fmax(usual_gap, 1.0);
            s.usage_regularity = overdue <= 1.0 ? 1.0 : 1.0 / overdue;
        }
        s.sentiment = sentiment_weight > 0 ? double(sentiment_sum) / double(sentiment_weight) : unknown;
        s.involvement = double(involvement) / kWeightUnit;
        s.advocacy = double(advocacy) / kWeightUnit;
        s.share_of_wallet = std::isnan(c.wallet) || c.wallet <= 0
                                ? unknown
                                : std::fmax(0.0, std::fmin(1.0, double(spend_cents) / 100.0 * (365.0 / window_days) / c.wallet));
        s.last_nps = last_nps;
        s.complaints = complaints;
        s.falling = recent < earlier;
        return s;
    }
};

struct EngagementKernel {
    struct State {
        SignalAccumulator now, previous;
    };
    // The company's interactions are not the customer's engagement; an offer counts once the
    // customer takes it up: the customer's interaction that answers it counts, besides as
    // itself, as one interaction of kind offer (its weight and dimensions) on its own day.
    static void update(State& s, const Event& e, const FeatureContext& c) noexcept {
        if (!c.engagement || company_kind(e.kind)) return;
        const EngagementConfig& m = *c.engagement;
        const std::ptrdiff_t window_days = c.as_of - c.window_start + 1;
        const std::int64_t* weights = c.weights + std::ptrdiff_t(int(e.kind)) * window_days;
        const std::uint8_t feeds = m.dimensions_of_kind[int(e.kind)];
        const bool response = e.answers == ChannelKind::offer;
        const std::int64_t* offer_weights = c.weights + std::ptrdiff_t(int(ChannelKind::offer)) * window_days;
        const std::uint8_t offer_feeds = m.dimensions_of_kind[int(ChannelKind::offer)];
        s.now.add(e, c.as_of, c.window_start, weights, feeds, m.trend_days);
        if (response) s.now.credit(e, c.as_of, c.window_start, offer_weights, offer_feeds);
        if (e.day <= c.previous_as_of) {
            s.previous.add(e, c.previous_as_of, c.previous_window_start, weights, feeds, m.trend_days);
            if (response) s.previous.credit(e, c.previous_as_of, c.previous_window_start, offer_weights, offer_feeds);
        }
    }
    static void combine(State& into, const State& later) noexcept {
        into.now.append(later.now);
        into.previous.append(later.previous);
    }
    static void finalize(const State& s, const FeatureContext& c, CustomerFeatures& out) noexcept {
        if (!c.engagement) return;
        out.engagement_now = s.now.finalize(c.as_of, c.window_start, c);
        out.engagement_previous = s.previous.finalize(c.previous_as_of, c.previous_window_start, c);
    }
};

}  // namespace engage::kernels
