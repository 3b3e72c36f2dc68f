#include "study/correlation.hpp"

#include <boost/math/distributions/normal.hpp>

#include <array>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

#include "study/pearson_tails.hpp"

namespace engage::kernels {

namespace {

// Pairs i <= j (with the diagonal) and i < j (without), numbered row by row.
std::size_t pairs_with_diagonal(int V) { return std::size_t(V) * (V + 1) / 2; }
std::size_t pairs_off_diagonal(int V) { return std::size_t(V) * (V - 1) / 2; }
std::size_t pair_with_diagonal(int V, int i, int j) {
    return std::size_t(i) * V - std::size_t(i) * (i - 1) / 2 + std::size_t(j - i);
}
std::size_t pair_off_diagonal(int V, int i, int j) {
    return std::size_t(i) * (V - 1) - std::size_t(i) * (i - 1) / 2 + std::size_t(j - i - 1);
}

void add_words(std::vector<std::int64_t>& into, const std::vector<std::int64_t>& from) noexcept {
    for (std::size_t k = 0; k < into.size(); ++k) into[k] += from[k];
}

// `inflation`: n Var(r) over (1 - r^2)^2, 1 under a bivariate normal (Pearson's without the
// fourth moments).
FisherInterval interval_with_z(double r, std::int64_t n, CorrelationMethod method, double z, double inflation = 1.0) {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    if (std::isnan(r) || n < 4 || std::isnan(inflation)) return {nan, nan};
    if (r >= 1.0 || r <= -1.0) return {r, r};
    const double variance = (method == CorrelationMethod::pearson ? inflation : 1.0 + r * r / 2.0) / double(n - 3);
    const double centre = std::atanh(r), half = z * std::sqrt(variance);
    return {std::tanh(centre - half), std::tanh(centre + half)};
}

}  // namespace

// ---- pass 2 ----

CorrelationMoments::CorrelationMoments(const CorrelationGrid& grid)
    : grid_(&grid),
      words_(std::size_t(grid.groups()) * pairs_with_diagonal(grid.variables()) * MomentWords::kWords, 0) {}

void CorrelationMoments::add(std::span<const double> values, std::span<const int> groups) {
    const std::uint64_t known = grid_->check(values, groups);
    const int V = grid_->variables();
    std::array<std::int64_t, 64> value;
    for (std::uint64_t bits = known; bits != 0; bits &= bits - 1) {
        const int v = std::countr_zero(bits);
        value[v] = grid_->moment_value(v, values[v]);
    }
    for (const int g : groups) {
        std::int64_t* moments = words_.data() + std::size_t(g) * pairs_with_diagonal(V) * MomentWords::kWords;
        for (std::uint64_t bits_i = known; bits_i != 0; bits_i &= bits_i - 1) {
            const int i = std::countr_zero(bits_i);
            for (std::uint64_t bits_j = bits_i; bits_j != 0; bits_j &= bits_j - 1) {
                const int j = std::countr_zero(bits_j);
                MomentWords::add(MomentWords::Words(moments + pair_with_diagonal(V, i, j) * MomentWords::kWords,
                                                    MomentWords::kWords),
                                 value[i], value[j]);
            }
        }
    }
}

void CorrelationMoments::combine(const CorrelationMoments& other) noexcept { add_words(words_, other.words_); }

MomentWords::ConstWords CorrelationMoments::pair(int g, int i, int j) const noexcept {
    const int V = grid_->variables();
    return MomentWords::ConstWords(
        words_.data() + (std::size_t(g) * pairs_with_diagonal(V) + pair_with_diagonal(V, i, j)) * MomentWords::kWords,
        MomentWords::kWords);
}

// ---- the rank pass ----

RankMoments::RankMoments(const RankTables& tables)
    : tables_(&tables),
      words_(std::size_t(tables.grid().groups()) * pairs_off_diagonal(tables.grid().variables()) *
                 MomentWords::kWords,
             0) {}

void RankMoments::add(std::span<const double> values, std::span<const int> groups) {
    const CorrelationGrid& grid = tables_->grid();
    const std::uint64_t known = grid.check(values, groups);
    const int V = grid.variables();
    std::array<std::uint32_t, 64> cell;
    for (std::uint64_t bits = known; bits != 0; bits &= bits - 1) {
        const int v = std::countr_zero(bits);
        cell[v] = tables_->partition().cell(v, values[v]);
    }
    for (const int g : groups) {
        std::int64_t* moments = words_.data() + std::size_t(g) * pairs_off_diagonal(V) * MomentWords::kWords;
        std::array<const std::int64_t*, 64> row;
        for (std::uint64_t bits = known; bits != 0; bits &= bits - 1) {
            const int i = std::countr_zero(bits);
            row[i] = tables_->row(g, i, cell[i]);
        }
        for (std::uint64_t bits_i = known; bits_i != 0; bits_i &= bits_i - 1) {
            const int i = std::countr_zero(bits_i);
            for (std::uint64_t bits_j = bits_i & (bits_i - 1); bits_j != 0; bits_j &= bits_j - 1) {
                const int j = std::countr_zero(bits_j);
                // Each variable ranked among the group's customers who know the other one.
                const std::int64_t x = row[i][grid.feed(g, i, j)];
                const std::int64_t y = row[j][grid.feed(g, j, i)];
                MomentWords::add(MomentWords::Words(moments + pair_off_diagonal(V, i, j) * MomentWords::kWords,
                                                    MomentWords::kWords),
                                 x, y);
            }
        }
    }
}

void RankMoments::combine(const RankMoments& other) noexcept { add_words(words_, other.words_); }

MomentWords::ConstWords RankMoments::pair(int g, int i, int j) const noexcept {
    const int V = tables_->grid().variables();
    return MomentWords::ConstWords(
        words_.data() + (std::size_t(g) * pairs_off_diagonal(V) + pair_off_diagonal(V, i, j)) * MomentWords::kWords,
        MomentWords::kWords);
}

// ---- results ----

CorrelationResult::CorrelationResult(const CorrelationMoments& moments, const RankMoments& rank_moments,
                                     const PearsonTails* tails)
    : variables_(moments.grid().variables()), groups_(moments.grid().groups()) {
    const CorrelationGrid& grid = moments.grid();
    const CorrelationSpec& spec = grid.spec();
    const double z = normal_quantile_two_sided(spec.confidence);
    const std::size_t per_method = std::size_t(groups_) * variables_ * variables_;
    cells_.resize(2 * per_method);
    for (int g = 0; g < groups_; ++g) {
        for (int i = 0; i < variables_; ++i) {
            for (int j = i; j < variables_; ++j) {
                const auto w = moments.pair(g, i, j);
                const auto m = MomentWords::co_moments(w);
                const std::int64_t n = w[0];
                for (const auto method : {CorrelationMethod::pearson, CorrelationMethod::spearman}) {
                    CorrelationCell c;
                    c.n = n;
                    if (n < spec.min_group_size) {
                        c.suppressed = true;
                    } else if (i == j) {
                        if (n >= 2 && m.var_x > 0) c.r = 1.0;
                    } else {
                        c.r = method == CorrelationMethod::pearson ? MomentWords::r(w)
                                                                   : MomentWords::r(rank_moments.pair(g, i, j));
                    }
                    if (method == CorrelationMethod::spearman && !std::isnan(c.r))
                        c.rank_error = i == j ? 0.0
                                              : std::min(2.0, rank_moments.tables().angle(g, i, grid.feed(g, i, j)) +
                                                                  rank_moments.tables().angle(g, j, grid.feed(g, j, i)));
                    if (!c.suppressed) {
                        double inflation = 1.0;
                        if (tails && method == CorrelationMethod::pearson && i != j && !std::isnan(c.r))
                            inflation = c.r * c.r >= 1.0 ? 1.0
                                                         : tails->variance_n(g, i, j) / ((1.0 - c.r * c.r) * (1.0 - c.r * c.r));
                        const FisherInterval ci = interval_with_z(c.r, n, method, z, inflation);
                        c.ci_low = ci.low;
                        c.ci_high = ci.high;
                    }
                    const std::size_t base = std::size_t(method) * per_method + std::size_t(g) * variables_ * variables_;
                    cells_[base + std::size_t(i) * variables_ + j] = c;
                    cells_[base + std::size_t(j) * variables_ + i] = c;
                }
            }
        }
    }
}

double normal_quantile_two_sided(double confidence) {
    if (!(confidence > 0.0 && confidence < 1.0))
        throw std::invalid_argument("correlations: confidence " + std::to_string(confidence) +
                                    ", expected strictly between 0 and 1");
    return boost::math::quantile(boost::math::normal_distribution<double>(), 0.5 + confidence / 2.0);
}

FisherInterval fisher_interval(double r, std::int64_t n, CorrelationMethod method, double confidence) {
    return interval_with_z(r, n, method, normal_quantile_two_sided(confidence));
}

}  // namespace engage::kernels
