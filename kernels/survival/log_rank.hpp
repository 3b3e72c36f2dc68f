#pragma once
// The log-rank test of equal survival between groups (Mantel 1966; Peto & Peto 1972): at each
// event time, the events of each group are compared with those expected if every group had the
// same hazard; the chi-square statistic has (groups - 1) degrees of freedom. Finalize only, from
// the integer SurvivalCounts, serially in time order: identical on every rank.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "survival/survival_counts.hpp"

namespace engage::kernels {

struct LogRankTest {
    std::vector<std::size_t> groups;     // the groups compared: those given with >= 1 subject
    std::vector<std::int64_t> observed;  // O_g: events per group
    std::vector<double> expected;        // E_g: expected events under equal hazards
    std::vector<double> covariance;      // V: Cov(O - E), groups x groups, row-major
    double chi_square = 0;               // (O - E)' V^- (O - E): the log-rank statistic
    int degrees_of_freedom = 0;          // groups.size() - 1
    double p_value = 1;                  // P(chi^2_df >= chi_square)
    // Peto's approximation sum (O_g - E_g)^2 / E_g, never larger than chi_square (Kleinbaum &
    // Klein 2012, ch. 2): shown alongside because many textbooks print it.
    double approximate_chi_square = 0;
};

// The test between `groups` (indices < counts.groups()). Groups without subjects are left out.
// With fewer than two groups left, chi_square = 0, degrees_of_freedom = 0 and p_value = 1;
// where V is singular (no event time with two groups at risk) chi_square and p_value are NaN.
LogRankTest log_rank(const SurvivalCounts& counts, std::span<const std::size_t> groups);

}  // namespace engage::kernels
