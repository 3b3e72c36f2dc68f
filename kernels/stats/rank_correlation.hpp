#pragma once
// Pearson's r from exact integer moments, and Spearman's rank correlation as Pearson's r of
// (twice) the mid-ranks: every sum is an integer, so merging partial states from any number of
// ranks gives the same result. Squares and products are split into 32-bit halves so that no
// 64-bit sum overflows for up to 2^31 pairs of values below 2^31 (twice the mid-ranks stay
// below 2^31 for up to 2^30 customers); r is evaluated at the end in 128-bit integers
// (Pearson 1896; Spearman 1904, ties by mid-ranks).
#include <cmath>
#include <cstdint>
#include <span>

namespace engage::kernels {

__extension__ typedef __int128 Int128;  // GCC and Clang; exact products of 64-bit sums

// The arithmetic on the moments of pairs (x, y), 0 <= x, y < 2^31, wherever their words are
// stored: kWords int64 words n, sum x, sum y, sum x^2, sum y^2 and sum xy (each of the last three
// as a high and a low 32-bit half). Partial moments merge by adding their words.
struct MomentWords {
    static constexpr int kWords = 9;
    using Words = std::span<std::int64_t, kWords>;
    using ConstWords = std::span<const std::int64_t, kWords>;

    static void add(Words w, std::int64_t x, std::int64_t y) noexcept {
        w[0] += 1;
        w[1] += x;
        w[2] += y;
        add_split(&w[3], std::uint64_t(x) * std::uint64_t(x));
        add_split(&w[5], std::uint64_t(y) * std::uint64_t(y));
        add_split(&w[7], std::uint64_t(x) * std::uint64_t(y));
    }

    // n, and n^2 times the co-moment and the two variances, exactly (n sum xy - sum x sum y, ...).
    struct CoMoments {
        Int128 n, cov, var_x, var_y;
    };
    static CoMoments co_moments(ConstWords w) noexcept {
        const Int128 n = w[0], sx = w[1], sy = w[2];
        return {n, n * joined(&w[7]) - sx * sy, n * joined(&w[3]) - sx * sx, n * joined(&w[5]) - sy * sy};
    }

    // Pearson's r of the pairs; NaN when undefined (fewer than two pairs or a constant column).
    // A pure function of the words.
    static double r(ConstWords w) noexcept {
        const CoMoments m = co_moments(w);
        if (m.n < 2 || m.var_x <= 0 || m.var_y <= 0) return std::nan("");
        return double(static_cast<long double>(m.cov) /
                      std::sqrt(static_cast<long double>(m.var_x) * static_cast<long double>(m.var_y)));
    }

private:
    static void add_split(std::int64_t* w, std::uint64_t v) noexcept {
        w[0] += std::int64_t(v >> 32);
        w[1] += std::int64_t(v & 0xffffffffu);
    }
    static Int128 joined(const std::int64_t* w) noexcept { return (Int128(w[0]) << 32) + w[1]; }
};

class RankCorrelation {
public:
    // x, y: twice the mid-ranks (integers, below 2^31).
    void add(std::int64_t x, std::int64_t y) noexcept { MomentWords::add(w_, x, y); }
    std::int64_t count() const noexcept { return w_[0]; }
    // NaN when undefined (fewer than two customers or a constant ranking).
    double rho() const noexcept { return MomentWords::r(w_); }
    std::span<std::int64_t> sum_words() noexcept { return w_; }
    std::span<std::int64_t> max_words() noexcept { return {}; }

private:
    std::int64_t w_[MomentWords::kWords] = {};
};

}  // namespace engage::kernels
