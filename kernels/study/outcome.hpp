#pragma once
// What happened to a customer after a scoring date T, observed over the horizon (T, T + H]:
// the outcomes that the backtests, the correlations and the seed claims compare the scores of T
// with (docs/metrics.md, "Backtests"). Pure: one customer's interactions in time order.
#include <cstdint>
#include <span>
#include <vector>

#include "features/feature_pass.hpp"

namespace engage::kernels {

struct StudyHorizon {
    Day as_of = 0;                  // T: the scores use the data up to this day
    Day end = 0;                    // T + H: the last day of the horizon
    std::int32_t churn_days = 90;   // non-contractual: churned after this many days without an interaction
    int cancel_code = -1;           // contractual: the cancel channel's code (-1: non-contractual)
};

struct StudyOutcome {
    Day acquisition_day = kNoDay;   // (its acquisition cohort)
    bool at_risk = false;           // a customer at T: acquired by T and not churned by T
    bool retained = false;          // still a customer at T + H (meaningful when at_risk)
    std::int32_t recency_days = -1; // T - the last interaction up to T (the acquisition day counts)
    std::int64_t horizon_revenue_cents = 0;  // purchases in (T, T + H]
    bool planted_at_risk = false;   // the planted truth says: a customer at T (generated data only)
    bool planted_retained = false;  // ... and still one at T + H
};

// Customer k of the shard. Non-contractual (cancel_code < 0), the churn definition of the
// retention study (churned after churn_days days without an interaction): at risk when its last
// interaction up to T is fewer than churn_days days before T; retained when its last interaction
// up to T + H is fewer than churn_days days before T + H (so with H >= churn_days: it interacted
// in the last churn_days days of the horizon). Contractual: at risk when acquired by T and not
// cancelled by T; retained when not cancelled by T + H. With `has_truth`, `planted_churn_day`
// (-1: never) gives the planted outcome of generated data as well.
inline StudyOutcome study_outcome(const ShardView& v, std::size_t k, const ChannelKinds& kinds,
                                  const StudyHorizon& h, Day planted_churn_day = kNoDay,
                                  bool has_truth = false) noexcept {
    StudyOutcome o;
    const Day acquired = v.acquisition_day[k];
    o.acquisition_day = acquired;
    if (acquired > h.as_of) return o;
    Day last = kNoDay, last_end = kNoDay, cancelled = kNoDay;
    for (std::size_t i = v.offsets[k]; i < v.offsets[k + 1]; ++i) {
        const Event e = make_event(v, i, kinds);
        if (e.day > h.end) break;
        if (h.cancel_code >= 0 && e.channel == h.cancel_code && cancelled == kNoDay && e.day >= acquired)
            cancelled = e.day;
        if (company_kind(e.kind)) continue;  // the company's touches are not the customer's activity
        last_end = e.day;
        if (e.day <= h.as_of) {
            last = e.day;
            continue;
        }
        if (e.kind == ChannelKind::purchase) o.horizon_revenue_cents += e.hundredths;
    }
    o.recency_days = h.as_of - (last == kNoDay || last < acquired ? acquired : last);
    if (h.cancel_code >= 0) {
        o.at_risk = cancelled == kNoDay || cancelled > h.as_of;
        o.retained = cancelled == kNoDay;
    } else {
        // The acquisition day counts as an interaction (kernels/survival/churn.hpp).
        const Day seen_end = last_end == kNoDay || last_end < acquired ? acquired : last_end;
        o.at_risk = o.recency_days < h.churn_days;
        o.retained = h.end - seen_end < h.churn_days;
    }
    if (has_truth) {
        o.planted_at_risk = planted_churn_day < 0 || planted_churn_day > h.as_of;
        o.planted_retained = planted_churn_day < 0 || planted_churn_day > h.end;
    }
    return o;
}

// Every customer of a shard; `planted_churn_day` is per customer, or empty without a truth.
inline void append_outcomes(const ShardView& v, const ChannelKinds& kinds, const StudyHorizon& h,
                            std::span<const Day> planted_churn_day, std::vector<StudyOutcome>& out) {
    const bool truth = !planted_churn_day.empty();
    for (std::size_t k = 0; k < v.customers(); ++k)
        out.push_back(study_outcome(v, k, kinds, h, truth ? planted_churn_day[k] : kNoDay, truth));
}

}  // namespace engage::kernels
