#include "study/rank_partition.hpp"

#include <algorithm>
#include <stdexcept>

namespace engage::kernels {

RankPartition::RankPartition(const CorrelationGrid& grid, int max_refinements, std::uint32_t max_cells)
    : grid_(&grid),
      max_refinements_(max_refinements),
      max_cells_(std::max(max_cells, std::uint32_t(grid.keys()))),
      bounds_(std::size_t(grid.variables())),
      key_of_(std::size_t(grid.variables())),
      start_(std::size_t(grid.variables())) {}

std::uint32_t RankPartition::cell_in_key(int v, std::uint32_t key, std::uint64_t order) const noexcept {
    // Cell start[key] + i of the key holds the order keys in (bound i - 1, bound i].
    const auto& b = bounds_[v];
    const auto& start = start_[v];
    return std::uint32_t(std::lower_bound(b.begin() + start[key], b.begin() + start[key + 1], order) - b.begin());
}

void RankPartition::index(int v) {
    // The key of a bound: that of any value with this order key, i.e. of the cell's values.
    // Bounds are sorted and keys are non-decreasing in the value, so each key's bounds are a run.
    auto& start = start_[v];
    const auto& b = bounds_[v];
    start.assign(std::size_t(grid_->keys()) + 1, std::uint32_t(b.size()));
    for (std::size_t k = 0; k < b.size(); ++k) {
        const std::uint32_t key = key_of_[v][k];
        start[key] = std::min(start[key], std::uint32_t(k));
    }
    for (std::size_t key = start.size() - 1; key-- > 0;) start[key] = std::min(start[key], start[key + 1]);
}

bool RankPartition::refine(const std::vector<std::vector<CellSpan>>& spans) {
    if (refinements_ >= max_refinements_) return false;
    bool changed = false;
    for (int v = 0; v < grid_->variables(); ++v) {
        const auto& s = spans[std::size_t(v)];
        if (s.size() != cells(v)) throw std::invalid_argument("correlations: cell totals of another partition");
        // The cells holding different values, largest first (then in order: deterministic).
        std::vector<std::uint32_t> mixed;
        std::int64_t mixed_customers = 0;
        for (std::uint32_t c = 0; c < s.size(); ++c)
            if (s[c].count > 1 && s[c].least < s[c].greatest) {
                mixed.push_back(c);
                mixed_customers += s[c].count;
            }
        std::stable_sort(mixed.begin(), mixed.end(), [&](auto a, auto b) { return s[a].count > s[b].count; });
        // Each gets pieces in proportion to its customers, so that the pieces hold about as many
        // customers as each other: the error of a cell grows with the cube of its count. A level
        // spends half the cells left, so that later levels can still split what it left mixed
        // (a value many customers share, next to a few others).
        const std::int64_t budget = (std::int64_t(max_cells_) - std::int64_t(cells(v)) + 1) / 2;
        std::int64_t left = budget;
        std::vector<std::uint64_t> added;
        std::vector<std::uint32_t> added_keys;
        for (const std::uint32_t c : mixed) {
            if (left < 2) break;
            const std::int64_t share = (s[c].count * budget + mixed_customers - 1) / mixed_customers;
            const std::int64_t pieces = std::min<std::int64_t>({std::max<std::int64_t>(2, share),
                                                                s[c].count, kMaxPieces, left});
            // Bounds least + (greatest - least) t / (pieces - 1), t = 0 .. pieces - 2, and
            // greatest - 1: all in the cell, the least and the greatest value each alone in a
            // piece (often a value many customers share: P(alive) = 1); distinct ones only.
            const std::uint64_t lo = s[c].least, width = s[c].greatest - s[c].least;
            const std::uint64_t n = std::uint64_t(pieces - 1);
            std::uint64_t previous = 0;
            for (std::uint64_t t = 0; t <= n; ++t) {
                // No overflow: n < 4096.
                const std::uint64_t b = t < n ? lo + width / n * t + width % n * t / n : s[c].greatest - 1;
                if (t > 0 && b <= previous) continue;
                added.push_back(b);
                added_keys.push_back(key_of_cell(v, c));
                previous = b;
                --left;
            }
        }
        if (added.empty()) continue;
        changed = true;
        // Merge into the sorted bounds, with their keys.
        std::vector<std::pair<std::uint64_t, std::uint32_t>> all;
        for (std::size_t k = 0; k < bounds_[v].size(); ++k) all.emplace_back(bounds_[v][k], key_of_[v][k]);
        for (std::size_t k = 0; k < added.size(); ++k) all.emplace_back(added[k], added_keys[k]);
        std::sort(all.begin(), all.end());
        bounds_[v].clear();
        key_of_[v].clear();
        for (const auto& [b, key] : all) {
            bounds_[v].push_back(b);
            key_of_[v].push_back(key);
        }
        index(v);
    }
    if (changed) ++refinements_;
    return changed;
}

std::uint32_t RankPartition::key_of_cell(int v, std::uint32_t c) const noexcept {
    // Cell c is key + start[key] + i for its key: the largest key with key + start[key] <= c.
    const auto& start = start_[v];
    if (start.empty()) return c;
    std::uint32_t lo = 0, hi = std::uint32_t(grid_->keys()) - 1;
    while (lo < hi) {
        const std::uint32_t mid = (lo + hi + 1) / 2;
        if (mid + start[mid] <= c) lo = mid;
        else hi = mid - 1;
    }
    return lo;
}

std::vector<std::int64_t> RankPartition::words() const {
    std::vector<std::int64_t> w{refinements_};
    for (int v = 0; v < grid_->variables(); ++v) {
        w.push_back(std::int64_t(bounds_[v].size()));
        for (std::size_t k = 0; k < bounds_[v].size(); ++k) {
            w.push_back(std::int64_t(bounds_[v][k]));
            w.push_back(std::int64_t(key_of_[v][k]));
        }
    }
    return w;
}

void RankPartition::restore(std::span<const std::int64_t> words) {
    auto fail = [] { throw std::invalid_argument("correlations: a rank partition's words do not fit its grid"); };
    std::size_t at = 0;
    auto next = [&] {
        if (at >= words.size()) fail();
        return words[at++];
    };
    refinements_ = int(next());
    for (int v = 0; v < grid_->variables(); ++v) {
        const std::int64_t n = next();
        if (n < 0 || std::uint64_t(n) > max_cells_) fail();
        bounds_[v].clear();
        key_of_[v].clear();
        for (std::int64_t k = 0; k < n; ++k) {
            bounds_[v].push_back(std::uint64_t(next()));
            const std::int64_t key = next();
            if (key < 0 || key >= grid_->keys()) fail();
            key_of_[v].push_back(std::uint32_t(key));
        }
        if (n > 0) index(v);
        else start_[v].clear();
    }
    if (at != words.size()) fail();
}

}  // namespace engage::kernels
