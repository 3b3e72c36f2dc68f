// The correlation kernels (kernels/study/correlation.hpp) against hand-computed values and an
// independent, straightforward double-precision implementation (correlation_harness.hpp);
// exact Spearman ranks and their refinement: spearman_ranks_test.cpp.
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

// ---- tests ----

TEST(FisherInterval, MatchesHandComputedValues) {
    // z = 1.959964; atanh(0.5) = 0.549306; Pearson se = 1/sqrt(25) = 0.2:
    // tanh(0.549306 -+ 0.391993) = [0.156028, 0.735818].
    const auto p = fisher_interval(0.5, 28, Method::pearson);
    EXPECT_NEAR(p.low, 0.156028, 1e-6);
    EXPECT_NEAR(p.high, 0.735818, 1e-6);
    // Bonett-Wright: se = sqrt((1 + 0.125) / 25) = 0.212132: tanh(0.549306 -+ 0.415772).
    const auto s = fisher_interval(0.5, 28, Method::spearman);
    EXPECT_NEAR(s.low, 0.132747, 1e-6);
    EXPECT_NEAR(s.high, 0.746533, 1e-6);
    // A negative r: atanh(-0.3) = -0.309520, se = 1/sqrt(7).
    const auto q = fisher_interval(-0.3, 10, Method::pearson);
    EXPECT_NEAR(q.low, -0.781929, 1e-6);
    EXPECT_NEAR(q.high, 0.406388, 1e-6);
    EXPECT_NEAR(normal_quantile_two_sided(0.95), 1.959964, 1e-6);
    // A wider confidence gives a wider interval.
    const auto w = fisher_interval(0.5, 28, Method::pearson, 0.99);
    EXPECT_LT(w.low, p.low);
    EXPECT_GT(w.high, p.high);
}

TEST(FisherInterval, UndefinedBelowFourAndDegenerateAtPlusMinusOne) {
    EXPECT_TRUE(std::isnan(fisher_interval(0.5, 3, Method::pearson).low));
    EXPECT_TRUE(std::isnan(fisher_interval(0.5, 3, Method::spearman).high));
    EXPECT_FALSE(std::isnan(fisher_interval(0.5, 4, Method::pearson).low));
    EXPECT_TRUE(std::isnan(fisher_interval(kNaN, 100, Method::pearson).low));
    for (const double r : {1.0, -1.0}) {
        const auto ci = fisher_interval(r, 50, Method::spearman);
        EXPECT_EQ(ci.low, r);
        EXPECT_EQ(ci.high, r);
    }
    EXPECT_THROW(fisher_interval(0.5, 28, Method::pearson, 1.0), std::invalid_argument);
}

TEST(Correlation, HandComputedPearsonAndSpearmanWithTies) {
    // x = 1, 2, 2, 3, 4; y = 1, 3, 2, 5, 4.
    // Pearson: deviations of x -1.4, -0.4, -0.4, 0.6, 1.6 (sum of squares 5.2), of y -2, 0, -1, 2, 1
    // (10); co-moment 2.8 + 0 + 0.4 + 1.2 + 1.6 = 6: r = 6 / sqrt(52) = 0.832050.
    // Spearman: mid-ranks of x 1, 2.5, 2.5, 4, 5 (deviations -2, -0.5, -0.5, 1, 2: 9.5), of y
    // 1, 3, 2, 5, 4 (10); co-moment 4 + 0 + 0.5 + 2 + 2 = 8.5: rho = 8.5 / sqrt(95) = 0.872082.
    const Data d = one_group({{1, 2, 2, 3, 4}, {1, 3, 2, 5, 4}});
    const auto res = run(spec_of(2, 1), d);
    const auto& p = res.cell(Method::pearson, 0, 0, 1);
    const auto& s = res.cell(Method::spearman, 0, 1, 0);
    EXPECT_EQ(p.n, 5);
    EXPECT_NEAR(p.r, 6.0 / std::sqrt(52.0), 1e-14);
    EXPECT_NEAR(s.r, 8.5 / std::sqrt(95.0), 1e-14);
    EXPECT_NEAR(p.r, 0.832050, 1e-6);
    EXPECT_NEAR(s.r, 0.872082, 1e-6);
    // n = 5: the interval is defined, and contains r.
    EXPECT_LT(p.ci_low, p.r);
    EXPECT_GT(p.ci_high, p.r);
    // Diagonal.
    EXPECT_EQ(res.cell(Method::pearson, 0, 0, 0).r, 1.0);
    EXPECT_EQ(res.cell(Method::spearman, 0, 1, 1).r, 1.0);
    EXPECT_EQ(res.cell(Method::spearman, 0, 1, 1).ci_low, 1.0);
    EXPECT_FALSE(p.suppressed);
}

