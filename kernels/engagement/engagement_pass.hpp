#pragma once
// The engagement model after the feature pass, over compact per-customer records (88 bytes a
// customer): collect the metric keys, score every customer against the global histograms, and
// summarise. The caller reduces the histograms between steps (jobs/engagement_stage.cpp).
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "engagement/scoring.hpp"
#include "report/engagement_summary.hpp"
#include "stats/rank_correlation.hpp"
#include "stats/round.hpp"

namespace engage::kernels {

struct EngagementRecord {
    std::uint64_t id = 0;  // /customers/id
    MetricKeys now, previous;
    TierEvidence evidence_now, evidence_previous;
    std::int8_t last_nps = -1;
    bool reference = true;  // in the population the percentiles rank against (alive at the date)
    std::uint32_t business_unit = 0, region = 0, rm = 0;
    std::int64_t revenue_cents = 0;
    std::int64_t wallet_cents = -1;
    std::int64_t yearly_spend_cents = 0;
    double truth = std::numeric_limits<double>::quiet_NaN();  // planted engagement, when known
};

// Customer attributes the record needs besides its features.
struct CustomerAttributes {
    std::uint32_t business_unit, region, rm;
    double wallet;  // NaN when unknown
    double truth;   // engagement at the as-of date; NaN when the file has no /truth
};

inline EngagementRecord make_record(const CustomerFeatures& f, const CustomerAttributes& a,
                                    std::int32_t window_days) noexcept {
    EngagementRecord r;
    r.now = metric_keys(f.engagement_now);
    r.previous = metric_keys(f.engagement_previous);
    r.evidence_now = tier_evidence(f.engagement_now);
    r.evidence_previous = tier_evidence(f.engagement_previous);
    r.last_nps = f.engagement_now.last_nps;
    r.business_unit = a.business_unit;
    r.region = a.region;
    r.rm = a.rm;
    r.revenue_cents = f.monetary_cents;
    r.wallet_cents = std::isnan(a.wallet) || a.wallet <= 0 ? -1 : std::llround(a.wallet * 100.0);
    r.yearly_spend_cents = f.monetary_cents * 365 / window_days;
    r.truth = a.truth;
    return r;
}

// The planted engagement of a customer at a date: its latent level while a customer, 0 once
// it has churned (a churned customer is not engaged, whatever its level was).
inline double planted_engagement(double latent, Day churn_day, Day as_of) noexcept {
    return churn_day >= 0 && churn_day <= as_of ? 0.0 : latent;
}

// Appends the records of a shard's customers (the attribute spans are per customer; wallet
// and the truth spans may be empty). OpenMP; each customer's record by one thread.
inline void collect_records(std::span<const CustomerFeatures> f, std::span<const std::uint64_t> id,
                            std::span<const std::uint32_t> business_unit,
                            std::span<const std::uint32_t> region, std::span<const std::uint32_t> rm,
                            std::span<const double> wallet, std::span<const double> truth,
                            std::span<const Day> truth_churn, Day as_of, std::int32_t window_days,
                            std::vector<EngagementRecord>& out) {
    constexpr double unknown = std::numeric_limits<double>::quiet_NaN();
    const std::size_t first = out.size();
    out.resize(first + f.size());
    EngagementRecord* const rows = out.data() + first;
    const auto n = std::int64_t(f.size());
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) {
        rows[i] = make_record(f[i],
                              {business_unit[i], region[i], rm[i], wallet.empty() ? unknown : wallet[i],
                               truth.empty() ? unknown : planted_engagement(truth[i], truth_churn[i], as_of)},
                              window_days);
        rows[i].id = id[i];
    }
}

// Non-contractual: alive at the date when its last interaction up to it (the acquisition day
// counting as one) is fewer than `churn_days` days before it (kernels/study/outcome.hpp).
inline bool alive_at(const CustomerFeatures& f, std::int32_t churn_days) noexcept {
    if (f.tenure_days < 0) return false;
    const std::int32_t recency = f.last_interaction_days < 0 || f.last_interaction_days > f.tenure_days
                                     ? f.tenure_days
                                     : f.last_interaction_days;
    return recency < churn_days;
}

// The metric keys of the records in the reference population.
inline void add_keys(std::span<const EngagementRecord> records, MetricHistograms& h) noexcept {
    for (const auto& r : records) {
        if (!r.reference) continue;
        for (int m = 0; m < kMetrics; ++m)
            if (r.now.is_known(Metric(m))) h.add(series_of(Metric(m)), r.now.key[m]);
    }
}

inline ScoredCustomer score_record(const EngagementRecord& r, const MetricHistograms& h,
                                   const EngagementConfig& cfg) noexcept {
    ScoredCustomer c;
    c.id = r.id;
    c.business_unit = r.business_unit;
    c.region = r.region;
    c.rm = r.rm;
    c.now = score_customer(r.now, r.evidence_now, h, cfg);
    c.previous = score_customer(r.previous, r.evidence_previous, h, cfg);
    c.last_nps = r.last_nps;
    c.revenue_cents = r.revenue_cents;
    c.wallet_cents = r.wallet_cents;
    c.yearly_spend_cents = r.yearly_spend_cents;
    return c;
}

// Scores every record (OpenMP; each customer by one thread).
inline void score_all(std::span<const EngagementRecord> records, const MetricHistograms& h,
                      const EngagementConfig& cfg, std::span<ScoredCustomer> out) noexcept {
    const auto n = std::int64_t(records.size());
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) out[i] = score_record(records[i], h, cfg);
}

// Keys of the validation against the planted truth: series 0 the composite, 1 the truth.
using ValidationHistograms = KeyHistograms<2>;
inline std::uint16_t composite_key(double composite) noexcept {
    return std::uint16_t(round_half_away(std::fmin(100.0, std::fmax(0.0, composite)) * 655.35));
}
inline std::uint16_t truth_key(double truth) noexcept {
    return std::uint16_t(round_half_away(std::fmin(1.0, std::fmax(0.0, truth)) * 65535.0));
}
inline bool validated(const EngagementRecord& r, const ScoredCustomer& c) noexcept {
    return c.now.acquired && !std::isnan(r.truth);
}

// The keys of a customer validated against the planted truth (acquired, with a known truth).
struct ValidationPair {
    std::uint16_t composite, truth;
};

// The pairs of the validated customers among `records`, in order.
inline void validation_pairs(std::span<const EngagementRecord> records, std::span<const ScoredCustomer> scored,
                             std::vector<ValidationPair>& out) {
    out.clear();
    for (std::size_t i = 0; i < records.size(); ++i)
        if (validated(records[i], scored[i]))
            out.push_back({composite_key(scored[i].now.composite), truth_key(records[i].truth)});
}

inline void add_validation_keys(std::span<const ValidationPair> pairs, ValidationHistograms& h) noexcept {
    for (const auto& p : pairs) {
        h.add(0, p.composite);
        h.add(1, p.truth);
    }
}

// The rank correlation of the composite with the planted engagement, once the validation
// histograms are complete.
inline void correlate_with_truth(std::span<const ValidationPair> pairs, const ValidationHistograms& v,
                                 RankCorrelation& rho) noexcept {
    for (const auto& p : pairs) rho.add(v.twice_midrank(0, p.composite), v.twice_midrank(1, p.truth));
}

}  // namespace engage::kernels
