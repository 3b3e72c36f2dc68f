#include "retention/regularity.hpp"

#include <cmath>
#include <limits>

namespace engage::kernels {

void PurchaseTimingKernel::update(State& s, double t) noexcept {
    if (s.distinct == 0) {
        s.first = t;
    } else {
        if (t == s.last[0]) return;  // same time: one purchase occasion
        s.litt += std::log(t - s.last[0]);
    }
    s.last[2] = s.last[1];
    s.last[1] = s.last[0];
    s.last[0] = t;
    ++s.distinct;
}

void PurchaseTimingKernel::combine(State& into, const State& later) noexcept {
    if (later.distinct == 0) return;
    if (into.distinct == 0) {
        into = later;
        return;
    }
    // Replaying the later part's retained times gives the same last[] and the gap that joins the
    // two parts; its inner gaps are already in later.litt.
    const bool joined = later.first != into.last[0];
    const double join_gap = later.first - into.last[0];
    const std::int64_t total = into.distinct + later.distinct - (joined ? 0 : 1);
    const double litt = into.litt + later.litt + (joined ? std::log(join_gap) : 0.0);
    const std::int64_t keep = later.distinct < 3 ? later.distinct : 3;
    for (std::int64_t i = keep - 1; i >= 0; --i) update(into, later.last[i]);
    into.distinct = total;
    into.litt = litt;
}

void WheatMorrisonKernel::update(State& s, const PurchaseTimingState& c) noexcept {
    if (c.distinct < 3) return;
    const double t1 = c.last[1] - c.last[2], t2 = c.last[0] - c.last[1];
    const double m = t1 / (t1 + t2);
    s.squared_deviation.add((m - 0.5) * (m - 0.5));
    ++s.customers;
}

void WheatMorrisonKernel::combine(State& into, const State& from) noexcept {
    into.customers += from.customers;
    into.squared_deviation.combine(from.squared_deviation);
}

WheatMorrisonEstimate WheatMorrisonKernel::finalize(const State& s) noexcept {
    if (s.customers == 0) {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        return {0, nan, nan};
    }
    const double v = s.squared_deviation.value() / double(s.customers);
    return {s.customers, v, (1 - 4 * v) / (8 * v)};
}

}  // namespace engage::kernels
