#pragma once
// The first pass of the correlation matrices (kernels/study/correlation.hpp) and what follows
// from it: each value is quantised to a fixed point (units of 2^-20), one all-reduce (MAX) gives
// every variable's global range and, per group, which variables are ever known and ever unknown,
// and from these alone every rank derives the same grid:
//  - the moment value of a known value, (q - min q) >> s in [0, 2^31), for Pearson's moments;
//  - its rank key in [0, 2^key_bits), log-linear in (q - min q), for Spearman's histograms;
//  - the layout of the rank histograms per group: one per variable when nothing is unknown, and
//    one conditioned on knowing j for each variable j that is unknown for some customer of the
//    group (pairwise deletion, exact).
// Formulas, resolution and memory: docs/metrics.md, "Correlations (issue 5)".
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

namespace engage::kernels {

struct CorrelationSpec {
    int variables = 0;                // V >= 1
    int groups = 0;                   // G >= 1; a customer belongs to any number of them
    std::int64_t min_group_size = 0;  // cells with fewer customers than this are suppressed
    int key_bits = 12;                // 2^key_bits rank keys per histogram, in [6, 16]
    int refinements = 4;              // of the rank cells that hold different values, in [0, 16]
    int cells_per_key = 4;            // rank cells per variable at most, per key, in [1, 64]
    double confidence = 0.95;         // of the Fisher intervals, in (0, 1)
};

// Throws std::invalid_argument naming the field and its allowed range.
void validate(const CorrelationSpec& spec);

// Values are quantised in units of 2^-kQuantumBits (rounded to nearest, ties away from zero);
// values beyond +-2^42 (about 4.4e12), infinities included, are clamped there.
constexpr int kQuantumBits = 20;
constexpr std::int64_t kQuantisedLimit = std::int64_t(1) << 62;

inline std::int64_t quantise(double x) noexcept {
    const double q = std::ldexp(x, kQuantumBits);
    if (q >= 0x1p62) return kQuantisedLimit;
    if (q <= -0x1p62) return -kQuantisedLimit;
    return std::llround(q);
}

// Pass 1: per variable the global range of the quantised values, and per group and variable
// whether it is ever known and ever unknown. Max words only; merge with combine() (threads) or
// mpi::allreduce_state (ranks).
class CorrelationRanges {
public:
    explicit CorrelationRanges(const CorrelationSpec& spec);  // validates spec

    // One customer: `values` its V values (NaN = unknown), `groups` its distinct group indices in
    // [0, G). A customer in no group is ignored. Throws std::invalid_argument on a wrong span
    // size or a group out of range.
    void add(std::span<const double> values, std::span<const int> groups);
    void combine(const CorrelationRanges& other) noexcept;

    std::span<std::int64_t> sum_words() noexcept { return {}; }
    std::span<std::int64_t> max_words() noexcept { return words_; }

    const CorrelationSpec& spec() const noexcept { return spec_; }
    bool has_values(int v) const noexcept { return words_[v] != kNone; }
    std::int64_t min_quantised(int v) const noexcept { return -words_[spec_.variables + v]; }
    std::int64_t max_quantised(int v) const noexcept { return words_[v]; }
    bool known_in(int g, int v) const noexcept { return flag(g, v, 0) != 0; }
    bool unknown_in(int g, int v) const noexcept { return flag(g, v, 1) != 0; }

private:
    static constexpr std::int64_t kNone = INT64_MIN;
    std::int64_t flag(int g, int v, int which) const noexcept {
        return words_[2 * std::size_t(spec_.variables) +
                      2 * (std::size_t(g) * spec_.variables + std::size_t(v)) + which];
    }
    CorrelationSpec spec_;
    // [0, V) max q; [V, 2V) max -q; then per group and variable: ever known, ever unknown (0/1).
    std::vector<std::int64_t> words_;
};

// Everything derived from the all-reduced ranges; identical on every rank. Immutable.
class CorrelationGrid {
public:
    explicit CorrelationGrid(const CorrelationRanges& reduced);