TEST(Correlation, ConstantColumnIsUndefined) {
    const Data d = one_group({{3, 3, 3, 3, 3, 3}, {1, 2, 3, 4, 5, 7}, {2, 1, 4, 3, 6, 5}});
    const auto res = run(spec_of(3, 1), d);
    for (const Method m : {Method::pearson, Method::spearman}) {
        EXPECT_EQ(res.cell(m, 0, 0, 1).n, 6);
        EXPECT_TRUE(std::isnan(res.cell(m, 0, 0, 1).r));
        EXPECT_TRUE(std::isnan(res.cell(m, 0, 2, 0).r));
        EXPECT_TRUE(std::isnan(res.cell(m, 0, 0, 1).ci_low));
        EXPECT_TRUE(std::isnan(res.cell(m, 0, 0, 0).r));  // the diagonal of a constant column
        EXPECT_EQ(res.cell(m, 0, 1, 1).r, 1.0);
        EXPECT_FALSE(std::isnan(res.cell(m, 0, 1, 2).r));
        EXPECT_FALSE(res.cell(m, 0, 0, 1).suppressed);
    }
    // A perfect monotone relation: Spearman 1 with a degenerate interval.
    const Data e = one_group({{1, 2, 3, 4, 5}, {1, 4, 9, 16, 25}});
    const CorrelationCell s = run(spec_of(2, 1), e).cell(Method::spearman, 0, 0, 1);
    EXPECT_EQ(s.r, 1.0);
    EXPECT_EQ(s.ci_low, 1.0);
    EXPECT_EQ(s.ci_high, 1.0);
    // One customer: undefined.
    EXPECT_TRUE(std::isnan(run(spec_of(2, 1), one_group({{1}, {2}})).cell(Method::pearson, 0, 0, 1).r));
}

TEST(Correlation, PairwiseDeletionRanksAmongTheCompletePairs) {
    // Hand case: x = 1, 2, NaN, 4, 5, 6; y = 2, NaN, 3, 1, 5, 4. Complete pairs: (1,2), (4,1),
    // (5,5), (6,4): x ranks 1, 2, 3, 4 and y ranks 2, 1, 4, 3 among them (not among all of y's
    // values, where 1 would rank 1 and 4 would rank 4 out of five), rho = 0.6.
    const Data h = one_group({{1, 2, kNaN, 4, 5, 6}, {2, kNaN, 3, 1, 5, 4}});
    const auto hres = run(spec_of(2, 1), h);
    EXPECT_EQ(hres.cell(Method::spearman, 0, 0, 1).n, 4);
    EXPECT_NEAR(hres.cell(Method::spearman, 0, 0, 1).r, 0.6, 1e-15);
    EXPECT_EQ(hres.cell(Method::pearson, 0, 0, 0).n, 5);
    EXPECT_EQ(hres.cell(Method::pearson, 0, 1, 1).n, 5);

    // Random, with ties and NaNs in three of five columns.
    const Data d = random_data(42, 400, 5, 1, 9, 1.0, 0.0, 0.25, {0, 2, 3});
    expect_matches_reference(run(spec_of(5, 1), d), d, 1e-12, 1e-12);
}

TEST(Correlation, NegativeValues) {
    const Data d = random_data(7, 300, 4, 1, 21, 0.25, -2.5, 0.1, {1});
    expect_matches_reference(run(spec_of(4, 1), d), d, 1e-12, 1e-12);
}

TEST(Correlation, GroupsOverlap) {
    // Every customer is in corporate (0), one business unit (1-2) and one cohort (3-5).
    std::mt19937_64 rng(11);
    Data d = random_data(5, 600, 3, 1, 12, 0.5, 0.0, 0.15, {0, 1});
    for (auto& g : d.groups) g = {0, 1 + int(rng() % 2), 3 + int(rng() % 3)};
    const auto res = run(spec_of(3, 6), d);
    expect_matches_reference(res, d, 1e-12, 1e-12);
    // A group's cells are those of its customers alone.
    std::int64_t units = 0;
    for (int g = 1; g <= 2; ++g) units += res.cell(Method::pearson, g, 2, 2).n;
    EXPECT_EQ(units, res.cell(Method::pearson, 0, 2, 2).n);
}

