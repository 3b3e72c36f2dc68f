#pragma once
// DeLong's paired test of two AUCs on the same customers (DeLong, DeLong & Clarke-Pearson 1988,
// Biometrics 44:837-845; docs/metrics.md, "Baselines"), from the all-reduced key histograms of
// each predictor and one further sweep over the customers.
//
// For predictor A, a positive's placement V10_A = (negatives below its key + half the negatives
// at it) / n0 and a negative's V01_A = (positives above + half equal) / n1; their means are AUC_A.
// With S10_AB = sum over positives of (V10_A - AUC_A)(V10_B - AUC_B) / (n1 - 1) and S01_AB the
// same over negatives,
//   Var(AUC_A - AUC_B) = (S10_AA + S10_BB - 2 S10_AB) / n1 + (S01_AA + S01_BB - 2 S01_AB) / n0,
// z = (AUC_A - AUC_B) / sqrt(Var), p = 2 (1 - Phi(|z|)). The products are summed exactly
// (kernels/stats/exact_sum.hpp), so the test is the same bits for any number of ranks.
#include <cstdint>
#include <span>
#include <vector>

#include "stats/exact_sum.hpp"
#include "study/auc.hpp"

namespace engage::kernels {

// One predictor's placements by key, from its histograms (positives[k], negatives[k]).
class PlacementTable {
public:
    PlacementTable() = default;
    PlacementTable(std::span<const std::int64_t> positives, std::span<const std::int64_t> negatives);
    const AucResult& auc() const noexcept { return auc_; }
    // V10 - AUC of a positive, V01 - AUC of a negative, at `key`.
    double positive(std::size_t key) const noexcept { return positive_[key]; }
    double negative(std::size_t key) const noexcept { return negative_[key]; }

private:
    AucResult auc_;
    std::vector<double> positive_, negative_;
};

// The exact sums of the products of centred placements, per class, for every pair of
// `predictors` predictors (i <= j).
class PairedAucSums {
public:
    explicit PairedAucSums(int predictors);
    int predictors() const noexcept { return k_; }
    // One customer: its key under each predictor (tables and keys in the same order).
    void add(std::span<const PlacementTable> tables, std::span<const std::uint16_t> keys, bool positive) noexcept;
    std::span<std::int64_t> sum_words() noexcept { return sums_.sum_words(); }
    std::span<std::int64_t> max_words() noexcept { return {}; }
    // sum of products of centred placements of predictors i and j over the class.
    double products(bool positive, int i, int j) const noexcept { return sums_.value(index(positive, i, j)); }

private:
    std::size_t index(bool positive, int i, int j) const noexcept;
    int k_;
    ExactSums sums_;
};

struct PairedAucResult {
    double difference = std::nan("");  // AUC_A - AUC_B
    double se = std::nan("");
    double ci_low = std::nan(""), ci_high = std::nan("");  // 95 %, normal
    double z = std::nan("");
    double p = std::nan("");           // two-sided
};

// The test of predictor a against predictor b (indices into the tables the sums were made with).
PairedAucResult paired_auc_test(const PairedAucSums& sums, std::span<const PlacementTable> tables, int a, int b);

}  // namespace engage::kernels
