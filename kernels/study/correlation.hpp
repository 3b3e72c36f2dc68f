#pragma once
// Pearson and Spearman correlation matrices between V variables, for G overlapping groups of
// customers, with pairwise deletion (each pair uses the customers who know both values),
// Fisher-z intervals and small-cell suppression. Every state is integer words merged by sums
// or maxima, so the cells are the same bits for any split of the customers over ranks and
// threads. Formulas and sources: docs/metrics.md, "Correlations (issue 5)".
//
// The passes over the same customers with the same values (the caller all-reduces between):
//   CorrelationRanges ranges(spec);      ranges.add(values, groups) ...      allreduce (MAX)
//   CorrelationGrid grid(ranges);
//   CorrelationMoments moments(grid);    moments.add(values, groups) ...     allreduce (SUM)
//   RankPartition cells(grid, spec.refinements, spec.cells_per_key * grid.keys());
//   do { RankHistograms h(cells);        h.add(values, groups) ...           allreduce (SUM, MAX)
//   } while (cells.refine(h.spans()));   // cells that held different values were split
//   RankTables ranks(std::move(h));
//   RankMoments rank_moments(ranks);     rank_moments.add(values, groups) ... allreduce (SUM)
//   CorrelationResult result(moments, rank_moments);
// The first histograms may be counted in the same pass as the moments. The grid, the partition
// and the rank tables must outlive the states built on them. Thread-local states merge with
// combine().
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "stats/rank_correlation.hpp"
#include "study/correlation_grid.hpp"
#include "study/rank_histograms.hpp"

namespace engage::kernels {

enum class CorrelationMethod { pearson, spearman };

// Pass 2: per group and pair i <= j, the exact moments of the moment values of the customers
// who know both. Sum words only.
class CorrelationMoments {
public:
    explicit CorrelationMoments(const CorrelationGrid& grid);

    // The customer's V values (NaN = unknown) and distinct groups, as in pass 1. Throws
    // std::invalid_argument as CorrelationGrid::check.
    void add(std::span<const double> values, std::span<const int> groups);
    void combine(const CorrelationMoments& other) noexcept;

    std::span<std::int64_t> sum_words() noexcept { return words_; }
    std::span<std::int64_t> max_words() noexcept { return {}; }
    std::size_t memory_bytes() const noexcept { return words_.size() * sizeof(std::int64_t); }

    const CorrelationGrid& grid() const noexcept { return *grid_; }
    // Moments of the pair (i, j), i <= j (i == j: the known values of i, twice).
    MomentWords::ConstWords pair(int g, int i, int j) const noexcept;

private:
    const CorrelationGrid* grid_;
    std::vector<std::int64_t> words_;
};

// The last pass: per group and pair i < j, the exact moments of the twice-midranks of the
// customers who know both, each ranked among those customers. Sum words only.
class RankMoments {
public:
    explicit RankMoments(const RankTables& tables);
    void add(std::span<const double> values, std::span<const int> groups);  // as in pass 2
    void combine(const RankMoments& other) noexcept;
    std::span<std::int64_t> sum_words() noexcept { return words_; }
    std::span<std::int64_t> max_words() noexcept { return {}; }
    const RankTables& tables() const noexcept { return *tables_; }
    MomentWords::ConstWords pair(int g, int i, int j) const noexcept;  // i < j

private:
    const RankTables* tables_;
    std::vector<std::int64_t> words_;
};

// A matrix cell. r, ci_low and ci_high are NaN when undefined (the report writes null):
// r when n < 2, when either column is constant among the n customers, or when suppressed; the
// interval also when n < 4.
struct CorrelationCell {
    std::int64_t n = 0;  // customers who know both values (reported even when suppressed)
    double r = std::numeric_limits<double>::quiet_NaN();
    double ci_low = std::numeric_limits<double>::quiet_NaN();
    double ci_high = std::numeric_limits<double>::quiet_NaN();
    bool suppressed = false;  // n < min_group_size
    // Spearman: at most this far from rho of the exact mid-ranks (0: exact; RankTables::angle).
    // NaN for Pearson and when r is.
    double rank_error = std::numeric_limits<double>::quiet_NaN();
};

class PearsonTails;

class CorrelationResult {
public:
    // From the all-reduced moments of passes 2 and 3 and, for Pearson intervals that hold
    // without normality, the all-reduced fourth moments of the rank pass (kernels/study/
    // pearson_tails.hpp; without them: Fisher's normal-theory interval).
    CorrelationResult(const CorrelationMoments& moments, const RankMoments& rank_moments,
                      const PearsonTails* tails = nullptr);
    int variables() const noexcept { return variables_; }
    int groups() const noexcept { return groups_; }
    // Symmetric in (i, j).
    const CorrelationCell& cell(CorrelationMethod m, int g, int i, int j) const noexcept {
        return cells_[((std::size_t(m) * groups_ + g) * variables_ + i) * variables_ + j];
    }

private:
    int variables_, groups_;
    std::vector<CorrelationCell> cells_;
};

struct FisherInterval {
    double low, high;
};

// The two-sided normal quantile z of a confidence level (1.959964 for 0.95), Boost.Math.
double normal_quantile_two_sided(double confidence);

// Fisher-z interval of a correlation r from n pairs: tanh(atanh r -+ z se), with
// se^2 = 1 / (n - 3) (Pearson; Fisher 1921) or (1 + r^2 / 2) / (n - 3) (Spearman; Bonett &
// Wright 2000). NaN bounds when r is NaN or n < 4; [r, r] when |r| = 1. The report's Pearson
// intervals replace 1 by n Var(r) / (1 - r^2)^2 from the fourth moments (PearsonTails).
FisherInterval fisher_interval(double r, std::int64_t n, CorrelationMethod method,
                               double confidence = 0.95);

}  // namespace engage::kernels
