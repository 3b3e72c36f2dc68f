// The correlation kernels (kernels/study/correlation.hpp) against hand-computed values and an
// independent, straightforward double-precision implementation (namespace reference below).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <memory>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

#include "study/correlation.hpp"

namespace engage::kernels {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using Method = CorrelationMethod;

// ---- an independent reference: two-pass Pearson in double, mid-ranks by sorting ----
namespace reference {

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
    const std::size_t n = x.size();
    if (n < 2) return kNaN;
    double mx = 0, my = 0;
    for (std::size_t k = 0; k < n; ++k) mx += x[k], my += y[k];
    mx /= double(n), my /= double(n);
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t k = 0; k < n; ++k) {
        sxy += (x[k] - mx) * (y[k] - my);
        sxx += (x[k] - mx) * (x[k] - mx);
        syy += (y[k] - my) * (y[k] - my);
    }
    if (sxx == 0 || syy == 0) return kNaN;
    return sxy / std::sqrt(sxx * syy);
}

std::vector<double> midranks(const std::vector<double>& x) {
    std::vector<std::size_t> order(x.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
    std::vector<double> rank(x.size());
    for (std::size_t a = 0; a < order.size();) {
        std::size_t b = a;
        while (b + 1 < order.size() && x[order[b + 1]] == x[order[a]]) ++b;
        for (std::size_t k = a; k <= b; ++k) rank[order[k]] = (double(a) + double(b)) / 2.0 + 1.0;
        a = b + 1;
    }
    return rank;
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
    return pearson(midranks(x), midranks(y));
}

// The complete pairs (i, j) of the customers in group g.
struct Pairs {
    std::vector<double> x, y;
};

}  // namespace reference

// ---- the kernels, run as P simulated ranks ----

struct Data {
    std::vector<std::vector<double>> values;  // per customer, V values
    std::vector<std::vector<int>> groups;     // per customer
};

reference::Pairs complete_pairs(const Data& d, int g, int i, int j) {
    reference::Pairs p;
    for (std::size_t c = 0; c < d.values.size(); ++c) {
        if (std::find(d.groups[c].begin(), d.groups[c].end(), g) == d.groups[c].end()) continue;
        if (std::isnan(d.values[c][i]) || std::isnan(d.values[c][j])) continue;
        p.x.push_back(d.values[c][i]);
        p.y.push_back(d.values[c][j]);
    }
    return p;
}

// What mpi::allreduce_state does, over the states of every simulated rank.
template <class State>
void allreduce(std::vector<State*> states) {
    for (std::size_t k = 0; k < states[0]->sum_words().size(); ++k) {
        std::int64_t s = 0;
        for (State* st : states) s += st->sum_words()[k];
        for (State* st : states) st->sum_words()[k] = s;
    }
    for (std::size_t k = 0; k < states[0]->max_words().size(); ++k) {
        std::int64_t m = INT64_MIN;
        for (State* st : states) m = std::max(m, st->max_words()[k]);
        for (State* st : states) st->max_words()[k] = m;
    }
}

// One simulated rank's objects through the three passes.
struct Rank {
    explicit Rank(const CorrelationSpec& spec) : ranges(spec) {}
    CorrelationRanges ranges;
    std::unique_ptr<CorrelationGrid> grid;
    std::unique_ptr<CorrelationMoments> moments;
    std::unique_ptr<RankPartition> partition;
    std::unique_ptr<RankHistograms> histograms;
    std::unique_ptr<RankTables> tables;
    std::unique_ptr<RankMoments> rank_moments;
};

// Customer c goes to rank part[c]; every rank computes the result, which must agree.
CorrelationResult run(const CorrelationSpec& spec, const Data& d, int ranks,
                      const std::vector<int>& part) {
    std::vector<std::unique_ptr<Rank>> r;
    for (int k = 0; k < ranks; ++k) r.push_back(std::make_unique<Rank>(spec));
    auto each = [&](auto&& f) {
        for (std::size_t c = 0; c < d.values.size(); ++c) f(*r[part[c]], d.values[c], d.groups[c]);
    };
    std::vector<CorrelationRanges*> ranges;
    for (auto& k : r) ranges.push_back(&k->ranges);
    each([](Rank& k, const auto& v, const auto& g) { k.ranges.add(v, g); });
    allreduce(ranges);

    std::vector<CorrelationMoments*> moments;
    std::vector<RankHistograms*> histograms;
    for (auto& k : r) {
        k->grid = std::make_unique<CorrelationGrid>(k->ranges);
        k->moments = std::make_unique<CorrelationMoments>(*k->grid);
        k->partition = std::make_unique<RankPartition>(*k->grid, spec.refinements,
                                                       std::uint32_t(spec.cells_per_key * k->grid->keys()));
        k->histograms = std::make_unique<RankHistograms>(*k->partition);
        moments.push_back(k->moments.get());
        histograms.push_back(k->histograms.get());
    }
    each([](Rank& k, const auto& v, const auto& g) {
        k.moments->add(v, g);
        k.histograms->add(v, g);
    });
    allreduce(moments);
    allreduce(histograms);
    // Counted again on refined cells while some cell holds different values; every rank refines
    // alike (its own copy of the partition, from the same reduced words).
    for (;;) {
        bool refined = false;
        for (auto& k : r) refined = k->partition->refine(k->histograms->spans());
        if (!refined) break;
        histograms.clear();
        for (auto& k : r) {
            k->histograms = std::make_unique<RankHistograms>(*k->partition);
            histograms.push_back(k->histograms.get());
        }
        each([](Rank& k, const auto& v, const auto& g) { k.histograms->add(v, g); });
        allreduce(histograms);
    }

    std::vector<RankMoments*> rank_moments;
    for (auto& k : r) {
        k->tables = std::make_unique<RankTables>(std::move(*k->histograms));
        k->rank_moments = std::make_unique<RankMoments>(*k->tables);
        rank_moments.push_back(k->rank_moments.get());
    }
    each([](Rank& k, const auto& v, const auto& g) { k.rank_moments->add(v, g); });
    allreduce(rank_moments);
    return CorrelationResult(*r.back()->moments, *r.back()->rank_moments);
}

