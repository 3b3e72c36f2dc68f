#pragma once
// A customer's purchases summarised for the buy-till-you-die models and its survival time, from
// its interactions in a shard (the CDNOW conventions, Fader, Hardie & Lee 2005: time in weeks,
// the first purchase is the trial and is not counted, purchases on one day are one
// transaction whose value is the day's total).
#include <cstdint>
#include <optional>
#include <vector>

#include "cohort/cohort_retention.hpp"
#include "features/feature_pass.hpp"
#include "retention/bgbb_pattern.hpp"
#include "retention/rfm_summary.hpp"
#include "survival/churn.hpp"

namespace engage::kernels {

struct PurchaseHistory {
    bool calibrated = false;          // made a first purchase on or before the calibration end
    RfmSummary rfm{};                 // x, t_x, T in weeks up to the calibration end
    double holdout_transactions = 0;  // repeat transactions in (calibration end, holdout end]
    double mean_repeat_value = 0;     // mean value of the repeat transactions in calibration
    std::optional<SurvivalTime> survival;  // non-contractual churn as of the calibration end
    BgbbHistory bgbb{};               // the discrete-time pattern, when a period grid is given
};

// Customer k of the shard. Its survival time (kernels/survival/churn.hpp) is contractual when
// `cancel_code` >= 0 (churn on the first interaction on that channel), otherwise
// non-contractual: churned after `inactive_days` without any interaction.
inline PurchaseHistory purchase_history(const ShardView& v, std::size_t k, const ChannelKinds& kinds,
                                        Day calibration_end, Day holdout_end, std::int32_t inactive_days,
                                        int cancel_code, std::vector<Day>& activity_scratch,
                                        Day observation_start = kNoDay) {
    PurchaseHistory h;
    Day first = kNoDay, last_repeat = kNoDay, day = kNoDay;
    std::int64_t repeat_cents = 0;
    std::uint32_t repeats = 0, holdout = 0;
    std::optional<Day> cancelled;
    activity_scratch.clear();
    for (std::size_t i = v.offsets[k]; i < v.offsets[k + 1]; ++i) {
        const Event e = make_event(v, i, kinds);
        if (e.channel == cancel_code && !cancelled && e.day >= v.acquisition_day[k]) cancelled = e.day;
        if (company_kind(e.kind)) continue;  // the company's touches are not the customer's activity
        if (e.day <= calibration_end && (activity_scratch.empty() || activity_scratch.back() != e.day))
            activity_scratch.push_back(e.day);
        if (e.kind != ChannelKind::purchase) continue;
        if (first == kNoDay) first = e.day;
        const bool new_day = e.day != day;
        day = e.day;
        if (e.day == first) continue;  // the trial day, however many purchases it holds
        if (e.day <= calibration_end) {
            repeats += new_day;
            repeat_cents += e.hundredths;
            last_repeat = e.day;
        } else if (e.day <= holdout_end) {
            holdout += new_day;
        }
    }
    h.survival = cancel_code >= 0
                     ? contractual_churn(cancelled, v.acquisition_day[k], calibration_end, observation_start)
                     : non_contractual_churn(activity_scratch, v.acquisition_day[k], calibration_end, inactive_days,
                                             observation_start);
    if (first == kNoDay || first > calibration_end) return h;
    h.calibrated = true;
    h.rfm = {double(repeats), repeats ? double(last_repeat - first) / 7.0 : 0.0, double(calibration_end - first) / 7.0};
    h.holdout_transactions = holdout;
    h.mean_repeat_value = repeats ? double(repeat_cents) / 100.0 / double(repeats) : 0.0;
    return h;
}

// Every customer of a shard: appends its history and, unless `cohorts` is null, enters it in
// the cohort matrix (group[k]: its value of the breakdown attribute) with its interactions and
// purchases up to the calibration end.
// With `periods`, also its BG/BB pattern on that grid.
inline void append_histories(const ShardView& v, const ChannelKinds& kinds, std::span<const std::uint32_t> group,
                             Day calibration_end, Day holdout_end, std::int32_t inactive_days, int cancel_code,
                             CohortRetention* cohorts, std::vector<PurchaseHistory>& out,
                             Day observation_start = kNoDay, const PeriodGrid* periods = nullptr) {
    std::vector<Day> activity;
    std::vector<CohortPurchase> purchases;
    for (std::size_t k = 0; k < v.customers(); ++k) {
        out.push_back(purchase_history(v, k, kinds, calibration_end, holdout_end, inactive_days, cancel_code, activity,
                                       observation_start));
        if (periods) out.back().bgbb = bgbb_history(v, k, kinds, *periods);
        if (!cohorts) continue;
        // Its purchases up to the calibration end, for revenue retention (values in cents).
        purchases.clear();
        for (std::size_t i = v.offsets[k]; i < v.offsets[k + 1]; ++i) {
            const Event e = make_event(v, i, kinds);
            if (e.kind == ChannelKind::purchase && e.day <= calibration_end) purchases.push_back({e.day, e.hundredths});
        }
        cohorts->update(group[k], v.acquisition_day[k], activity, purchases);
    }
}

}  // namespace engage::kernels
