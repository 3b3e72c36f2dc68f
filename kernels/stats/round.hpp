#pragma once
// Rounding to the nearest integer, halves away from zero, as std::llround does, without its
// library call: the per-customer kernels round several values per customer, and at 10 M
// customers per rank __llround alone was 2 % of a run (docs/performance.md).
#include <cmath>
#include <cstdint>

namespace engage::kernels {

// The largest double below 0.5. Adding 0.5 itself would carry 0.49999999999999994 up to 1.
constexpr double kBelowHalf = 0.49999999999999994;

// std::llround(x) for every finite x with |x| < 2^63 (tests/unit/round_test.cpp): adding
// kBelowHalf with x's sign and truncating rounds halves away from zero, and where the sum is
// inexact it rounds to the same integer (at |x| >= 2^52 every double is already an integer).
inline std::int64_t round_half_away(double x) noexcept {
    return std::int64_t(x + std::copysign(kBelowHalf, x));
}

}  // namespace engage::kernels
