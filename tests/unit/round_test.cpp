// round_half_away (kernels/stats/round.hpp) against std::llround: the halves, the doubles next
// to them, the magnitudes where the spacing of doubles is 1/2, 1 and 2, and a million doubles
// drawn over every magnitude up to 2^62.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>

#include "stats/round.hpp"

namespace engage::kernels {
namespace {

void expect_as_llround(double x) {
    ASSERT_EQ(round_half_away(x), std::llround(x)) << "x = " << x;
    ASSERT_EQ(round_half_away(-x), std::llround(-x)) << "x = " << -x;
}

TEST(RoundHalfAway, HalvesAndTheirNeighbours) {
    for (double x : {0.0, 0.5, 1.5, 2.5, 1e6 + 0.5, 0.49999999999999994, 1.4999999999999998, 2.5000000000000004,
                     0x1p51 + 0.5, 0x1p51 - 0.5, 0x1p52 - 0.5, 0x1p52 + 1, 0x1p53 + 2, 0x1p62})
        for (double y : {x, std::nextafter(x, 0.0), std::nextafter(x, 1e300)}) expect_as_llround(y);
    EXPECT_EQ(round_half_away(0.5), 1);
    EXPECT_EQ(round_half_away(-2.5), -3);
    EXPECT_EQ(round_half_away(0.49999999999999994), 0);
}

TEST(RoundHalfAway, AMillionDoublesOfEveryMagnitude) {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> mantissa(1.0, 2.0);
    std::uniform_int_distribution<int> exponent(-60, 61);
    for (int i = 0; i < 1'000'000; ++i) {
        const double x = std::ldexp(mantissa(rng), exponent(rng));
        expect_as_llround(x);
        expect_as_llround(std::floor(x) + 0.5);  // an exact half, where representable
    }
}

}  // namespace
}  // namespace engage::kernels
