#include "study/rank_histograms.hpp"

#include <bit>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace engage::kernels {

namespace {

constexpr std::uint64_t kSign = std::uint64_t(1) << 63;

// Per (g, i) block: cells(i) x F words, in group-major order.
std::vector<std::size_t> blocks(const RankPartition& p) {
    const CorrelationGrid& grid = p.grid();
    std::vector<std::size_t> begin(std::size_t(grid.groups()) * grid.variables() + 1, 0);
    for (int g = 0; g < grid.groups(); ++g)
        for (int i = 0; i < grid.variables(); ++i) {
            const std::size_t at = std::size_t(g) * grid.variables() + i;
            begin[at + 1] = begin[at] + std::size_t(p.cells(i)) * grid.conditions(g, i).size();
        }
    return begin;
}

}  // namespace

RankHistograms::RankHistograms(const RankPartition& partition)
    : partition_(&partition), block_begin_(blocks(partition)) {
    const int V = partition.grid().variables();
    span_begin_.assign(std::size_t(V) + 1, 0);
    for (int v = 0; v < V; ++v) span_begin_[v + 1] = span_begin_[v] + partition.cells(v);
    sums_.assign(block_begin_.back() + span_begin_.back(), 0);
    maxima_.assign(2 * span_begin_.back(), INT64_MIN);
}

void RankHistograms::add(std::span<const double> values, std::span<const int> groups) {
    const CorrelationGrid& grid = partition_->grid();
    const std::uint64_t known = grid.check(values, groups);
    if (groups.empty()) return;
    std::uint32_t cell[64];
    for (std::uint64_t bits = known; bits != 0; bits &= bits - 1) {
        const int v = std::countr_zero(bits);
        cell[v] = partition_->cell(v, values[v]);
        const std::size_t at = span_begin_[v] + cell[v];
        ++sums_[block_begin_.back() + at];
        const std::int64_t s = std::int64_t(order_key(values[v]) ^ kSign);
        maxima_[2 * at] = std::max(maxima_[2 * at], s);
        maxima_[2 * at + 1] = std::max(maxima_[2 * at + 1], ~s);
    }
    for (const int g : groups)
        for (std::uint64_t bits = known; bits != 0; bits &= bits - 1) {
            const int i = std::countr_zero(bits);
            const auto conditions = grid.conditions(g, i);
            std::int64_t* row = sums_.data() + block(g, i) + std::size_t(cell[i]) * conditions.size();
            for (std::size_t f = 0; f < conditions.size(); ++f)
                if (conditions[f] < 0 || ((known >> conditions[f]) & 1u)) ++row[f];
        }
}

void RankHistograms::combine(const RankHistograms& other) noexcept {
    for (std::size_t k = 0; k < sums_.size(); ++k) sums_[k] += other.sums_[k];
    for (std::size_t k = 0; k < maxima_.size(); ++k) maxima_[k] = std::max(maxima_[k], other.maxima_[k]);
}

std::vector<std::vector<CellSpan>> RankHistograms::spans() const {
    const int V = partition_->grid().variables();
    std::vector<std::vector<CellSpan>> out(static_cast<std::size_t>(V));
    for (int v = 0; v < V; ++v)
        for (std::size_t at = span_begin_[v]; at < span_begin_[v + 1]; ++at)
            out[std::size_t(v)].push_back({sums_[block_begin_.back() + at],
                                           std::uint64_t(~maxima_[2 * at + 1]) ^ kSign,
                                           std::uint64_t(maxima_[2 * at]) ^ kSign});
    return out;
}

// ---- the tables ----

void RankTables::index() {
    const CorrelationGrid& grid = partition_->grid();
    block_begin_ = blocks(*partition_);
    angle_begin_.assign(std::size_t(grid.groups()) * grid.variables() + 1, 0);
    for (std::size_t at = 0; at + 1 < angle_begin_.size(); ++at)
        angle_begin_[at + 1] =
            angle_begin_[at] + grid.conditions(int(at / grid.variables()), int(at % grid.variables())).size();
}

RankTables::RankTables(RankHistograms&& reduced) : partition_(reduced.partition_) {
    index();
    const CorrelationGrid& grid = partition_->grid();
    const auto spans = reduced.spans();
    table_ = std::move(reduced.sums_);
    table_.resize(block_begin_.back());
    angle_.assign(angle_begin_.back(), 0.0);
    // In place: count -> 2 x (customers in earlier cells) + (customers in this cell). Along the
    // way, per histogram: with n its customers, the sum of squares of the twice-midranks about
    // their mean n (S), and the most that the customers' exact twice-midranks can differ from
    // their cell's, in squares: c (c^2 - 1) / 3 for a cell of c customers holding different
    // values (D; the cell's values all distinct is the worst case). The exact vector is the
    // cells' one plus a part orthogonal to every vector constant on cells (it sums to zero in
    // each cell), of squared length at most D: the angle between them is at most
    // asin(sqrt(D / (S + D))).
    std::vector<std::int64_t> below;
    std::vector<long double> s, d;
    for (int g = 0; g < grid.groups(); ++g)
        for (int i = 0; i < grid.variables(); ++i) {
            const std::size_t F = grid.conditions(g, i).size();
            if (F == 0) continue;
            const auto& cells = spans[std::size_t(i)];
            std::int64_t* at = table_.data() + block_begin_[std::size_t(g) * grid.variables() + i];
            std::vector<std::int64_t> n(F, 0);
            for (std::size_t c = 0; c < cells.size(); ++c)
                for (std::size_t f = 0; f < F; ++f) n[f] += at[c * F + f];
            below.assign(F, 0);
            s.assign(F, 0.0L);
            d.assign(F, 0.0L);
            for (std::size_t c = 0; c < cells.size(); ++c, at += F) {
                const bool mixed = cells[c].least < cells[c].greatest;
                for (std::size_t f = 0; f < F; ++f) {
                    const std::int64_t equal = at[f];
                    at[f] = 2 * below[f] + equal;
                    below[f] += equal;
                    const long double e = static_cast<long double>(equal);
                    const long double dev = static_cast<long double>(at[f] - n[f]);
                    s[f] += e * dev * dev;
                    if (mixed) d[f] += e * (e * e - 1.0L) / 3.0L;
                }
            }
            for (std::size_t f = 0; f < F; ++f)
                if (d[f] > 0)
                    angle_[angle_begin_[std::size_t(g) * grid.variables() + i] + f] =
                        double(std::asin(std::sqrt(d[f] / (s[f] + d[f]))));
        }
}

RankTables::RankTables(const RankPartition& partition, std::span<const std::int64_t> words)
    : partition_(&partition) {
    index();
    if (words.size() != block_begin_.back() + angle_begin_.back())
        throw std::invalid_argument("correlations: rank tables' words do not fit their partition");
    table_.assign(words.begin(), words.begin() + std::ptrdiff_t(block_begin_.back()));
    angle_.resize(angle_begin_.back());
    for (std::size_t k = 0; k < angle_.size(); ++k)
        angle_[k] = std::bit_cast<double>(words[block_begin_.back() + k]);
}

std::vector<std::int64_t> RankTables::words() const {
    std::vector<std::int64_t> w(table_);
    for (const double a : angle_) w.push_back(std::bit_cast<std::int64_t>(a));
    return w;
}

}  // namespace engage::kernels
