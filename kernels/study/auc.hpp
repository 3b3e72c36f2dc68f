#pragma once
// The area under the ROC curve of a score, with DeLong's variance, from the integer histograms
// of the score's keys in the two classes (docs/metrics.md, "Backtests"). The histograms are
// all-reduced exactly, so the AUC is the same bits for any number of ranks.
//
// AUC = P(key of a positive > key of a negative) + P(equal keys) / 2 (the Mann-Whitney U / n1 n0).
// DeLong, DeLong & Clarke-Pearson (1988): each positive's placement V10 = (negatives below its key
// + half the negatives at its key) / n0, each negative's V01 = (positives above + half equal) / n1;
// Var(AUC) = S10 / n1 + S01 / n0 with S10, S01 the sample variances of the placements. Customers
// with equal keys share a placement, so the sums run over keys, not customers.
#include <cmath>
#include <cstdint>
#include <span>

namespace engage::kernels {

struct AucResult {
    std::int64_t positives = 0, negatives = 0;
    double auc = std::nan("");      // undefined without both classes
    double se = std::nan("");       // undefined with fewer than two of either class
    double ci_low = std::nan(""), ci_high = std::nan("");  // 95 %, normal, clipped to [0, 1]
};

// positives[k], negatives[k]: customers of each class with key k (the same length).
AucResult auc_from_histograms(std::span<const std::int64_t> positives, std::span<const std::int64_t> negatives);

}  // namespace engage::kernels
