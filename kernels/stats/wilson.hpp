#pragma once
// The Wilson (1927) score interval of a binomial proportion x / n: the proportions p whose score
// test |x/n - p| / sqrt(p (1 - p) / n) <= z does not reject, solved in closed form,
//   centre = (x + z^2/2) / (n + z^2),  half-width = z / (n + z^2) * sqrt(x (n - x) / n + z^2 / 4).
// Unlike the Wald interval it stays inside [0, 1] and keeps near its nominal coverage for small
// n and for proportions near 0 or 1 (Agresti & Coull 1998; Brown, Cai & DasGupta 2001), which a
// cohort table's small and nearly-all-retained cells are. docs/metrics.md, "Cohort retention".
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace engage::kernels {

struct ProportionInterval {
    double lower, upper;
};

// z = 1.959963984540054 is the 97.5 % normal quantile: a 95 % interval. NaN bounds for n <= 0.
inline ProportionInterval wilson_interval(std::int64_t x, std::int64_t n, double z = 1.959963984540054) noexcept {
    if (n <= 0) return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
    const double nn = double(n), xx = double(x), z2 = z * z;
    const double centre = (xx + z2 / 2) / (nn + z2);
    const double half = z / (nn + z2) * std::sqrt(xx * (nn - xx) / nn + z2 / 4);
    // At x = 0 (or n) the bound is exactly 0 (1); rounding must not push it past.
    return {x <= 0 ? 0.0 : std::max(0.0, centre - half), x >= n ? 1.0 : std::min(1.0, centre + half)};
}

}  // namespace engage::kernels
