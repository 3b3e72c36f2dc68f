#include "jobs/retention_stage.hpp"

#include <cmath>
#include <limits>

#include "mpi/comm.hpp"
#include "retention/clv.hpp"
#include "stats/exact_sum.hpp"

namespace engage::jobs {

namespace {
// Kaplan-Meier durations are counted by day up to this many days (about 30 years).
constexpr std::int32_t kMaxSurvivalDays = 11000;
}

RetentionResult run_retention_model(const mpi::Comm& comm, std::span<const kernels::PurchaseHistory> histories,
                                    std::span<const kernels::ScoredCustomer> scored, const kernels::RetentionConfig& o) {
    using namespace kernels;
    RetentionResult r{.survival = SurvivalCounts(kTiers, kMaxSurvivalDays), .predictions = {}, .holdout_expected = {}};
    std::vector<RfmSummary> rfm;
    std::vector<SpendSummary> spend;
    ExactSum holdout;
    for (std::size_t i = 0; i < histories.size(); ++i) {
        const PurchaseHistory& h = histories[i];
        if (h.survival && scored[i].now.acquired) r.survival.update(std::size_t(scored[i].now.tier), *h.survival);
        if (!h.calibrated) continue;
        rfm.push_back(h.rfm);
        holdout.add(h.holdout_transactions);
        if (h.rfm.x > 0 && h.mean_repeat_value > 0) spend.push_back({h.rfm.x, h.mean_repeat_value});
    }
    r.calibrated = comm.sum(std::int64_t(rfm.size()));
    r.gamma_gamma_customers = comm.sum(std::int64_t(spend.size()));
    mpi::allreduce_state(comm, r.survival);
    comm.allreduce_sum(holdout.sum_words());
    r.holdout_actual = holdout.value();

    // Every rank fits on its own groups; the objective is all-reduced exactly at each step.
    const AllReduceWords allreduce = [&](std::span<std::int64_t> w) { comm.allreduce_sum(w); };
    const auto rfm_groups = group_summaries<RfmSummary>(rfm);
    const auto spend_groups = group_summaries<SpendSummary>(spend);
    r.bg_nbd = fit_bg_nbd(rfm_groups, allreduce);
    r.pareto_nbd = fit_pareto_nbd(rfm_groups, allreduce);
    r.gamma_gamma = fit_gamma_gamma(spend_groups, allreduce);

    // Holdout predictions and per-customer outputs.
    const double holdout_weeks = double(o.holdout_days) / 7.0;
    const double weekly_rate = std::pow(1.0 + o.annual_discount_rate, 1.0 / 52.0) - 1.0;
    constexpr float unknown = std::numeric_limits<float>::quiet_NaN();
    r.predictions.assign(histories.size(), {unknown, unknown, unknown, unknown});
    // Per customer in parallel (each by one thread); the holdout totals are then summed exactly.
    std::vector<double> holdout_bg(histories.size(), 0.0), holdout_pareto(histories.size(), 0.0);
    const auto n = std::int64_t(histories.size());
#pragma omp parallel for schedule(dynamic, 1024)
    for (std::int64_t j = 0; j < n; ++j) {
        const auto i = std::size_t(j);
        const PurchaseHistory& h = histories[i];
        if (!h.calibrated) continue;
        if (o.holdout_days > 0) {
            holdout_bg[i] = bg_nbd_expected_transactions(r.bg_nbd.params, h.rfm, holdout_weeks);
            holdout_pareto[i] = pareto_nbd_expected_transactions(r.pareto_nbd.params, h.rfm, holdout_weeks);
        }
        const double spend_per_transaction =
            gamma_gamma_expected_spend(r.gamma_gamma.params, h.rfm.x, h.rfm.x > 0 ? h.mean_repeat_value : 0.0);
        r.predictions[i] = {
            float(bg_nbd_p_alive(r.bg_nbd.params, h.rfm)),
            float(bg_nbd_expected_transactions(r.bg_nbd.params, h.rfm, double(o.horizon_weeks))),
            float(spend_per_transaction),
            float(bg_nbd_clv(r.bg_nbd.params, h.rfm, spend_per_transaction, o.horizon_weeks, weekly_rate))};
    }
    ExactSum predicted_bg, predicted_pareto;
    for (std::size_t i = 0; i < histories.size(); ++i) {
        predicted_bg.add(holdout_bg[i]);
        predicted_pareto.add(holdout_pareto[i]);
    }
    comm.allreduce_sum(predicted_bg.sum_words());
    comm.allreduce_sum(predicted_pareto.sum_words());
    r.holdout_bg_nbd = predicted_bg.value();
    r.holdout_pareto_nbd = predicted_pareto.value();
    r.holdout_expected = std::move(holdout_bg);
    return r;
}

}  // namespace engage::jobs
