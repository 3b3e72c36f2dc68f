#include "study/claims.hpp"

#include <boost/math/distributions/normal.hpp>

namespace engage::kernels {

namespace {

bool engaged(Tier t) noexcept { return t == Tier::fully_engaged || t == Tier::engaged; }

double z95() { return boost::math::quantile(boost::math::normal(), 0.975); }

// Sample variance from n, the sum and the sum of squares; NaN below two values.
double variance(std::int64_t n, double s, double q) noexcept {
    if (n < 2) return std::nan("");
    return std::fmax(0.0, (q - s * s / double(n)) / double(n - 1));
}

// value = exp(log_ratio) - 1 with the interval exp(log_ratio +- z sd) - 1.
void premium(ClaimResult& r, double log_ratio, double var_log) noexcept {
    if (!std::isfinite(log_ratio)) return;
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
    case Claim::revenue_premium_fully_engaged: {
        // Mean horizon revenue of the fully engaged over the mean of all customers at risk. The
        // fully engaged are part of the average, so the delta method carries their covariance:
        // Cov(mean_F, mean_all) = Var_F / n_all.
        const std::int64_t nf = count(g, n_fully), na = count(g, n_all);
        r.n = nf;
        r.n_reference = na;
        if (nf == 0 || na == 0) break;
        const double mf = sum(g, rev_fully) / double(nf), ma = sum(g, rev_all) / double(na);
        r.compared = mf;
        r.reference = ma;
        if (!(mf > 0 && ma > 0)) break;
        const double vf = variance(nf, sum(g, rev_fully), sum(g, rev2_fully));
        const double va = variance(na, sum(g, rev_all), sum(g, rev2_all));
        const double var_log = vf / (double(nf) * mf * mf) + va / (double(na) * ma * ma) - 2.0 * vf / (double(na) * mf * ma);
        premium(r, std::log(mf / ma), var_log);
        break;
    }
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
    case Claim::share_of_wallet_premium_engaged: {
        // Mean share of wallet of the engaged over the others (independent groups).
        const std::int64_t ne = count(g, n_sow_engaged), no = count(g, n_sow_other);
        r.n = ne;
        r.n_reference = no;
        if (ne == 0 || no == 0) break;
        const double me = sum(g, sow_engaged) / double(ne), mo = sum(g, sow_other) / double(no);
        r.compared = me;
        r.reference = mo;
        if (!(me > 0 && mo > 0)) break;
        const double ve = variance(ne, sum(g, sow_engaged), sum(g, sow2_engaged));
        const double vo = variance(no, sum(g, sow_other), sum(g, sow2_other));
        premium(r, std::log(me / mo), ve / (double(ne) * me * me) + vo / (double(no) * mo * mo));
        break;
    }
    }
    if (r.n < min_group_size || r.n_reference < min_group_size) {
        r.suppressed = true;
        r.value = r.ci_low = r.ci_high = std::nan("");
        r.compared = r.reference = std::nan("");
    }
    return r;
}

}  // namespace engage::kernels
