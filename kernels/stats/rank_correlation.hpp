#pragma once
// Spearman's rank correlation from exact integer moments of (twice) the mid-ranks: every sum
// is an integer, so merging partial states from any number of ranks gives the same result.
// Squares and products are split into 32-bit halves so that no 64-bit sum overflows for up to
// 2^30 customers; rho is evaluated at the end in 128-bit integers (Spearman 1904; ties by
// mid-ranks, i.e. Pearson's r of the ranks).
#include <cmath>
#include <cstdint>
#include <span>

namespace engage::kernels {

__extension__ typedef __int128 Int128;  // GCC and Clang; exact products of 64-bit sums

class RankCorrelation {
public:
    // x, y: twice the mid-ranks (integers, below 2^31).
    void add(std::int64_t x, std::int64_t y) noexcept {
        w_[0] += 1;
        w_[1] += x;
        w_[2] += y;
        add_split(3, std::uint64_t(x) * std::uint64_t(x));
        add_split(5, std::uint64_t(y) * std::uint64_t(y));
        add_split(7, std::uint64_t(x) * std::uint64_t(y));
    }
    std::int64_t count() const noexcept { return w_[0]; }
    // NaN when undefined (fewer than two customers or a constant ranking).
    double rho() const noexcept {
        using i128 = Int128;
        const i128 n = w_[0], sx = w_[1], sy = w_[2];
        const i128 sxx = joined(3), syy = joined(5), sxy = joined(7);
        const i128 cov = n * sxy - sx * sy, vx = n * sxx - sx * sx, vy = n * syy - sy * sy;
        if (n < 2 || vx <= 0 || vy <= 0) return std::nan("");
        return double(static_cast<long double>(cov) /
                      std::sqrt(static_cast<long double>(vx) * static_cast<long double>(vy)));
    }
    std::span<std::int64_t> sum_words() noexcept { return w_; }
    std::span<std::int64_t> max_words() noexcept { return {}; }

private:
    void add_split(int at, std::uint64_t v) noexcept {
        w_[at] += std::int64_t(v >> 32);
        w_[at + 1] += std::int64_t(v & 0xffffffffu);
    }
    Int128 joined(int at) const noexcept { return (Int128(w_[at]) << 32) + w_[at + 1]; }
    std::int64_t w_[9] = {};
};

}  // namespace engage::kernels