CorrelationResult run(const CorrelationSpec& spec, const Data& d) {
    return run(spec, d, 1, std::vector<int>(d.values.size(), 0));
}

CorrelationRanges ranges_of(const CorrelationSpec& spec, const Data& d) {
    CorrelationRanges r(spec);
    for (std::size_t c = 0; c < d.values.size(); ++c) r.add(d.values[c], d.groups[c]);
    return r;
}

CorrelationSpec spec_of(int variables, int groups) {
    CorrelationSpec s;
    s.variables = variables;
    s.groups = groups;
    return s;
}

Data one_group(const std::vector<std::vector<double>>& columns) {
    Data d;
    for (std::size_t c = 0; c < columns[0].size(); ++c) {
        std::vector<double> row;
        for (const auto& col : columns) row.push_back(col[c]);
        d.values.push_back(row);
        d.groups.push_back({0});
    }
    return d;
}

bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

// Every cell against the reference over the complete pairs of its group.
void expect_matches_reference(const CorrelationResult& res, const Data& d, double tol_pearson,
                              double tol_spearman) {
    for (int g = 0; g < res.groups(); ++g)
        for (int i = 0; i < res.variables(); ++i)
            for (int j = 0; j < res.variables(); ++j) {
                const auto p = complete_pairs(d, g, i, j);
                for (const Method m : {Method::pearson, Method::spearman}) {
                    SCOPED_TRACE(testing::Message() << "group " << g << " pair " << i << "," << j << " method "
                                                    << int(m));
                    const auto& c = res.cell(m, g, i, j);
                    ASSERT_EQ(c.n, std::int64_t(p.x.size()));
                    const double want = m == Method::pearson ? reference::pearson(p.x, p.y)
                                                             : reference::spearman(p.x, p.y);
                    if (std::isnan(want)) {
                        EXPECT_TRUE(std::isnan(c.r));
                    } else {
                        EXPECT_NEAR(c.r, want, m == Method::pearson ? tol_pearson : tol_spearman);
                    }
                    const auto ci = fisher_interval(c.r, c.n, m);
                    EXPECT_TRUE(same_bits(c.ci_low, ci.low) || (std::isnan(c.ci_low) && std::isnan(ci.low)));
                    EXPECT_TRUE(same_bits(c.ci_high, ci.high) || (std::isnan(c.ci_high) && std::isnan(ci.high)));
                }
            }
}

// Values on a coarse grid (multiples of `step` in [lo, lo + levels * step)) so that ranks tie
// exactly, with a share of unknowns in the columns listed in `missing`.
Data random_data(unsigned seed, int customers, int variables, int groups, int levels, double step, double lo,
                 double missing_share, std::vector<int> missing) {
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<int> level(0, levels - 1), group(1, groups - 1);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    Data d;
    for (int c = 0; c < customers; ++c) {
        std::vector<double> row(variables);
        const int common = level(rng);  // a shared component, so that the columns correlate
        for (int v = 0; v < variables; ++v) {
            row[v] = lo + step * double((common * (v + 1) + level(rng)) % levels);
            if (std::find(missing.begin(), missing.end(), v) != missing.end() && unit(rng) < missing_share)
                row[v] = kNaN;
        }
        d.values.push_back(row);
        std::vector<int> gs{0};  // everyone in group 0 (corporate), plus up to two others
        if (groups > 1) gs.push_back(group(rng));
        if (groups > 2) {
            const int second = group(rng);
            if (second != gs[1]) gs.push_back(second);
        }
        d.groups.push_back(gs);
    }
    return d;
}

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
