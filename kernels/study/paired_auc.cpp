#include "study/paired_auc.hpp"

#include <algorithm>
#include <cmath>

namespace engage::kernels {

PlacementTable::PlacementTable(std::span<const std::int64_t> positives, std::span<const std::int64_t> negatives)
    : auc_(auc_from_histograms(positives, negatives)) {
    const std::size_t keys = std::min(positives.size(), negatives.size());
    positive_.assign(keys, 0.0);
    negative_.assign(keys, 0.0);
    if (auc_.positives == 0 || auc_.negatives == 0) return;
    // Twice the placement numerators are integers: 2 x below + equal (positives: negatives below
    // the key; negatives: positives above it).
    const double n1 = double(auc_.positives), n0 = double(auc_.negatives);
    std::int64_t neg_below = 0, pos_above = auc_.positives;
    for (std::size_t k = 0; k < keys; ++k) {
        pos_above -= positives[k];
        positive_[k] = double(2 * neg_below + negatives[k]) / (2.0 * n0) - auc_.auc;
        negative_[k] = double(2 * pos_above + positives[k]) / (2.0 * n1) - auc_.auc;
        neg_below += negatives[k];
    }
}

PairedAucSums::PairedAucSums(int predictors)
    : k_(predictors), sums_(std::size_t(2 * predictors * (predictors + 1) / 2)) {}

std::size_t PairedAucSums::index(bool positive, int i, int j) const noexcept {
    if (i > j) std::swap(i, j);
    const int pairs = k_ * (k_ + 1) / 2;
    return std::size_t((positive ? 0 : pairs) + i * k_ - i * (i - 1) / 2 + (j - i));
}

void PairedAucSums::add(std::span<const PlacementTable> tables, std::span<const std::uint16_t> keys,
                        bool positive) noexcept {
    double v[16];
    for (int i = 0; i < k_; ++i) {
        const auto& t = tables[std::size_t(i)];
        v[i] = positive ? t.positive(keys[std::size_t(i)]) : t.negative(keys[std::size_t(i)]);
    }
    for (int i = 0; i < k_; ++i)
        for (int j = i; j < k_; ++j) sums_.add(index(positive, i, j), v[i] * v[j]);
}

PairedAucResult paired_auc_test(const PairedAucSums& sums, std::span<const PlacementTable> tables, int a, int b) {
    PairedAucResult r;
    const AucResult& A = tables[std::size_t(a)].auc();
    const AucResult& B = tables[std::size_t(b)].auc();
    if (!std::isfinite(A.auc) || !std::isfinite(B.auc)) return r;
    r.difference = A.auc - B.auc;
    const std::int64_t n1 = A.positives, n0 = A.negatives;
    if (n1 < 2 || n0 < 2) return r;
    auto s = [&](bool positive, int i, int j) {
        return sums.products(positive, i, j) / double((positive ? n1 : n0) - 1);
    };
    const double var = (s(true, a, a) + s(true, b, b) - 2 * s(true, a, b)) / double(n1) +
                       (s(false, a, a) + s(false, b, b) - 2 * s(false, a, b)) / double(n0);
    r.se = std::sqrt(std::max(0.0, var));
    constexpr double z975 = 1.959963984540054;  // the normal's 97.5 % quantile
    r.ci_low = r.difference - z975 * r.se;
    r.ci_high = r.difference + z975 * r.se;
    if (r.se > 0) {
        r.z = r.difference / r.se;
        r.p = std::erfc(std::fabs(r.z) / std::sqrt(2.0));
    } else if (r.difference == 0) {
        r.z = 0;
        r.p = 1;  // identical rankings
    }
    return r;
}

}  // namespace engage::kernels
