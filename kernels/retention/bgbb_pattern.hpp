#pragma once
// A customer's purchases as the BG/BB model sees them (Fader, Hardie & Shang 2010): discrete
// transaction opportunities of `period_days` days, laid back to back so that the last one ends
// on the calibration end (day c): opportunity k of a customer is the period after its k-th
// period boundary following the period of its first purchase, the trial (opportunity 0, not
// counted). A period with one purchase or several is one transaction. The holdout's periods
// follow the calibration end: (c, c + P], (c + P, c + 2P], ...; the periods are the same for
// every customer (a yearly donation drive, a monthly subscription bill), not counted from each
// customer's own first day, so a customer acquired in the last period has n = 0.
#include <cstdint>

#include "features/feature_pass.hpp"
#include "retention/bg_bb.hpp"

namespace engage::kernels {

struct PeriodGrid {
    Day calibration_end = 0;        // the last day of the last calibration period
    std::int32_t period_days = 0;   // P > 0
    std::int32_t holdout_periods = 0;  // whole periods in the holdout (c, holdout end]
};

// The calibration pattern (x, t_x, n), the holdout periods with a purchase and which of the
// first 64 they are (bit k - 1 for holdout period k); `calibrated` false (and the rest 0)
// without a purchase by day c.
struct BgbbHistory {
    bool calibrated = false;
    BgbbSummary summary{0, 0, 0};
    std::int32_t holdout_transactions = 0;
    std::uint64_t holdout_mask = 0;
};

// Whole periods between day d <= c and the calibration end: 0 for (c - P, c], 1 before it, ...
inline std::int32_t periods_before_end(Day d, const PeriodGrid& g) noexcept {
    return std::int32_t((g.calibration_end - d) / g.period_days);
}

// Customer k of the shard, from its purchases (ChannelKind::purchase), in time order.
inline BgbbHistory bgbb_history(const ShardView& v, std::size_t k, const ChannelKinds& kinds,
                                const PeriodGrid& g) noexcept {
    BgbbHistory h;
    std::int32_t trial_back = -1;  // periods_before_end of the first purchase
    std::int32_t last_opportunity = 0;
    std::int64_t last_holdout = 0;
    for (std::size_t i = v.offsets[k]; i < v.offsets[k + 1]; ++i) {
        const Event e = make_event(v, i, kinds);
        if (e.kind != ChannelKind::purchase) continue;
        if (e.day <= g.calibration_end) {
            const std::int32_t back = periods_before_end(e.day, g);
            if (trial_back < 0) {
                trial_back = back;
                continue;
            }
            const std::int32_t opportunity = trial_back - back;  // 0: the trial period again
            if (opportunity > last_opportunity) {
                ++h.summary.x;
                last_opportunity = opportunity;
            }
        } else if (trial_back >= 0) {
            const std::int64_t period = (e.day - g.calibration_end - 1) / g.period_days + 1;
            if (period > g.holdout_periods || period == last_holdout) continue;
            last_holdout = period;
            ++h.holdout_transactions;
            if (period <= 64) h.holdout_mask |= std::uint64_t(1) << (period - 1);
        }
    }
    if (trial_back < 0) return h;
    h.calibrated = true;
    h.summary.t_x = last_opportunity;
    h.summary.n = trial_back;
    return h;
}

}  // namespace engage::kernels
