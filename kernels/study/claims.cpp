#include "study/claims.hpp"

#include <boost/math/distributions/normal.hpp>

namespace engage::kernels {

namespace {

bool engaged(Tier t) noexcept { return t == Tier::fully_engaged || t == Tier::engaged; }

double z95() { return boost::math::quantile(boost::math::normal(), 0.975); }

// A group's count, sum and sum of squares.
struct Moments {
    std::int64_t n;
    double sum, sum2;
    double mean() const noexcept { return sum / double(n); }
    // Sample variance; NaN below two values.
    double variance() const noexcept {
        return n < 2 ? std::nan("") : std::fmax(0.0, (sum2 - sum * sum / double(n)) / double(n - 1));
    }
};

// The premium of group a's mean over group b's, mean_a / mean_b - 1, with the delta method's
// interval exp(log ratio +- z sd) - 1 (Oehlert 1992). `nested`: a is part of b, so that
// Cov(mean_a, mean_b) = Var_a / n_b; otherwise the groups are independent.
void mean_premium(ClaimResult& r, const Moments& a, const Moments& b, bool nested) noexcept {
    r.n = a.n;
    r.n_reference = b.n;
    if (a.n == 0 || b.n == 0) return;
    const double ma = a.mean(), mb = b.mean();
    r.compared = ma;
    r.reference = mb;
    if (!(ma > 0 && mb > 0)) return;
    const double va = a.variance(), vb = b.variance();
    double var_log = va / (double(a.n) * ma * ma) + vb / (double(b.n) * mb * mb);
    if (nested) var_log -= 2.0 * va / (double(b.n) * ma * mb);
    const double log_ratio = std::log(ma / mb);
    r.value = std::expm1(log_ratio);
    if (!(var_log >= 0)) return;
    const double h = z95() * std::sqrt(var_log);
    r.ci_low = std::expm1(log_ratio - h);
    r.ci_high = std::expm1(log_ratio + h);
}

}  // namespace

void ClaimsState::add(std::size_t g, const StudyCustomer& c) noexcept {
    std::int64_t* n = &ints_[g * kInts];
    auto sum = [&](std::size_t i, double x) { sums_.add(g * kSums + i, x); };
    const double revenue = double(c.outcome.horizon_revenue_cents) / 100.0;
    const bool churned = !c.outcome.retained;
    n[n_all] += 1;
    sum(rev_all, revenue);
    sum(rev2_all, revenue * revenue);
    if (c.tier == Tier::fully_engaged) {
        n[n_fully] += 1;
        sum(rev_fully, revenue);
        sum(rev2_fully, revenue * revenue);
    }
    const bool e = engaged(c.tier);
    n[e ? n_engaged : n_not] += 1;
    n[e ? churned_engaged : churned_not] += churned;
    if (!std::isnan(c.share_of_wallet)) {
        n[e ? n_sow_engaged : n_sow_other] += 1;
        sum(e ? sow_engaged : sow_other, c.share_of_wallet);
        sum(e ? sow2_engaged : sow2_other, c.share_of_wallet * c.share_of_wallet);
    }
}

ClaimResult ClaimsState::result(Claim claim, std::size_t g, std::int64_t min_group_size) const noexcept {
    ClaimResult r;
    switch (claim) {
    case Claim::revenue_premium_fully_engaged:
        // Mean horizon revenue of the fully engaged over that of all customers at risk (nested).
        mean_premium(r, {count(g, n_fully), sum(g, rev_fully), sum(g, rev2_fully)},
                     {count(g, n_all), sum(g, rev_all), sum(g, rev2_all)}, true);
        break;
    case Claim::attrition_reduction_engaged: {
        // 1 - relative risk of churn, engaged vs not engaged; Katz's log interval of the risk ratio.
        const std::int64_t ne = count(g, n_engaged), nn = count(g, n_not);
        const std::int64_t ce = count(g, churned_engaged), cn = count(g, churned_not);
        r.n = ne;
        r.n_reference = nn;
        if (ne == 0 || nn == 0) break;
        r.compared = double(ce) / double(ne);
        r.reference = double(cn) / double(nn);
        if (ce == 0 || cn == 0) break;
        const double log_rr = std::log(r.compared / r.reference);
        const double h = z95() * std::sqrt(1.0 / double(ce) - 1.0 / double(ne) + 1.0 / double(cn) - 1.0 / double(nn));
        r.value = -std::expm1(log_rr);
        r.ci_low = -std::expm1(log_rr + h);
        r.ci_high = -std::expm1(log_rr - h);
        break;
    }
    case Claim::share_of_wallet_premium_engaged:
        // Mean share of wallet of the engaged over the others (independent groups).
        mean_premium(r, {count(g, n_sow_engaged), sum(g, sow_engaged), sum(g, sow2_engaged)},
                     {count(g, n_sow_other), sum(g, sow_other), sum(g, sow2_other)}, false);
        break;
    }
    if (r.n < min_group_size || r.n_reference < min_group_size) {
        r.suppressed = true;
        r.value = r.ci_low = r.ci_high = std::nan("");
        r.compared = r.reference = std::nan("");
    }
    return r;
}

}  // namespace engage::kernels
