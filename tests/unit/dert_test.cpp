// Closed-form DERT (Fader, Hardie & Lee 2005, JMR 42(4)) for the Pareto/NBD and the BG/NBD
// against an independent route: delta * integral_0^inf e^{-delta t} E[Y(t) | x, t_x, T] dt
// (integration by parts of the discounted transaction stream, E[Y(0)] = 0), with E[Y(t)] the
// models' conditional expectations, integrated numerically (Gauss-Kronrod on geometric pieces
// of [0, 40 / delta]; the tail beyond is below e^-40 of the total). Relative 1e-8.
#include <gtest/gtest.h>

#include <boost/math/quadrature/exp_sinh.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <cmath>

#include "retention/dert.hpp"

namespace engage::kernels {
namespace {

template <class Expected>
double discounted_by_integration(const Expected& expected, double delta) {
    const double end = 40 / delta;
    double total = 0, lo = 0, hi = 0.5;
    while (lo < end) {
        hi = std::min(hi, end);
        total += boost::math::quadrature::gauss_kronrod<double, 61>::integrate(
            [&](double t) { return delta * std::exp(-delta * t) * expected(t); }, lo, hi, 12, 1e-13);
        lo = hi;
        hi *= 2;
    }
    return total;
}

const RfmSummary kCustomers[] = {{0, 0, 38.86}, {1, 2.0, 38.86}, {2, 30.43, 38.86}, {6, 35.0, 39.0},
                                 {15, 30.0, 32.0}, {3, 5.0, 70.0}};
const double kDeltas[] = {0.15 / 52, 0.01, 0.05};

TEST(Dert, ScaledUpperGammaMatchesItsIntegral) {
    boost::math::quadrature::exp_sinh<double> q;
    for (double a : {0.7, 0.39, 0.0, -0.3, -1.0, -2.5, -7.243, -40.5})
        for (double y : {0.003, 0.08, 0.9, 1.99, 2.0, 7.5, 60.0, 1e4}) {
            const double want = q.integrate([&](double t) { return std::exp(-y * t + (a - 1) * std::log1p(t)); }, 1e-14);
            EXPECT_NEAR(scaled_upper_gamma(a, y), want, 1e-11 * want) << "a=" << a << " y=" << y;
        }
}

TEST(Dert, ParetoNbdClosedFormMatchesNumericalDiscounting) {
    const ParetoNbdParams params[] = {{0.553, 10.578, 0.606, 11.669},  // CDNOW (FHL 2005 JMR)
                                      {1.3, 4.0, 2.4, 30.0},          // s > 1: Gamma(1 - s, z) with 1 - s < 0
                                      {0.9, 7.0, 2.0, 15.0}};         // s = 2: a whole number (E1 route)
    for (const auto& p : params)
        for (const auto& s : kCustomers)
            for (double delta : kDeltas) {
                const double closed = pareto_nbd_dert(p, s, delta);
                const double numeric =
                    discounted_by_integration([&](double t) { return pareto_nbd_expected_transactions(p, s, t); }, delta);
                EXPECT_NEAR(closed, numeric, 1e-8 * numeric)
                    << "r=" << p.r << " s=" << p.s << " x=" << s.x << " delta=" << delta;
            }
}

TEST(Dert, BgNbdMatchesNumericalDiscounting) {
    const BgNbdParams params[] = {{0.243, 4.414, 0.793, 2.426},  // CDNOW (FHL 2005 Marketing Science)
                                  {1.2, 6.0, 2.5, 0.7},          // b + x < 1 at x = 0: a singular Beta density at p = 1
                                  {0.5, 2.0, 0.4, 5.0}};
    for (const auto& p : params)
        for (const auto& s : kCustomers)
            for (double delta : kDeltas) {
                const double closed = bg_nbd_dert(p, s, delta);
                const double numeric =
                    discounted_by_integration([&](double t) { return bg_nbd_expected_transactions(p, s, t); }, delta);
                EXPECT_NEAR(closed, numeric, 1e-8 * numeric)
                    << "r=" << p.r << " a=" << p.a << " x=" << s.x << " delta=" << delta;
            }
}

TEST(Dert, ClvIsMarginTimesSpendTimesDert) {
    const ParetoNbdParams p{0.553, 10.578, 0.606, 11.669};
    const RfmSummary s{2, 30.43, 38.86};
    const double delta = weekly_continuous_rate(0.15);
    EXPECT_DOUBLE_EQ(delta, std::log(1.15) / 52);
    const double dert = pareto_nbd_dert(p, s, delta);
    EXPECT_DOUBLE_EQ(clv_from_dert(0.3, 35.0, dert), 0.3 * 35.0 * dert);
    EXPECT_TRUE(std::isnan(pareto_nbd_dert(p, s, 0)));
    EXPECT_TRUE(std::isnan(bg_nbd_dert({0.243, 4.414, 0.793, 2.426}, s, -1)));
    const double nan = std::nan("");
    EXPECT_TRUE(std::isnan(bg_nbd_dert({nan, nan, nan, nan}, s, delta)));  // an unfitted model: NaN, no throw
    EXPECT_TRUE(std::isnan(pareto_nbd_dert({nan, nan, nan, nan}, s, delta)));
}

}  // namespace
}  // namespace engage::kernels
