#pragma once
// The cells that Spearman's ranks are counted in (kernels/study/correlation.hpp), per variable:
// at first one per rank key of the grid (kernels/study/correlation_grid.hpp), then refined where
// a cell turns out to hold different values. Customers in one cell share one mid-rank, which is
// exact when the cell holds one value and off by at most half the cell's count otherwise; so a
// cell holding different values (27 % of P(alive)'s customers shared one key of 1,024, 0.12 off
// the exact rho, issue 12) is split along the exact values' order, and the counting repeats,
// until every cell holds one value (exact mid-ranks) or the budget of levels or cells is spent
// (then the error has a bound, kernels/study/rank_histograms.hpp). Every rank derives the same
// cells from the same all-reduced words. Formulas: docs/metrics.md, "Exact ranks".
#include <bit>
#include <cstdint>
#include <span>
#include <vector>

#include "study/correlation_grid.hpp"

namespace engage::kernels {

// A bijection of the doubles (but -0 = +0 and NaN) onto uint64 that keeps their order.
inline std::uint64_t order_key(double x) noexcept {
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x == 0.0 ? 0.0 : x);
    return (bits >> 63) ? ~bits : bits | (std::uint64_t(1) << 63);
}

// A cell's reduced totals, as refine() reads them: customers, and the least and greatest order
// key among them (least > greatest when empty).
struct CellSpan {
    std::int64_t count;
    std::uint64_t least, greatest;
};

class RankPartition {
public:
    // One cell per rank key. At most `max_refinements` refine() calls change it, and no variable
    // gets more than `max_cells` cells (at least grid.keys()).
    RankPartition(const CorrelationGrid& grid, int max_refinements, std::uint32_t max_cells);

    const CorrelationGrid& grid() const noexcept { return *grid_; }
    int refinements() const noexcept { return refinements_; }
    std::uint32_t cells(int v) const noexcept { return std::uint32_t(grid_->keys() + bounds_[v].size()); }
    std::uint32_t max_cells() const noexcept { return max_cells_; }

    // The cell of a known value x of variable v (the cells follow the order of the values).
    std::uint32_t cell(int v, double x) const noexcept {
        const std::uint32_t key = grid_->rank_key(v, x);
        const std::vector<std::uint32_t>& start = start_[v];
        if (start.empty() || start[key] == start[key + 1]) return key + (start.empty() ? 0 : start[key]);
        return key + cell_in_key(v, key, order_key(x));
    }

    // Splits each cell of every variable that holds different values (spans[v][c], the reduced
    // totals of cell c of variable v on this partition), largest first, into pieces along the
    // order keys, as far as the budgets allow. False when nothing was split: every cell holds one
    // value, or a budget is spent. Deterministic: the same words give the same cells.
    bool refine(const std::vector<std::vector<CellSpan>>& spans);

    // For a checkpoint: the refinements, then per variable its bounds and their keys; and back.
    std::vector<std::int64_t> words() const;
    void restore(std::span<const std::int64_t> words);

private:
    // At most this many pieces per split cell and level.
    static constexpr std::int64_t kMaxPieces = 4096;
    std::uint32_t cell_in_key(int v, std::uint32_t key, std::uint64_t order) const noexcept;
    std::uint32_t key_of_cell(int v, std::uint32_t c) const noexcept;
    void index(int v);

    const CorrelationGrid* grid_;
    int max_refinements_, refinements_ = 0;
    std::uint32_t max_cells_;
    // Per variable: the sorted upper bounds (order keys) that split the keys' cells, the key of
    // each, and per key the first of its bounds (keys + 1 entries; empty while it has none).
    std::vector<std::vector<std::uint64_t>> bounds_;
    std::vector<std::vector<std::uint32_t>> key_of_;
    std::vector<std::vector<std::uint32_t>> start_;
};

}  // namespace engage::kernels
