#pragma once
// Who says how they feel, and whether the silent ones leave (docs/metrics.md, "Sentiment
// coverage"): among the customers at risk at T, those with a known sentiment at T (an NPS,
// survey, review or complaint in the window) and those without, and how many of each churned
// over the horizon. Disengaged customers mostly leave without complaining, so a sentiment
// dimension known for few customers may say least about the ones most likely to go. Integer
// counts: the same for any split over ranks.
#include <cmath>
#include <cstdint>
#include <span>

namespace engage::kernels {

class SentimentCoverage {
public:
    void add(bool at_risk, bool sentiment_known, bool retained) noexcept {
        if (!at_risk) return;
        std::int64_t* w = &w_[sentiment_known ? 0 : 2];
        w[0] += 1;
        w[1] += !retained;
    }
    std::span<std::int64_t> sum_words() noexcept { return w_; }
    std::span<std::int64_t> max_words() noexcept { return {}; }

    struct Result {
        std::int64_t known = 0, churned_known = 0, unknown = 0, churned_unknown = 0;
        double unknown_share = std::nan("");
        double churn_rate_known = std::nan(""), churn_rate_unknown = std::nan("");
        // churn_rate_unknown - churn_rate_known, with the Agresti-Caffo interval (one success
        // and one failure added to each group; Agresti & Caffo 2000); NaN without both groups.
        double difference = std::nan(""), ci_low = std::nan(""), ci_high = std::nan("");
    };
    Result result(double z = 1.959963984540054) const noexcept {
        Result r{w_[0], w_[1], w_[2], w_[3]};
        const double nk = double(r.known), nu = double(r.unknown);
        if (nk + nu > 0) r.unknown_share = nu / (nk + nu);
        if (nk > 0) r.churn_rate_known = double(r.churned_known) / nk;
        if (nu > 0) r.churn_rate_unknown = double(r.churned_unknown) / nu;
        if (nk > 0 && nu > 0) {
            r.difference = r.churn_rate_unknown - r.churn_rate_known;
            const double pk = (double(r.churned_known) + 1) / (nk + 2), pu = (double(r.churned_unknown) + 1) / (nu + 2);
            const double centre = pu - pk, se = std::sqrt(pk * (1 - pk) / (nk + 2) + pu * (1 - pu) / (nu + 2));
            r.ci_low = std::max(-1.0, centre - z * se);
            r.ci_high = std::min(1.0, centre + z * se);
        }
        return r;
    }

private:
    std::int64_t w_[4] = {};  // known, churned among them, unknown, churned among them
};

}  // namespace engage::kernels