    const CorrelationSpec& spec() const noexcept { return spec_; }
    int variables() const noexcept { return spec_.variables; }
    int groups() const noexcept { return spec_.groups; }
    int keys() const noexcept { return 1 << spec_.key_bits; }
    // Sub-keys per octave of the log-linear key: 2^(key_bits - 4), i.e. a relative step of
    // 2^-(key_bits - 4) (0.39 % with 12 key bits).
    int mantissa_bits() const noexcept { return spec_.key_bits - 4; }

    std::int64_t min_quantised(int v) const noexcept { return lo_[v]; }
    std::int64_t max_quantised(int v) const noexcept { return hi_[v]; }
    int value_shift(int v) const noexcept { return value_shift_[v]; }
    int key_shift(int v) const noexcept { return key_shift_[v]; }
    // Widths in natural units of one moment-value step and of one key in the linear part.
    double value_step(int v) const noexcept { return std::ldexp(1.0, value_shift_[v] - kQuantumBits); }
    double key_step(int v) const noexcept { return std::ldexp(1.0, key_shift_[v] - kQuantumBits); }

    // For a known (not NaN) value of variable v, seen in pass 1.
    std::int64_t moment_value(int v, double x) const noexcept {
        return offset(v, x) >> value_shift_[v];
    }
    std::uint32_t rank_key(int v, double x) const noexcept;

    // Rank histograms (kernels/study/rank_histograms.hpp). Group g and variable i have
    // F = conditions(g, i).size() of them: histogram f counts the customers of g who know i and,
    // unless its condition is -1, variable conditions(g, i)[f] too.
    std::int32_t histogram_count() const noexcept { return std::int32_t(conditions_.size()); }
    std::int32_t histograms_of_group(int g) const noexcept {
        const std::size_t V = std::size_t(spec_.variables);
        return std::int32_t(feed_begin_[(g + 1) * V] - feed_begin_[g * V]);
    }
    std::span<const std::int32_t> conditions(int g, int i) const noexcept {
        const std::size_t at = std::size_t(g) * spec_.variables + i;
        return std::span(conditions_).subspan(feed_begin_[at], feed_begin_[at + 1] - feed_begin_[at]);
    }
    // The histogram of block (g, i) that ranks i for the pair (i, j), i != j (-1 when no
    // customer of g knows both).
    std::int32_t feed(int g, int i, int j) const noexcept {
        return pair_feed_[(std::size_t(g) * spec_.variables + i) * spec_.variables + j];
    }
    // Whether pass 1 saw variable v known (unknown) for some customer of group g.
    bool known_in(int g, int v) const noexcept { return known_[std::size_t(g) * spec_.variables + v]; }
    bool unknown_in(int g, int v) const noexcept { return unknown_[std::size_t(g) * spec_.variables + v]; }

    // A customer of a later pass: its V values (NaN = unknown) and distinct groups. Returns its
    // known variables (bit v). Throws std::invalid_argument on a wrong span size, a group out of
    // range, or a value that pass 1 did not see (outside its variable's range, or known where
    // pass 1 saw none in the group): every pass must see the same customers.
    std::uint64_t check(std::span<const double> values, std::span<const int> groups) const;

private:
    std::uint64_t offset(int v, double x) const noexcept {
        return std::uint64_t(quantise(x)) - std::uint64_t(lo_[v]);  // q >= lo: no wrap-around
    }
    CorrelationSpec spec_;
    std::vector<std::int64_t> lo_, hi_;
    std::vector<int> value_shift_, key_shift_;
    std::vector<bool> known_, unknown_;
    std::vector<std::size_t> feed_begin_;   // G x V + 1 offsets into conditions_
    std::vector<std::int32_t> conditions_;  // per histogram: -1 or the variable it conditions on
    std::vector<std::int8_t> pair_feed_;    // G x V x V
};

}  // namespace engage::kernels
