#pragma once
// The correlation kernels (kernels/study/correlation.hpp) run as P simulated ranks, and an
// independent, straightforward double-precision implementation to check them against
// (namespace reference), shared by correlation_test.cpp and spearman_ranks_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <memory>
#include <numeric>
#include <random>
#include <vector>

#include "study/correlation.hpp"
#include "study/pearson_tails.hpp"

namespace engage::kernels::test {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using Method = CorrelationMethod;

// ---- an independent reference: two-pass Pearson in double, mid-ranks by sorting ----
namespace reference {

inline double pearson(const std::vector<double>& x, const std::vector<double>& y) {
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

inline std::vector<double> midranks(const std::vector<double>& x) {
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

inline double spearman(const std::vector<double>& x, const std::vector<double>& y) {
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

inline reference::Pairs complete_pairs(const Data& d, int g, int i, int j) {
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
    std::unique_ptr<PearsonTails> tails;
};

// Customer c goes to rank part[c]; every rank computes the result, which must agree. With
// `tails`, the Pearson intervals use the fourth moments (kernels/study/pearson_tails.hpp).
inline CorrelationResult run(const CorrelationSpec& spec, const Data& d, int ranks,
                      const std::vector<int>& part, bool tails = false) {
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
    std::vector<PearsonTails*> fourth;
    for (auto& k : r) {
        k->tails = std::make_unique<PearsonTails>(*k->moments);
        fourth.push_back(k->tails.get());
    }
    each([](Rank& k, const auto& v, const auto& g) {
        k.rank_moments->add(v, g);
        k.tails->add(v, g);
    });
    allreduce(rank_moments);
    allreduce(fourth);
    return CorrelationResult(*r.back()->moments, *r.back()->rank_moments, tails ? r.back()->tails.get() : nullptr);
}

inline CorrelationResult run(const CorrelationSpec& spec, const Data& d) {
    return run(spec, d, 1, std::vector<int>(d.values.size(), 0));
}

inline CorrelationRanges ranges_of(const CorrelationSpec& spec, const Data& d) {
    CorrelationRanges r(spec);
    for (std::size_t c = 0; c < d.values.size(); ++c) r.add(d.values[c], d.groups[c]);
    return r;
}

inline CorrelationSpec spec_of(int variables, int groups) {
    CorrelationSpec s;
    s.variables = variables;
    s.groups = groups;
    return s;
}

inline Data one_group(const std::vector<std::vector<double>>& columns) {
    Data d;
    for (std::size_t c = 0; c < columns[0].size(); ++c) {
        std::vector<double> row;
        for (const auto& col : columns) row.push_back(col[c]);
        d.values.push_back(row);
        d.groups.push_back({0});
    }
    return d;
}

inline bool same_bits(double a, double b) { return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b); }

// Every cell against the reference over the complete pairs of its group.
inline void expect_matches_reference(const CorrelationResult& res, const Data& d, double tol_pearson,
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
inline Data random_data(unsigned seed, int customers, int variables, int groups, int levels, double step, double lo,
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
}  // namespace engage::kernels::test
