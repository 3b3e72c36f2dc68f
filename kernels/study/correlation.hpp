#pragma once
// Pearson and Spearman correlation matrices between V variables, for G overlapping groups of
// customers, with pairwise deletion (each pair uses the customers who know both values),
// Fisher-z intervals and small-cell suppression. Every state is integer words merged by sums
// or maxima, so the cells are the same bits for any split of the customers over ranks and
// threads. Formulas and sources: docs/metrics.md, "Correlations (issue 5)".
//
// Three passes over the same customers with the same values (the caller all-reduces between):
//   CorrelationRanges ranges(spec);      ranges.add(values, groups) ...   allreduce (MAX)
//   CorrelationGrid grid(ranges);
//   CorrelationMoments moments(grid);    moments.add(values, groups) ...  allreduce (SUM)
//   RankTables ranks = moments.take_rank_tables();
//   RankMoments rank_moments(ranks);     rank_moments.add(values, groups) ... allreduce (SUM)
//   CorrelationResult result(moments, rank_moments);
// The grid and the rank tables must outlive the states built on them. Thread-local states merge
// with combine(); each CorrelationMoments holds its own rank histograms (see memory_bytes()).
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "stats/rank_correlation.hpp"
#include "study/correlation_grid.hpp"

namespace engage::kernels {

enum class CorrelationMethod { pearson, spearman };

class RankTables;

// Pass 2: per group and pair i <= j, the exact moments of the moment values of the customers
// who know both; per group, the rank-key histograms laid out by the grid. Sum words only.
class CorrelationMoments {
public:
    explicit CorrelationMoments(const CorrelationGrid& grid);

    // The customer's V values (NaN = unknown) and distinct groups, as in pass 1. Throws
    // std::invalid_argument on a wrong span size, a group out of range, or a value that pass 1
    // did not see (outside its variable's range, or known where pass 1 saw none in the group).
    void add(std::span<const double> values, std::span<const int> groups);
    void combine(const CorrelationMoments& other) noexcept;

    // The rank histograms (while not taken), then the moments.
    std::span<std::int64_t> sum_words() noexcept { return words_; }
    std::span<std::int64_t> max_words() noexcept { return {}; }
    std::size_t memory_bytes() const noexcept { return words_.size() * sizeof(std::int64_t); }

    // After the all-reduce: moves the histograms out into twice-midrank tables. sum_words() then
    // holds only the Pearson moments (already reduced: do not reduce them again).
    RankTables take_rank_tables();

    const CorrelationGrid& grid() const noexcept { return *grid_; }
    // Moments of the pair (i, j), i <= j (i == j: the known values of i, twice).
    MomentWords::ConstWords pair(int g, int i, int j) const noexcept;

private:
    const CorrelationGrid* grid_;
    std::size_t histogram_words_;
    std::vector<std::int64_t> words_;
};

// Twice the mid-rank (2 x below + equal, an integer) of every key in every rank histogram.
class RankTables {
public:
    const CorrelationGrid& grid() const noexcept { return *grid_; }
    // The twice-midranks of `key` in the histograms of block (g, i), one per grid.conditions(g, i).
    const std::int64_t* row(int g, int i, std::uint32_t key) const noexcept {
        return table_.data() + grid_->block(g, i) + std::size_t(key) * grid_->conditions(g, i).size();
    }
    std::size_t memory_bytes() const noexcept { return table_.size() * sizeof(std::int64_t); }

private:
    friend class CorrelationMoments;
    RankTables(const CorrelationGrid& grid, std::vector<std::int64_t> counts);
    const CorrelationGrid* grid_;
    std::vector<std::int64_t> table_;
};

// Pass 3: per group and pair i < j, the exact moments of the twice-midranks of the customers
// who know both, each ranked among those customers. Sum words only.
class RankMoments {
public:
    explicit RankMoments(const RankTables& tables);
    void add(std::span<const double> values, std::span<const int> groups);  // as in pass 2
    void combine(const RankMoments& other) noexcept;
    std::span<std::int64_t> sum_words() noexcept { return words_; }
    std::span<std::int64_t> max_words() noexcept { return {}; }
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
};

class CorrelationResult {
public:
    // From the all-reduced moments of passes 2 and 3.
    CorrelationResult(const CorrelationMoments& moments, const RankMoments& rank_moments);
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
// Wright 2000). NaN bounds when r is NaN or n < 4; [r, r] when |r| = 1.
FisherInterval fisher_interval(double r, std::int64_t n, CorrelationMethod method,
                               double confidence = 0.95);

}  // namespace engage::kernels