TEST(Correlation, SmallCellsAreSuppressed) {
    // Group 1 has 20 customers; in group 0 the pair (0, 1) has fewer complete pairs than 30.
    Data d = random_data(9, 100, 3, 1, 10, 1.0, 0.0, 0.0, {});
    for (int c = 0; c < 100; ++c) {
        if (c < 20) d.groups[c].push_back(1);
        if (c >= 25) d.values[c][0] = kNaN;  // only 25 customers know variable 0
    }
    CorrelationSpec spec = spec_of(3, 2);
    spec.min_group_size = 30;
    const auto res = run(spec, d);
    for (const Method m : {Method::pearson, Method::spearman}) {
        const auto& small = res.cell(m, 1, 1, 2);
        EXPECT_EQ(small.n, 20);
        EXPECT_TRUE(small.suppressed);
        EXPECT_TRUE(std::isnan(small.r));
        EXPECT_TRUE(std::isnan(small.ci_low));
        const auto& pair = res.cell(m, 0, 0, 1);
        EXPECT_EQ(pair.n, 25);
        EXPECT_TRUE(pair.suppressed);
        EXPECT_TRUE(std::isnan(pair.r));
        EXPECT_TRUE(res.cell(m, 0, 0, 0).suppressed);
        const auto& big = res.cell(m, 0, 1, 2);
        EXPECT_EQ(big.n, 100);
        EXPECT_FALSE(big.suppressed);
        EXPECT_FALSE(std::isnan(big.r));
    }
    // The same data without a minimum: nothing suppressed, same n.
    const auto all = run(spec_of(3, 2), d);
    EXPECT_FALSE(all.cell(Method::pearson, 1, 1, 2).suppressed);
    EXPECT_FALSE(std::isnan(all.cell(Method::pearson, 1, 1, 2).r));
}

TEST(Correlation, IdenticalBitsForAnySplitOfTheCustomers) {
    Data d = random_data(13, 900, 4, 5, 15, 0.5, -3.0, 0.2, {0, 3});
    // A heavy-tailed column, so that the value and key shifts are not zero.
    std::mt19937_64 rng(17);
    std::normal_distribution<double> normal(0.0, 2.0);
    for (auto& row : d.values)
        if (!std::isnan(row[1])) row[1] = std::exp(normal(rng)) * 1000.0;
    const CorrelationSpec spec = spec_of(4, 5);
    const auto one = run(spec, d);
    for (const int ranks : {2, 3}) {
        std::vector<int> contiguous(d.values.size()), interleaved(d.values.size());
        for (std::size_t c = 0; c < d.values.size(); ++c) {
            contiguous[c] = int(c * ranks / d.values.size());
            interleaved[c] = int((c * 7) % ranks);
        }
        for (const auto& part : {contiguous, interleaved}) {
            const auto split = run(spec, d, ranks, part);
            for (const Method m : {Method::pearson, Method::spearman})
                for (int g = 0; g < 5; ++g)
                    for (int i = 0; i < 4; ++i)
                        for (int j = 0; j < 4; ++j) {
                            const auto& a = one.cell(m, g, i, j);
                            const auto& b = split.cell(m, g, i, j);
                            EXPECT_EQ(a.n, b.n);
                            EXPECT_EQ(a.suppressed, b.suppressed);
                            EXPECT_TRUE(same_bits(a.r, b.r));
                            EXPECT_TRUE(same_bits(a.ci_low, b.ci_low));
                            EXPECT_TRUE(same_bits(a.ci_high, b.ci_high));
                        }
        }
    }
    // Thread-local states merged with combine() give the same words as one state.
    CorrelationRanges whole(spec), a(spec), b(spec);
    for (std::size_t c = 0; c < d.values.size(); ++c) {
        whole.add(d.values[c], d.groups[c]);
        (c % 2 ? a : b).add(d.values[c], d.groups[c]);
    }
    a.combine(b);
    EXPECT_TRUE(std::ranges::equal(a.max_words(), whole.max_words()));
    const CorrelationGrid grid(whole);
    CorrelationMoments mw(grid), ma(grid), mb(grid);
    for (std::size_t c = 0; c < d.values.size(); ++c) {
        mw.add(d.values[c], d.groups[c]);
        (c % 3 ? ma : mb).add(d.values[c], d.groups[c]);
    }
    ma.combine(mb);
    EXPECT_TRUE(std::ranges::equal(ma.sum_words(), mw.sum_words()));
}

