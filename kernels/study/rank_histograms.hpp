#pragma once
// Spearman's rank histograms on a RankPartition (kernels/study/rank_partition.hpp), and the
// twice-midrank tables made from them once all-reduced. Per group g and variable i the grid's
// F = conditions(g, i).size() histograms (pairwise deletion, kernels/study/correlation_grid.hpp)
// count the customers per cell, cell-major so that a customer's F counts share a cache line or
// two; per variable and cell, over all customers, the count and the least and greatest order key
// tell the partition which cells hold different values. Integer words merged by sums and maxima.
#include <cstdint>
#include <span>
#include <vector>

#include "study/rank_partition.hpp"

namespace engage::kernels {

class RankHistograms {
public:
    explicit RankHistograms(const RankPartition& partition);

    // A customer as in CorrelationMoments::add (same checks).
    void add(std::span<const double> values, std::span<const int> groups);
    void combine(const RankHistograms& other) noexcept;
    std::span<std::int64_t> sum_words() noexcept { return sums_; }
    std::span<std::int64_t> max_words() noexcept { return maxima_; }
    std::size_t memory_bytes() const noexcept { return (sums_.size() + maxima_.size()) * sizeof(std::int64_t); }

    const RankPartition& partition() const noexcept { return *partition_; }
    // After the all-reduce: per variable and cell, its customers and least and greatest order key.
    std::vector<std::vector<CellSpan>> spans() const;
    // Word of block (g, i), cell c, histogram f: block(g, i) + c * F + f.
    std::size_t block(int g, int i) const noexcept { return block_begin_[std::size_t(g) * partition_->grid().variables() + i]; }
    std::size_t histogram_words() const noexcept { return block_begin_.back(); }

private:
    friend class RankTables;
    std::size_t span_at(int v) const noexcept { return span_begin_[v]; }
    const RankPartition* partition_;
    std::vector<std::size_t> block_begin_;  // G x V + 1
    std::vector<std::size_t> span_begin_;   // V + 1: per variable its cells' words
    // The histograms, then per variable and cell its customers.
    std::vector<std::int64_t> sums_;
    // Per variable and cell: max of the signed order key, max of its complement.
    std::vector<std::int64_t> maxima_;
};

// Twice the mid-rank (2 x below + equal, an integer) of every cell in every histogram, and per
// histogram a bound on what sharing a mid-rank in a cell that holds different values can change
// a correlation by (docs/metrics.md, "Exact ranks"): 0 when every cell holds one value.
class RankTables {
public:
    // From all-reduced histograms (moved: the tables reuse their memory).
    explicit RankTables(RankHistograms&& reduced);
    // From a checkpoint's words().
    RankTables(const RankPartition& partition, std::span<const std::int64_t> words);

    const CorrelationGrid& grid() const noexcept { return partition_->grid(); }
    const RankPartition& partition() const noexcept { return *partition_; }
    // The twice-midranks of `cell` in the histograms of block (g, i), one per grid.conditions(g, i).
    const std::int64_t* row(int g, int i, std::uint32_t cell) const noexcept {
        return table_.data() + block_begin_[std::size_t(g) * grid().variables() + i] +
               std::size_t(cell) * grid().conditions(g, i).size();
    }
    // The angle (radians) between the vector of the customers' exact mid-ranks and that of their
    // cells' mid-ranks, at most, for histogram f of block (g, i). A correlation of two rankings
    // is off by at most the sum of their angles.
    double angle(int g, int i, int f) const noexcept {
        return angle_[angle_begin_[std::size_t(g) * grid().variables() + i] + std::size_t(f)];
    }
    std::size_t memory_bytes() const noexcept { return table_.size() * sizeof(std::int64_t); }
    // For a checkpoint: the tables, the angles' bits.
    std::vector<std::int64_t> words() const;

private:
    void index();
    const RankPartition* partition_;
    std::vector<std::size_t> block_begin_, angle_begin_;
    std::vector<std::int64_t> table_;
    std::vector<double> angle_;
};

}  // namespace engage::kernels
