#include "survival/log_rank.hpp"

#include <boost/math/distributions/chi_squared.hpp>

#include <cmath>
#include <limits>

#include "stats/cholesky.hpp"

namespace engage::kernels {

namespace {

// Solves A x = b in place for a small symmetric positive definite A (n x n, row-major); false
// when A is singular up to rounding (a pivot at or below 1e-12 of its diagonal entry).
bool solve_spd(std::vector<double>& a, std::vector<double>& b, std::size_t n) {
    if (!cholesky_factor(a, n, 1e-12)) return false;
    cholesky_solve_factored(a, n, b, b);
    return true;
}

}  // namespace

LogRankTest log_rank(const SurvivalCounts& counts, std::span<const std::size_t> groups) {
    LogRankTest test;
    std::vector<std::int64_t> at_risk;
    for (std::size_t g : groups)
        if (counts.subjects(g) > 0) {
            test.groups.push_back(g);
            at_risk.push_back(counts.at_risk_at_start(g));  // delayed entries join later
        }
    const std::size_t k = test.groups.size();
    test.observed.assign(k, 0);
    test.expected.assign(k, 0.0);
    test.covariance.assign(k * k, 0.0);
    if (k < 2) return test;

    // At each event time t with N at risk and D events in all, n_g at risk in group g
    // (Collett 2015, sec. 2.6.2 and 2.8; Kleinbaum & Klein 2012, ch. 2, appendix):
    //   E_g  += D n_g / N
    //   V_gh += D (N - D) / (N - 1) * n_g / N * (delta_gh - n_h / N)   (hypergeometric covariance)
    std::vector<std::int64_t> d(k);
    for (std::int32_t t = 0; t <= counts.max_duration(); ++t) {
        std::int64_t total_d = 0, total_n = 0;
        for (std::size_t i = 0; i < k; ++i) {
            d[i] = counts.events(test.groups[i], t);
            total_d += d[i];
            total_n += at_risk[i];
        }
        if (total_d > 0) {
            const double big_d = double(total_d), big_n = double(total_n);
            for (std::size_t i = 0; i < k; ++i) {
                test.observed[i] += d[i];
                test.expected[i] += big_d * double(at_risk[i]) / big_n;
            }
            if (total_n > 1) {
                const double f = big_d * (big_n - big_d) / (big_n - 1.0);
                for (std::size_t i = 0; i < k; ++i)
                    for (std::size_t j = 0; j < k; ++j) {
                        const double pi = double(at_risk[i]) / big_n, pj = double(at_risk[j]) / big_n;
                        test.covariance[i * k + j] += f * pi * ((i == j ? 1.0 : 0.0) - pj);
                    }
            }
        }
        for (std::size_t i = 0; i < k; ++i)
            at_risk[i] += counts.entered(test.groups[i], t) - counts.events(test.groups[i], t) -
                          counts.censored(test.groups[i], t);
    }

    for (std::size_t i = 0; i < k; ++i) {
        const double diff = double(test.observed[i]) - test.expected[i];
        if (test.expected[i] > 0) test.approximate_chi_square += diff * diff / test.expected[i];
    }
    // O - E sums to zero over the groups and V is singular; drop the last group and use the
    // (k-1) x (k-1) block: chi^2 = u' V^-1 u with k - 1 degrees of freedom.
    const std::size_t m = k - 1;
    test.degrees_of_freedom = int(m);
    std::vector<double> v(m * m), u(m), x(m);
    for (std::size_t i = 0; i < m; ++i) {
        u[i] = x[i] = double(test.observed[i]) - test.expected[i];
        for (std::size_t j = 0; j < m; ++j) v[i * m + j] = test.covariance[i * k + j];
    }
    if (!solve_spd(v, x, m)) {
        test.chi_square = test.p_value = std::numeric_limits<double>::quiet_NaN();
        return test;
    }
    test.chi_square = 0;
    for (std::size_t i = 0; i < m; ++i) test.chi_square += u[i] * x[i];
    test.p_value = boost::math::cdf(boost::math::complement(
        boost::math::chi_squared_distribution<double>(double(m)), test.chi_square));
    return test;
}

}  // namespace engage::kernels
