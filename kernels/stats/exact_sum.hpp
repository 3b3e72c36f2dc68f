#pragma once
// An exact, order-independent sum of doubles for distributed reductions. Each term is rounded
// once to a fixed-point integer in units of 2^-40 and added into a signed multi-limb integer,
// so the total is the same bits for any order of the terms and any split of them into partial
// sums (ranks, threads, shards) whose words are added together.
//
// Resolution: 2^-40 (about 9.1e-13) per term; each term is rounded to the nearest multiple
// (ties to even), so n terms carry at most n * 2^-41 of rounding error in total.
// Range: |term| < 2^87 (about 1.5e26). Larger terms, infinities and NaN are counted as
// non-finite and make value() NaN.
// Capacity: up to 2^31 terms in all (multiplicities included, summed over every partial sum):
// each 32-bit limb is added into its own int64 word, and 2^31 * (2^32 - 1) < 2^63.
//
// Words: kLimbs limb sums (least significant first, limb i weighs 2^(32 i - 40)) and one count
// of non-finite terms. Reducing partial sums means adding their words element-wise (MPI_SUM on
// int64), which is exact and commutative.
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace engage::kernels {

__extension__ typedef unsigned __int128 ExactSumU128;  // GCC and Clang

// The arithmetic on one sum's words (kWords int64, see above), wherever they are stored.
struct ExactSumWords {
    static constexpr int kFractionBits = 40;
    static constexpr int kLimbs = 4;             // 128 bits of fixed point
    static constexpr int kWords = kLimbs + 1;    // + the non-finite count
    using Words = std::span<std::int64_t, kWords>;
    using ConstWords = std::span<const std::int64_t, kWords>;

    // Adds `term` `multiplicity` times (multiplicity >= 0; it counts against the 2^31 capacity).
    static void add(Words w, double term, std::int64_t multiplicity = 1) noexcept {
        if (multiplicity == 0) return;
        const std::uint64_t bits = std::bit_cast<std::uint64_t>(term);
        const int biased = int((bits >> 52) & 0x7ff);
        if (biased == 0x7ff || !(std::fabs(term) < kMaxMagnitude)) {
            w[kLimbs] += multiplicity;
            return;
        }
        // |term| = mantissa * 2^exponent exactly (subnormals included).
        std::uint64_t mantissa = bits & ((std::uint64_t(1) << 52) - 1);
        int exponent = biased == 0 ? -1074 : biased - 1075;
        if (biased != 0) mantissa |= std::uint64_t(1) << 52;
        const int shift = exponent + kFractionBits;  // fixed = mantissa * 2^shift
        U128 fixed;
        if (shift >= 0) {
            fixed = static_cast<U128>(mantissa) << shift;  // shift <= 74 by the range check
        } else if (shift <= -54) {
            fixed = 0;  // mantissa < 2^53, so the term is below half a unit
        } else {
            const int s = -shift;
            const std::uint64_t q = mantissa >> s;
            const std::uint64_t rem = mantissa & ((std::uint64_t(1) << s) - 1);
            const std::uint64_t half = std::uint64_t(1) << (s - 1);
            fixed = q + ((rem > half || (rem == half && (q & 1))) ? 1 : 0);  // nearest, ties to even
        }
        const std::int64_t sign = (bits >> 63) ? -multiplicity : multiplicity;
        for (int i = 0; i < kLimbs; ++i) {
            w[i] += sign * std::int64_t(std::uint64_t(fixed) & 0xffffffffu);
            fixed >>= 32;
        }
    }

    // The total, rounded once to double from the exact integer; NaN if a term was non-finite
    // or out of range. A pure function of the words.
    static double value(ConstWords w) noexcept {
        if (w[kLimbs] != 0) return std::numeric_limits<double>::quiet_NaN();
        // Normalise carries: limbs in [0, 2^32), the excess in a signed carry above 2^128.
        U128 low = 0;
        std::int64_t carry = 0;
        for (int i = 0; i < kLimbs; ++i) {
            const std::int64_t v = w[i] + carry;  // |v| < 2^63 - 2^32 by the capacity bound
            const std::int64_t limb = v & 0xffffffff;
            carry = (v - limb) >> 32;              // exact: v - limb is a multiple of 2^32
            low |= static_cast<U128>(std::uint64_t(limb)) << (32 * i);
        }
        double total;
        if (carry == 0) {
            total = double(low);                   // correctly rounded
        } else if (carry == -1) {
            const U128 magnitude = -low;  // 2^128 - low
            total = low == 0 ? -0x1.0p128 : -double(magnitude);
        } else {
            total = std::ldexp(double(carry), 128) + double(low);
        }
        return std::ldexp(total, -kFractionBits);
    }

private:
    using U128 = ExactSumU128;
    static constexpr double kMaxMagnitude = 0x1.0p87;
};

// One exact sum.
class ExactSum {
public:
    static constexpr int kFractionBits = ExactSumWords::kFractionBits;
    static constexpr int kLimbs = ExactSumWords::kLimbs;
    static constexpr int kWords = ExactSumWords::kWords;

    void add(double term, std::int64_t multiplicity = 1) noexcept { ExactSumWords::add(w_, term, multiplicity); }

    // Adds the words of another partial sum (what an MPI_SUM all-reduce of the words does).
    void combine(const ExactSum& other) noexcept {
        for (int i = 0; i < kWords; ++i) w_[i] += other.w_[i];
    }

    // The words to all-reduce with MPI_SUM (MPI_INT64_T) before reading value().
    std::span<std::int64_t> sum_words() noexcept { return w_; }
    std::span<const std::int64_t> sum_words() const noexcept { return w_; }

    std::int64_t non_finite_terms() const noexcept { return w_[kLimbs]; }
    double value() const noexcept { return ExactSumWords::value(w_); }

private:
    std::array<std::int64_t, kWords> w_{};
};

// Many exact sums in one block of words, so that a single all-reduce combines them all.
class ExactSums {
public:
    explicit ExactSums(std::size_t n = 0) : w_(n * ExactSum::kWords, 0) {}
    std::size_t size() const noexcept { return w_.size() / ExactSum::kWords; }
    void add(std::size_t i, double term, std::int64_t multiplicity = 1) noexcept {
        ExactSumWords::add(words(i), term, multiplicity);
    }
    double value(std::size_t i) const noexcept {
        return ExactSumWords::value(ExactSumWords::ConstWords(w_.data() + i * ExactSum::kWords, ExactSum::kWords));
    }
    std::span<std::int64_t> sum_words() noexcept { return w_; }
    std::span<std::int64_t> max_words() noexcept { return {}; }

private:
    ExactSumWords::Words words(std::size_t i) noexcept {
        return ExactSumWords::Words(w_.data() + i * ExactSum::kWords, ExactSum::kWords);
    }
    std::vector<std::int64_t> w_;
};

}  // namespace engage::kernels
