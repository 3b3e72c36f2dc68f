#pragma once
// The landmark view of survival (Anderson, Cain & Gelber 1983; van Houwelingen 2007): the
// customers still customers at the landmark date T (the as-of date), followed over (T, T + H]
// (the holdout). What happened up to T (their tier, their covariates) predicts what happens
// after it, which is what a survival analysis by engagement tier needs: grouping by a tier
// measured at the end of follow-up (the retention study's descriptive curves) is circular.
//
// The churn definitions are those of kernels/survival/churn.hpp and the study's outcome
// (kernels/study/outcome.hpp): a customer at risk at T here is one at risk there, and one with no
// churn in the follow-up is one `retained` there.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "features/feature_pass.hpp"
#include "study/outcome.hpp"
#include "survival/churn.hpp"

namespace engage::kernels {

struct LandmarkTime {
    bool at_risk = false;     // acquired by T and not churned by T
    SurvivalTime follow_up;   // when at_risk: days after T to churn (1..H, event) or H (censored)
};

// Customer k of the shard, with T = h.as_of and T + H = h.end. The churn day is the one
// churn.hpp gives with the observation ending at T + H (non-contractual: the last interaction
// up to T + H plus churn_days; contractual: the first interaction on the cancel channel); a
// customer at risk at T has its churn day after T, so the follow-up duration is churn day - T
// when that is <= T + H, and H (censored) otherwise. `activity` is scratch space.
inline LandmarkTime landmark_time(const ShardView& v, std::size_t k, const ChannelKinds& kinds,
                                  const StudyHorizon& h, std::vector<Day>& activity) {
    LandmarkTime out;
    const Day acquired = v.acquisition_day[k];
    if (acquired > h.as_of) return out;
    activity.clear();
    std::optional<Day> cancelled;
    for (std::size_t i = v.offsets[k]; i < v.offsets[k + 1]; ++i) {
        const Event e = make_event(v, i, kinds);
        if (e.day > h.end) break;
        if (h.cancel_code >= 0 && e.channel == h.cancel_code && !cancelled && e.day >= acquired) cancelled = e.day;
        if (company_kind(e.kind)) continue;  // the company's touches are not the customer's activity
        if (activity.empty() || activity.back() != e.day) activity.push_back(e.day);
    }
    const auto at = [&](Day end) {
        return h.cancel_code >= 0 ? contractual_churn(cancelled, acquired, end)
                                  : non_contractual_churn(activity, acquired, end, h.churn_days);
    };
    const std::optional<SurvivalTime> by_t = at(h.as_of), by_end = at(h.end);
    if (!by_t || by_t->event || !by_end) return out;
    out.at_risk = true;
    const std::int32_t horizon = h.end - h.as_of;
    out.follow_up = by_end->event ? SurvivalTime{acquired + by_end->duration - h.as_of, true}
                                  : SurvivalTime{horizon, false};
    return out;
}

}  // namespace engage::kernels
