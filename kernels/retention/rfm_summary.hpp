#pragma once
// Per-customer sufficient statistics of the buy-till-you-die models, and their grouping.
// The likelihoods depend on a customer only through these summaries, so customers with the
// same summary are fitted once with a count (Fader, Hardie & Lee 2005, Marketing Science
// 24(2), section 4: the CDNOW sample has 2,357 customers but far fewer distinct summaries).
#include <algorithm>
#include <cmath>
#include <compare>
#include <cstdint>
#include <span>
#include <tuple>
#include <vector>

namespace engage::kernels {

// Calibration-period summary of one customer, time in weeks (any unit works if the horizon,
// the discount rate and the fitted alpha/beta use the same one).
struct RfmSummary {
    double x;    // number of repeat transactions (the first purchase is not counted)
    double t_x;  // recency: time of the last repeat transaction since the first purchase; 0 if x = 0
    double T;    // age: time from the first purchase to the end of the calibration period
    friend auto operator<=>(const RfmSummary&, const RfmSummary&) = default;
};

// Input of the Gamma-Gamma spend model: x repeat transactions with mean value m (x >= 1, m > 0).
struct SpendSummary {
    double x;
    double m;
    friend auto operator<=>(const SpendSummary&, const SpendSummary&) = default;
};

template <class Summary>
struct Grouped {
    Summary summary;
    std::int64_t count;  // customers with exactly this summary
    friend bool operator==(const Grouped&, const Grouped&) = default;
};

using RfmGroup = Grouped<RfmSummary>;
using SpendGroup = Grouped<SpendSummary>;

// Distinct summaries, sorted ascending (x first), each with its number of customers.
template <class Summary>
std::vector<Grouped<Summary>> group_summaries(std::span<const Summary> customers) {
    std::vector<Summary> sorted(customers.begin(), customers.end());
    std::sort(sorted.begin(), sorted.end());
    std::vector<Grouped<Summary>> groups;
    for (const Summary& s : sorted) {
        if (!groups.empty() && groups.back().summary == s)
            ++groups.back().count;
        else
            groups.push_back({s, 1});
    }
    return groups;
}

// Merges already grouped lists (e.g. from shards) into one sorted list, adding counts.
template <class Summary>
std::vector<Grouped<Summary>> merge_groups(std::span<const Grouped<Summary>> a,
                                           std::span<const Grouped<Summary>> b) {
    std::vector<Grouped<Summary>> out;
    out.reserve(a.size() + b.size());
    std::size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
        if (j == b.size() || (i < a.size() && a[i].summary < b[j].summary)) {
            out.push_back(a[i++]);
        } else if (i == a.size() || b[j].summary < a[i].summary) {
            out.push_back(b[j++]);
        } else {
            out.push_back({a[i].summary, a[i].count + b[j].count});
            ++i, ++j;
        }
    }
    return out;
}

// Why a summary cannot enter a fit, or nullptr: x a whole number >= 0, 0 <= t_x <= T, all
// finite, and t_x = 0 when x = 0. For the caller's input check, identical on every rank.
inline const char* rfm_summary_problem(const RfmSummary& s) noexcept {
    if (!(std::isfinite(s.x) && std::isfinite(s.t_x) && std::isfinite(s.T))) return "x, t_x and T must be finite";
    if (s.x < 0 || s.x != std::floor(s.x)) return "x must be a whole number of repeat transactions, at least 0";
    if (s.t_x < 0 || s.t_x > s.T) return "the recency t_x must lie in [0, T]";
    if (s.x == 0 && s.t_x != 0) return "t_x must be 0 when x = 0";
    return nullptr;
}

// The same for the Gamma-Gamma input: x a whole number >= 1, m > 0, finite.
inline const char* spend_summary_problem(const SpendSummary& s) noexcept {
    if (!(std::isfinite(s.x) && s.x >= 1 && s.x == std::floor(s.x))) return "x must be a whole number, at least 1";
    if (!(std::isfinite(s.m) && s.m > 0)) return "the mean transaction value m must be positive and finite";
    return nullptr;
}

// Total number of customers in a list of groups.
template <class Summary>
std::int64_t customer_count(std::span<const Grouped<Summary>> groups) noexcept {
    std::int64_t n = 0;
    for (const auto& g : groups) n += g.count;
    return n;
}

}  // namespace engage::kernels
