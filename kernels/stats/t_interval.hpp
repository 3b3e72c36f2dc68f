#pragma once
// A two-sided 95 % Student t interval of a mean (docs/metrics.md, "Intervals on group means").
#include <array>
#include <cmath>
#include <cstdint>

namespace engage::kernels {

// The 0.975 quantile of Student's t with `df` degrees of freedom (df >= 1): the printed table
// (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2) up to 30, beyond it the Cornish-Fisher
// expansion z + (z^3 + z) / (4 df) + (5 z^5 + 16 z^3 + 3 z) / (96 df^2), within 1e-4 of the table there.
inline double t_quantile_975(std::int64_t df) noexcept {
    static constexpr std::array<double, 30> table = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                                     2.262,  2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120,
                                                     2.110,  2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
                                                     2.060,  2.056, 2.052, 2.048, 2.045, 2.042};
    if (df <= 30) return table[std::size_t(df < 1 ? 1 : df) - 1];
    constexpr double z = 1.959963984540054;
    const double d = double(df), z3 = z * z * z, z5 = z3 * z * z;
    return z + (z3 + z) / (4 * d) + (5 * z5 + 16 * z3 + 3 * z) / (96 * d * d);
}

struct MeanInterval {
    double low = NAN, high = NAN;
    bool known() const noexcept { return !std::isnan(low); }
};

// mean +- t(0.975, n - 1) sd / sqrt(n); unknown for n < 2.
inline MeanInterval t_interval(double mean, double sd, std::int64_t n) noexcept {
    if (n < 2 || std::isnan(sd)) return {};
    const double half = t_quantile_975(n - 1) * sd / std::sqrt(double(n));
    return {mean - half, mean + half};
}

}  // namespace engage::kernels
