#pragma once
// A mergeable histogram of integers: magnitudes exact below 64, then 32 logarithmic sub-buckets
// per power of two (HdrHistogram's layout with 5 significant bits), so a quantile read back
// from it is within 1/64 (1.6 %) of the exact value for magnitudes below 2^48. Negative values
// (refunds can make a revenue negative) have buckets of their own. Counts are integers:
// merging histograms from any number of threads or ranks gives the same bins.
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

namespace engage::kernels {

struct LogHistogram {
    static constexpr int kExact = 64;
    static constexpr int kSub = 32;
    static constexpr int kMaxExponent = 47;  // values of 2^48 and more share the last bucket
    static constexpr int kBins = kExact + (kMaxExponent - 5) * kSub;

    static constexpr int bin(std::int64_t v) noexcept {
        if (v < kExact) return v < 0 ? 0 : int(v);
        const int e = 63 - std::countl_zero(std::uint64_t(v));
        if (e > kMaxExponent) return kBins - 1;
        const int sub = int((std::uint64_t(v) >> (e - 5)) & (kSub - 1));
        return kExact + (e - 6) * kSub + sub;
    }
    static constexpr std::int64_t lower(int b) noexcept {
        if (b < kExact) return b;
        const int e = (b - kExact) / kSub + 6;
        const int sub = (b - kExact) % kSub;
        return std::int64_t(kSub + sub) << (e - 5);
    }
    static constexpr std::int64_t width(int b) noexcept {
        return b < kExact ? 1 : std::int64_t(1) << ((b - kExact) / kSub + 1);
    }
    // The value a quantile in bin b reports: the bin itself when exact, its middle otherwise.
    static constexpr double representative(int b) noexcept {
        return b < kExact ? double(b) : double(lower(b)) + double(width(b) - 1) / 2.0;
    }
};

// The summable part of a distribution (count, total, bins) and its extremes (max, -min), kept
// apart so that ranks combine the first by integer sums and the second by maxima.
struct DistributionSums {
    std::int64_t count = 0;
    std::int64_t total = 0;
    std::array<std::int64_t, LogHistogram::kBins> bins{};           // v >= 0, by v
    std::array<std::int64_t, LogHistogram::kBins> negative_bins{};  // v < 0, by -v

    void add(std::int64_t v) noexcept {
        ++count;
        total += v;
        if (v >= 0) ++bins[LogHistogram::bin(v)];
        else ++negative_bins[LogHistogram::bin(-v)];
    }
};

struct DistributionExtremes {
    std::int64_t max = INT64_MIN;
    std::int64_t neg_min = INT64_MIN;  // -min, so that both extremes combine by maximum
    void add(std::int64_t v) noexcept {
        if (v > max) max = v;
        if (-v > neg_min) neg_min = -v;
    }
};

// Nearest-rank quantile q in [0, 1] read from the bins, clamped to the exact extremes.
inline double quantile(const DistributionSums& s, const DistributionExtremes& x, double q) noexcept {
    if (s.count == 0) return 0.0;
    auto rank = std::int64_t(std::ceil(q * double(s.count)));
    if (rank < 1) rank = 1;
    const double lo = double(-x.neg_min), hi = double(x.max);
    auto clamped = [&](double v) { return v < lo ? lo : (v > hi ? hi : v); };
    std::int64_t seen = 0;
    for (int b = LogHistogram::kBins - 1; b >= 0; --b)  // the most negative first
        if ((seen += s.negative_bins[b]) >= rank) return clamped(-LogHistogram::representative(b));
    for (int b = 0; b < LogHistogram::kBins; ++b)
        if ((seen += s.bins[b]) >= rank) return clamped(LogHistogram::representative(b));
    return hi;
}

}  // namespace engage::kernels
