#include "study/attrition_regression.hpp"

#include <limits>

namespace engage::kernels {

LogisticModel start_attrition(const LogisticMoments& rfm) {
    const LogisticModel m = start_logistic(rfm);
    LogisticModel a;
    a.mean = {0.0};
    a.scale = {1.0};
    a.mean.insert(a.mean.end(), m.mean.begin(), m.mean.end());
    a.scale.insert(a.scale.end(), m.scale.begin(), m.scale.end());
    a.beta.assign(kAttritionFeatures + 1, 0.0);
    a.se.assign(kAttritionFeatures + 1, std::numeric_limits<double>::quiet_NaN());
    return a;
}

AttritionScores::AttritionScores(std::size_t managers, const LogisticModel& model, std::int64_t customers)
    : managers_(managers), model_(&model), n_(customers), words_(managers * 2 + ExactSum::kWords, 0) {
    const std::size_t p = model.beta.size();
    q_.assign(p, std::numeric_limits<double>::quiet_NaN());
    if (model.covariance.size() != p * p) return;
    for (std::size_t j = 0; j < p; ++j) q_[j] = double(n_) * model.covariance[1 * p + j];
}

void AttritionScores::add(std::uint32_t manager, const AttritionFeatures& x, bool churned) noexcept {
    std::array<double, kAttritionFeatures + 1> z;
    model_->standardise(x, z);  // once: the linear predictor and q'z both from z
    double eta = 0, qz = 0;
    for (std::size_t j = 0; j < z.size(); ++j) {
        eta += model_->beta[j] * z[j];
        qz += q_[j] * z[j];
    }
    const double mu = 1.0 / (1.0 + std::exp(-eta));
    const double t = ((churned ? 1.0 : 0.0) - mu) * qz;
    if (!std::isfinite(t)) return;  // no fit: nothing to sum, result() says so
    std::int64_t* w = &words_[std::size_t(manager) * 2];
    w[0] += 1;
    w[1] += std::llround(std::ldexp(t, kQuantumBits));
    ExactSumWords::add(ExactSumWords::Words(&words_[managers_ * 2], ExactSum::kWords), t * t);
}

AttritionRegressionResult AttritionScores::result(const std::array<std::int64_t, 4>& c, double z) const {
    AttritionRegressionResult r;
    r.customers = c[0];
    r.engaged = c[1];
    r.churned = c[2];
    r.churned_engaged = c[3];
    const double ce = double(c[3]), re = double(c[1] - c[3]);                    // engaged: churned, retained
    const double cn = double(c[2] - c[3]), rn = double(c[0] - c[1] - (c[2] - c[3]));  // not engaged
    if (ce > 0 && re > 0 && cn > 0 && rn > 0) r.unadjusted_odds_ratio = (ce / re) / (cn / rn);
    const std::size_t p = model_->beta.size();
    if (p < 2 || model_->covariance.size() != p * p || !std::isfinite(q_[1])) return r;
    // The engaged indicator is not standardised (mean 0, scale 1), so beta[1] is b1 itself.
    r.log_odds_ratio = model_->beta[1] / model_->scale[0];
    r.odds_ratio = std::exp(r.log_odds_ratio);
    r.se_model = model_->se[1] / model_->scale[0];
    const double n = double(n_);
    double squares = 0;
    for (std::size_t g = 0; g < managers_; ++g) {
        const std::int64_t* w = &words_[g * 2];
        if (w[0] == 0) continue;
        ++r.clusters;
        const double s = std::ldexp(double(w[1]), -kQuantumBits);
        squares += s * s;
    }
    const double b = r.log_odds_ratio;
    if (n >= 2) {
        const double t2 = ExactSumWords::value(ExactSumWords::ConstWords(&words_[managers_ * 2], ExactSum::kWords));
        r.se_robust = std::sqrt(t2 / (n * n) * n / (n - 1)) / model_->scale[0];
        r.ci_low_robust = std::exp(b - z * r.se_robust);
        r.ci_high_robust = std::exp(b + z * r.se_robust);
    }
    const double g = double(r.clusters);
    if (g >= 2) {
        r.se_cluster = std::sqrt(squares / (n * n) * g / (g - 1)) / model_->scale[0];
        r.ci_low = std::exp(b - z * r.se_cluster);
        r.ci_high = std::exp(b + z * r.se_cluster);
    }
    return r;
}

}  // namespace engage::kernels
