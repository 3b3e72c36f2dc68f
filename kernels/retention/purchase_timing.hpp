#pragma once
// A customer's purchase days up to the calibration end as the regularity estimate reads them
// (kernels/retention/regularity.hpp): distinct days, in order, from the shard's interactions.
#include "features/feature_pass.hpp"
#include "retention/regularity.hpp"

namespace engage::kernels {

inline PurchaseTimingState purchase_timing(const ShardView& v, std::size_t k, const ChannelKinds& kinds,
                                           Day calibration_end) noexcept {
    PurchaseTimingState s;
    for (std::size_t i = v.offsets[k]; i < v.offsets[k + 1]; ++i) {
        const Event e = make_event(v, i, kinds);
        if (e.kind == ChannelKind::purchase && e.day <= calibration_end) PurchaseTimingKernel::update(s, double(e.day));
    }
    return s;
}

}  // namespace engage::kernels
