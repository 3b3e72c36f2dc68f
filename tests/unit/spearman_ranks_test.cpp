// Spearman on exact mid-ranks (kernels/study/rank_partition.hpp, rank_histograms.hpp): rank keys
// refined where a cell holds different values, against scipy and the sort-based reference, with
// the stated error bound when refinement is capped; the order keys and the checkpoint of cells.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <memory>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

#include "correlation_harness.hpp"
#include "study/correlation.hpp"

namespace engage::kernels {
namespace {

using namespace test;

TEST(Correlation, HeavyTailedColumnRanksExactly) {
    // Revenue-like: log-normal with sigma 2.5 (values from about 1e-4 to 1e4), against a column
    // that depends on its logarithm.
    std::mt19937_64 rng(3);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::vector<double> revenue, other;
    for (int c = 0; c < 2000; ++c) {
        const double z = normal(rng);
        revenue.push_back(100.0 * std::exp(2.5 * z));
        other.push_back(z + normal(rng));
    }
    const Data d = one_group({revenue, other});
    CorrelationSpec spec = spec_of(2, 1);
    const auto res = run(spec, d);
    const double rho = reference::spearman(revenue, other);
    // The keys' cells holding different values are split until each holds one value.
    EXPECT_NEAR(res.cell(Method::spearman, 0, 0, 1).r, rho, 1e-12);
    EXPECT_EQ(res.cell(Method::spearman, 0, 0, 1).rank_error, 0.0);
    // Pearson's moments use the values in steps of 2^(s - 20), here 2^-10 (the largest value is
    // about 2e6 < 2^21, and the shifted values must stay below 2^31).
    EXPECT_GT(*std::max_element(revenue.begin(), revenue.end()), 0x1p20);
    EXPECT_EQ(CorrelationGrid(ranges_of(spec, d)).value_step(0), std::ldexp(1.0, -10));
    EXPECT_NEAR(res.cell(Method::pearson, 0, 0, 1).r, reference::pearson(revenue, other), 1e-7);
    EXPECT_TRUE(std::isnan(res.cell(Method::pearson, 0, 0, 1).rank_error));
    // The grid alone (no refinement): values within one key (0.39 % with 12 key bits) tie, a
    // small difference (1.5e-5); 64 keys differ by 0.016. The stated bound holds.
    spec.refinements = 0;
    for (const int bits : {12, 6}) {
        spec.key_bits = bits;
        const auto grid = run(spec, d).cell(Method::spearman, 0, 0, 1);
        EXPECT_GT(std::fabs(grid.r - rho), bits == 12 ? 1e-6 : 1e-3);
        EXPECT_LE(std::fabs(grid.r - rho), grid.rank_error);
    }
    // 64 keys and at most 256 cells for 2,000 values: not exact, but within the stated bound,
    // and far closer than the grid alone.
    spec.refinements = 4;
    const auto small = run(spec, d).cell(Method::spearman, 0, 0, 1);
    EXPECT_GT(small.rank_error, 0.0);
    EXPECT_LE(std::fabs(small.r - rho), small.rank_error);
    EXPECT_LT(small.rank_error, 0.05);  // 0.038
}

TEST(Correlation, SpearmanIsExactWhenAKeyHoldsDifferentValues) {
    // Issue 12: P(alive)-like values crowding below 1, where a key of the grid spans 0.014: the
    // six values 0.9951 .. 0.9956 share one key. scipy.stats.spearmanr(x, y) (scipy 1.10) gives
    // 0.39579745461116567; with the six tied (the grid alone) it gives 0.5534886180850067.
    const std::vector<double> x{0.10, 0.20, 0.30, 0.50, 0.9951, 0.9952, 0.9953, 0.9954, 0.9955, 0.9956, 1.0, 1.0};
    const std::vector<double> y{3, 1, 2, 4, 12, 11, 10, 9, 8, 7, 5, 6};
    const Data d = one_group({x, y});
    CorrelationSpec spec = spec_of(2, 1);
    spec.key_bits = 10;
    const auto cell = run(spec, d).cell(Method::spearman, 0, 0, 1);
    EXPECT_NEAR(cell.r, 0.39579745461116567, 1e-12);
    EXPECT_NEAR(cell.r, reference::spearman(x, y), 1e-12);
    EXPECT_EQ(cell.rank_error, 0.0);
    spec.refinements = 0;
    const auto grid = run(spec, d).cell(Method::spearman, 0, 0, 1);
    EXPECT_NEAR(grid.r, 0.5534886180850067, 1e-12);
    EXPECT_LE(std::fabs(grid.r - 0.39579745461116567), grid.rank_error);

    // At scale: 30 % of the customers between 0.995 and 1 (a tenth of them exactly 1: true ties),
    // the others spread over [0, 0.99]; y follows x's order within the crowd. The grid alone is
    // off by far more than 0.005. The job's 4,096 cells cannot hold 5,000 distinct values: the
    // refined cells are within their stated bound (7.2e-4; off by 1.3e-5), at any split over
    // ranks; 16,384 cells are exact.
    std::mt19937_64 rng(12);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::vector<double> p, q;
    for (int c = 0; c < 5000; ++c) {
        const double u = unit(rng);
        if (unit(rng) < 0.3) {
            p.push_back(unit(rng) < 0.1 ? 1.0 : 0.995 + 0.005 * u);
            q.push_back(10.0 * u + 0.1 * normal(rng));
        } else {
            p.push_back(0.99 * u);
            q.push_back(5.0 * unit(rng));
        }
    }
    const Data big = one_group({p, q});
    const double rho = reference::spearman(p, q);
    spec.refinements = 0;
    EXPECT_GT(std::fabs(run(spec, big).cell(Method::spearman, 0, 0, 1).r - rho), 0.005);
    spec.refinements = 4;
    const auto bounded = run(spec, big).cell(Method::spearman, 0, 0, 1);
    EXPECT_GT(bounded.rank_error, 0.0);
    EXPECT_LE(bounded.rank_error, 0.005);
    EXPECT_LE(std::fabs(bounded.r - rho), bounded.rank_error);
    std::vector<int> part(p.size());
    for (std::size_t c = 0; c < part.size(); ++c) part[c] = int(c % 3);
    const auto split = run(spec, big, 3, part).cell(Method::spearman, 0, 0, 1);
    EXPECT_TRUE(same_bits(split.r, bounded.r));
    EXPECT_TRUE(same_bits(split.rank_error, bounded.rank_error));
    spec.cells_per_key = 16;
    const auto exact = run(spec, big).cell(Method::spearman, 0, 0, 1);
    EXPECT_NEAR(exact.r, rho, 1e-12);
    EXPECT_EQ(exact.rank_error, 0.0);
}

TEST(RankPartition, OrderKeysKeepTheOrderOfTheDoubles) {
    const std::vector<double> xs{-INFINITY, -1e300, -1.0, -1e-300, -0.0, 0.0, 1e-300, 0.5, 0.5000000000000001, 1.0, 1e300, INFINITY};
    for (std::size_t k = 0; k + 1 < xs.size(); ++k)
        if (xs[k] == xs[k + 1]) EXPECT_EQ(order_key(xs[k]), order_key(xs[k + 1]));
        else EXPECT_LT(order_key(xs[k]), order_key(xs[k + 1])) << xs[k];
}

TEST(RankPartition, CheckpointWordsRestoreTheCells) {
    CorrelationRanges ranges(spec_of(1, 1));
    std::vector<double> xs;
    for (int k = 0; k < 50; ++k) xs.push_back(0.99 + 0.0001 * k);
    xs.push_back(0.0);
    const std::vector<int> g{0};
    for (const double x : xs) ranges.add(std::vector<double>{x}, g);
    const CorrelationGrid grid(ranges);
    RankPartition cells(grid, 4, 4 * 4096);
    RankHistograms h(cells);
    for (const double x : xs) h.add(std::vector<double>{x}, g);
    ASSERT_TRUE(cells.refine(h.spans()));
    EXPECT_GT(cells.cells(0), 4096u);
    RankPartition again(grid, 4, 4 * 4096);
    again.restore(cells.words());
    EXPECT_EQ(again.cells(0), cells.cells(0));
    for (const double x : xs) EXPECT_EQ(again.cell(0, x), cells.cell(0, x));
    // Non-decreasing in the value; the least and greatest of the split cells alone in theirs.
    for (std::size_t k = 1; k + 1 < xs.size(); ++k) EXPECT_LE(cells.cell(0, xs[k - 1]), cells.cell(0, xs[k]));
    EXPECT_LT(cells.cell(0, xs[48]), cells.cell(0, xs[49]));
}

TEST(Correlation, RankKeysAreMonotoneAndSeparateValuesOneStepApart) {
    CorrelationRanges ranges(spec_of(1, 1));
    const std::vector<int> g{0};
    for (const double x : {0.0, 1.0e6}) ranges.add(std::vector<double>{x}, g);
    const CorrelationGrid grid(ranges);
    EXPECT_EQ(grid.keys(), 4096);
    const double step = grid.key_step(0);
    EXPECT_GT(step, 1e6 * std::ldexp(1.0, -23));
    EXPECT_LE(step, 1e6 * std::ldexp(1.0, -22));
    std::uint32_t previous = 0;
    for (double x = 0.0; x <= 1.0e6; x = x * 1.001 + step / 3) {
        const std::uint32_t k = grid.rank_key(0, x);
        EXPECT_GE(k, previous);
        EXPECT_LT(k, 4096u);
        previous = k;
        // One linear step or 2^-8 relative above it: never the same key.
        const double apart = std::max(step, std::ldexp(x, -8)) * 1.0001;
        if (x + apart <= 1.0e6) {
            EXPECT_LT(k, grid.rank_key(0, x + apart)) << x;
        }
    }
    EXPECT_EQ(grid.rank_key(0, 0.0), 0u);
    EXPECT_GT(grid.rank_key(0, 1.0e6), grid.rank_key(0, 0.99e6));
}

}  // namespace
}  // namespace engage::kernels
