#pragma once
// Percentile ranks across the whole customer base, exact on a fine grid: each raw metric is
// measured in one of 65,536 integer keys on a fixed scale (docs/metrics.md), a global integer
// histogram of the keys is all-reduced exactly, and a customer's percentile rank is the exact
// mid-rank of its key, 100 * (below + equal / 2) / n. The grid is the metric's resolution:
// customers whose raw values differ by less than one step (0.034 % relative for the count-like
// metrics, 1/65,535 of the range for the bounded ones) rank as ties; between values one step
// or more apart the rank is the exact mid-rank of the raw values (tested).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "features/event.hpp"
#include "stats/round.hpp"

namespace engage::kernels {

enum class Metric : int {
    usage_breadth, usage_depth, usage_regularity, sentiment, involvement, advocacy, share_of_wallet,
};
constexpr int kMetrics = 7;
constexpr int kKeys = 65536;
constexpr const char* kMetricNames[kMetrics] = {"usage_breadth", "usage_depth", "usage_regularity",
                                                "sentiment", "involvement", "advocacy",
                                                "share_of_wallet"};

// The key of a known (not NaN) raw value. Counts and decayed sums: 2048 * log2(1 + x);
// regularity and share of wallet in [0, 1] and sentiment in [-1, 1]: linear over the range.
inline std::uint16_t metric_key(Metric m, double x) noexcept {
    double k;
    switch (m) {
    case Metric::usage_breadth: k = x; break;
    case Metric::usage_regularity:
    case Metric::share_of_wallet: k = x * 65535.0; break;
    case Metric::sentiment: k = (x + 1.0) * 0.5 * 65535.0; break;
    default: k = 2048.0 * std::log2(1.0 + (x > 0.0 ? x : 0.0)); break;
    }
    // x is not NaN (the caller skips unknown metrics), so comparisons clamp as fmin and fmax do
    // (a zero's sign aside, which the integer key drops) without their library calls: 14 keys a
    // customer.
    return std::uint16_t(round_half_away(k < 0.0 ? 0.0 : k > 65535.0 ? 65535.0 : k));
}

inline double metric_value(Metric m, const EngagementSignals& s) noexcept {
    switch (m) {
    case Metric::usage_breadth: return s.usage_breadth;
    case Metric::usage_depth: return s.usage_depth;
    case Metric::usage_regularity: return s.usage_regularity;
    case Metric::sentiment: return s.sentiment;
    case Metric::involvement: return s.involvement;
    case Metric::advocacy: return s.advocacy;
    case Metric::share_of_wallet: return s.share_of_wallet;
    }
    return 0.0;
}

// Per-customer keys of every metric at one date; `known` bit m is clear where metric m is
// unknown (NaN) or the customer was not yet acquired.
struct MetricKeys {
    std::array<std::uint16_t, kMetrics> key{};
    std::uint8_t known = 0;
    bool is_known(Metric m) const noexcept { return (known >> int(m)) & 1u; }
};

inline MetricKeys metric_keys(const EngagementSignals& s) noexcept {
    MetricKeys k;
    if (!s.acquired) return k;
    for (int m = 0; m < kMetrics; ++m) {
        const double v = metric_value(Metric(m), s);
        if (std::isnan(v)) continue;
        k.key[m] = metric_key(Metric(m), v);
        k.known |= std::uint8_t(1u << m);
    }
    return k;
}

// The global key histograms of `Series` independent series (e.g. 7 metrics x 2 dates), merged
// by integer sums; percentile() is valid after finalize().
template <int Series>
class KeyHistograms {
public:
    KeyHistograms() : counts_(std::size_t(Series) * kKeys, 0) {}
    void add(int series, std::uint16_t key) noexcept { ++counts_[std::size_t(series) * kKeys + key]; }
    std::span<std::int64_t> sum_words() noexcept { return counts_; }
    std::span<const std::int64_t> sum_words() const noexcept { return counts_; }
    std::span<std::int64_t> max_words() noexcept { return {}; }

    // Mid-ranks for every key (call once the histograms are complete).
    void finalize() {
        midrank2_.assign(counts_.size(), 0);
        totals_.fill(0);
        for (int s = 0; s < Series; ++s) {
            std::int64_t running = 0;
            for (int k = 0; k < kKeys; ++k) {
                const std::int64_t n = counts_[std::size_t(s) * kKeys + k];
                midrank2_[std::size_t(s) * kKeys + k] = 2 * running + n;
                running += n;
            }
            totals_[s] = running;
            signal_[s] = std::count_if(counts_.begin() + std::ptrdiff_t(std::size_t(s) * kKeys),
                                       counts_.begin() + std::ptrdiff_t(std::size_t(s + 1) * kKeys),
                                       [](std::int64_t n) { return n > 0; }) > 1;
        }
    }
    std::int64_t count(int series) const noexcept { return totals_[series]; }
    // Whether the series tells customers apart: more than one key occupied. A series whose
    // customers all share one key (every customer without involvement, one known wallet) ranks
    // each of them at 50, which says nothing about any of them.
    bool has_signal(int series) const noexcept { return signal_[series]; }
    // The customers per key of one series.
    std::span<const std::int64_t> counts(int series) const noexcept {
        return {counts_.data() + std::size_t(series) * kKeys, std::size_t(kKeys)};
    }
    // Twice the mid-rank, an integer: 2 * below + equal.
    std::int64_t twice_midrank(int series, std::uint16_t key) const noexcept {
        return midrank2_[std::size_t(series) * kKeys + key];
    }
    // Percentile rank 0-100: 100 * (below + equal / 2) / n.
    double percentile(int series, std::uint16_t key) const noexcept {
        const std::int64_t n = totals_[series];
        return n == 0 ? 0.0 : 50.0 * double(twice_midrank(series, key)) / double(n);
    }
private:
    std::vector<std::int64_t> counts_, midrank2_;
    std::array<std::int64_t, Series> totals_{};
    std::array<bool, Series> signal_{};
};

}  // namespace engage::kernels