TEST(Correlation, HistogramsOnlyWhereNeeded) {
    // Nothing unknown: one histogram per variable and group. Variable 2 unknown for some customer
    // of group 0: variables 0 and 1 get one conditioned on knowing 2 as well; variable 2 keeps
    // its plain one (for pairs with 0 and 1, always known). Group 2 has no customer.
    Data d = one_group({{1, 2, 3, 4}, {4, 3, 2, 1}, {1, kNaN, 2, 2}});
    d.groups = {{0, 1}, {0}, {0}, {0, 1}};
    const CorrelationSpec spec = spec_of(3, 3);
    CorrelationRanges ranges(spec);
    for (std::size_t c = 0; c < d.values.size(); ++c) ranges.add(d.values[c], d.groups[c]);
    const CorrelationGrid grid(ranges);
    EXPECT_EQ(grid.histograms_of_group(0), 5);
    EXPECT_EQ(grid.histograms_of_group(1), 3);
    EXPECT_EQ(grid.histograms_of_group(2), 0);
    EXPECT_NE(grid.feed(0, 0, 1), grid.feed(0, 0, 2));
    EXPECT_EQ(grid.conditions(0, 0)[grid.feed(0, 0, 2)], 2);
    EXPECT_EQ(grid.conditions(0, 0)[grid.feed(0, 0, 1)], -1);
    EXPECT_EQ(grid.feed(0, 2, 0), grid.feed(0, 2, 1));
    EXPECT_EQ(grid.feed(1, 0, 1), grid.feed(1, 0, 2));
    EXPECT_EQ(grid.feed(2, 0, 1), -1);
    CorrelationMoments moments(grid);
    EXPECT_EQ(moments.memory_bytes(), std::size_t(8) * 3 * 6 * 9);
    // Before any refinement: one cell per key; the histograms, then per variable and cell its
    // customers (sums) and its least and greatest value (maxima).
    const RankPartition cells(grid, 4, 4 * 4096);
    const RankHistograms histograms(cells);
    EXPECT_EQ(histograms.histogram_words(), std::size_t(8) * 4096);
    EXPECT_EQ(histograms.memory_bytes(), std::size_t(8) * (8 * 4096 + 3 * 3 * 4096));
}

TEST(Correlation, BadInputIsRejected) {
    EXPECT_THROW(CorrelationRanges(spec_of(0, 1)), std::invalid_argument);
    EXPECT_THROW(CorrelationRanges(spec_of(2, 0)), std::invalid_argument);
    CorrelationSpec bad = spec_of(2, 1);
    bad.key_bits = 20;
    EXPECT_THROW(CorrelationRanges{bad}, std::invalid_argument);
    CorrelationRanges ranges(spec_of(2, 2));
    const std::vector<int> g0{0}, g5{5};
    EXPECT_THROW(ranges.add(std::vector<double>{1.0}, g0), std::invalid_argument);
    EXPECT_THROW(ranges.add(std::vector<double>{1.0, 2.0}, g5), std::invalid_argument);
    ranges.add(std::vector<double>{1.0, 2.0}, g0);
    ranges.add(std::vector<double>{3.0, 4.0}, g0);
    const CorrelationGrid grid(ranges);
    CorrelationMoments moments(grid);
    // A value outside pass 1's range, a group pass 1 never saw, an unknown pass 1 never saw.
    EXPECT_THROW(moments.add(std::vector<double>{5.0, 2.0}, g0), std::invalid_argument);
    EXPECT_THROW(moments.add(std::vector<double>{1.0, 2.0}, std::vector<int>{1}), std::invalid_argument);
    EXPECT_THROW(moments.add(std::vector<double>{1.0, kNaN}, g0), std::invalid_argument);
    moments.add(std::vector<double>{1.0, 2.0}, g0);
    const RankPartition cells(grid, 4, 4096);
    RankHistograms histograms(cells);
    EXPECT_THROW(histograms.add(std::vector<double>{5.0, 2.0}, g0), std::invalid_argument);
    EXPECT_THROW(histograms.add(std::vector<double>{1.0, kNaN}, g0), std::invalid_argument);
    bad.key_bits = 12;
    bad.refinements = 17;
    EXPECT_THROW(CorrelationRanges{bad}, std::invalid_argument);
    bad.refinements = 4;
    bad.cells_per_key = 0;
    EXPECT_THROW(CorrelationRanges{bad}, std::invalid_argument);
}

}  // namespace
}  // namespace engage::kernels
