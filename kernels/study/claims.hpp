#pragma once
// The seed claims of Engage's mission, measured on the customer base instead of asserted
// (docs/metrics.md, "Seed claims"): the revenue premium of fully engaged customers over the
// average (Gallup: +23 %), the lower attrition of engaged customers (a B2B study: 63 % lower) and
// their higher share of wallet (55 % higher), each with a 95 % interval, for the corporation and
// every business unit. Customers at risk at T, outcomes over (T, T + H]. A mergeable state.
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "stats/exact_sum.hpp"
#include "study/backtest.hpp"

namespace engage::kernels {

enum class Claim : int { revenue_premium_fully_engaged, attrition_reduction_engaged, share_of_wallet_premium_engaged };
constexpr int kClaims = 3;
constexpr const char* kClaimNames[kClaims] = {"revenue_premium_fully_engaged", "attrition_reduction_engaged",
                                             "share_of_wallet_premium_engaged"};

// One claim in one group: the measured value, its interval and the customers behind it (the
// compared group and the one it is compared with), plus the two quantities compared.
struct ClaimResult {
    double value = std::nan(""), ci_low = std::nan(""), ci_high = std::nan("");
    std::int64_t n = 0, n_reference = 0;
    double compared = std::nan(""), reference = std::nan("");  // means or churn rates
    bool suppressed = false;  // a group below the minimum size: value and interval withheld
};

// Groups: 0 the corporation, 1 + b business unit b.
class ClaimsState {
public:
    explicit ClaimsState(std::size_t business_units)
        : groups_(1 + business_units), ints_(groups_ * kInts, 0), sums_(groups_ * kSums) {}

    void add(const StudyCustomer& c) noexcept {
        if (!c.acquired || !c.outcome.at_risk) return;
        add(0, c);
        add(1 + std::size_t(c.business_unit), c);
    }

    std::size_t groups() const noexcept { return groups_; }
    // The claims need every rank's customers: all-reduce both (integer counts, exact sums).
    std::span<std::int64_t> sum_words() noexcept { return ints_; }
    std::span<std::int64_t> sum_words_exact() noexcept { return sums_.sum_words(); }

    ClaimResult result(Claim claim, std::size_t group, std::int64_t min_group_size) const noexcept;

private:
    // Counts: fully engaged, all, engaged, engaged churned, not engaged, not engaged churned,
    // engaged with a known wallet, others with a known wallet.
    enum : std::size_t { n_fully, n_all, n_engaged, churned_engaged, n_not, churned_not, n_sow_engaged, n_sow_other, kInts };
    // Exact sums of horizon revenue (currency units) and share of wallet, and their squares.
    enum : std::size_t { rev_fully, rev2_fully, rev_all, rev2_all, sow_engaged, sow2_engaged, sow_other, sow2_other, kSums };
    void add(std::size_t g, const StudyCustomer& c) noexcept;
    std::int64_t count(std::size_t g, std::size_t i) const noexcept { return ints_[g * kInts + i]; }
    double sum(std::size_t g, std::size_t i) const noexcept { return sums_.value(g * kSums + i); }

    std::size_t groups_;
    std::vector<std::int64_t> ints_;
    ExactSums sums_;
};

// Everything the backtest of one date found, all ranks combined.
struct BacktestResult {
    // [outcome: 0 observed, 1 planted][predictor]
    std::array<std::array<AucResult, kPredictors>, 2> auc{};
    BacktestSums sums;
    ClaimsState claims;
    std::int64_t at_risk = 0, churned = 0;
};

}  // namespace engage::kernels
