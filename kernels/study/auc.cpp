#include "study/auc.hpp"

#include <boost/math/distributions/normal.hpp>

#include <algorithm>

namespace engage::kernels {

AucResult auc_from_histograms(std::span<const std::int64_t> positives, std::span<const std::int64_t> negatives) {
    __extension__ typedef __int128 Int128;
    AucResult r;
    const std::size_t keys = std::min(positives.size(), negatives.size());
    for (std::size_t k = 0; k < keys; ++k) {
        r.positives += positives[k];
        r.negatives += negatives[k];
    }
    if (r.positives == 0 || r.negatives == 0) return r;
    // Twice the U statistic, exactly: sum over positives of 2 * (negatives below) + (negatives equal).
    Int128 twice_u = 0;
    std::int64_t below = 0;
    for (std::size_t k = 0; k < keys; ++k) {
        twice_u += Int128(positives[k]) * (2 * below + negatives[k]);
        below += negatives[k];
    }
    const long double n1 = r.positives, n0 = r.negatives;
    const long double auc = static_cast<long double>(twice_u) / (2.0L * n1 * n0);
    r.auc = double(auc);
    if (r.positives < 2 || r.negatives < 2) return r;
    // Placements by key: positives see the negatives below, negatives the positives above.
    long double s10 = 0, s01 = 0;
    std::int64_t neg_below = 0, pos_above = r.positives;
    for (std::size_t k = 0; k < keys; ++k) {
        pos_above -= positives[k];
        const long double v10 = (neg_below + 0.5L * negatives[k]) / n0;
        const long double v01 = (pos_above + 0.5L * positives[k]) / n1;
        s10 += positives[k] * (v10 - auc) * (v10 - auc);
        s01 += negatives[k] * (v01 - auc) * (v01 - auc);
        neg_below += negatives[k];
    }
    s10 /= n1 - 1;
    s01 /= n0 - 1;
    r.se = double(std::sqrt(s10 / n1 + s01 / n0));
    const double z = boost::math::quantile(boost::math::normal(), 0.975);
    r.ci_low = std::max(0.0, r.auc - z * r.se);
    r.ci_high = std::min(1.0, r.auc + z * r.se);
    return r;
}

}  // namespace engage::kernels
