#pragma once
// The retention study's models as a stage (jobs/stage.hpp) of one scoring date. In the pass,
// each customer's purchase history is spilled, its buy-till-you-die summary grouped with equal
// ones and, at the main date, its activity entered in the cohort matrix. After it, BG/NBD,
// Pareto/NBD and Gamma-Gamma are fitted across all ranks from the groups. In sweep 0 every
// block gets its predictions (published for the study; written to customers.h5 at the main
// date), the holdout expectations are summed exactly and, at the main date, the Kaplan-Meier
// counts by engagement tier are taken (the tiers come from the engagement stage of the date).
#include <memory>

#include "cohort/cohort_retention.hpp"
#include "jobs/date_context.hpp"
#include "jobs/stage.hpp"
#include "retention/bg_bb.hpp"
#include "retention/bg_nbd.hpp"
#include "retention/bgbb_predictions.hpp"
#include "retention/gamma_gamma.hpp"
#include "retention/group_accumulator.hpp"
#include "retention/pareto_nbd.hpp"
#include "retention/regularity.hpp"
#include "retention/rfm_predictions.hpp"
#include "stats/exact_sum.hpp"
#include "survival/survival_counts.hpp"

namespace engage::jobs {

class RetentionStage final : public Stage {
public:
    explicit RetentionStage(DateContext& date);
    const char* phase() const noexcept override { return "retention"; }
    std::string name() const override { return "retention as of " + date_.as_of; }
    void fold(const io::CustomerShard& shard, std::int64_t round) override;
    void finish(const mpi::Comm& comm, int step) override;
    bool wants_sweep(int step) const noexcept override { return step == 0; }
    void sweep(int step, std::size_t block) override;
    void report(ReportOutput& out) const override;
    void save(io::StateWriter& out) override;
    void restore(io::StateReader& in, int finished) override;

private:
    DateContext& date_;
    std::unique_ptr<io::SpillStore<kernels::PurchaseHistory>> histories_;
    std::vector<kernels::PurchaseHistory> shard_;
    std::vector<std::byte> scratch_;
    std::unique_ptr<kernels::CohortRetention> cohorts_;  // the main date only
    std::vector<std::uint32_t> segment_;                 // a shard's segments, widened for --cohort-by segment
    kernels::GroupAccumulator<kernels::RfmSummary> rfm_;
    kernels::GroupAccumulator<kernels::SpendSummary> spend_;
    std::int64_t counts_[2] = {0, 0};  // calibrated customers, Gamma-Gamma customers
    kernels::WheatMorrisonState regularity_;  // the last two inter-purchase times of the calibration
    kernels::ExactSum holdout_, predicted_bg_, predicted_pareto_;
    kernels::BgNbdFit bg_nbd_{};
    kernels::ParetoNbdFit pareto_nbd_{};
    kernels::GammaGammaFit gamma_gamma_{};
    kernels::SurvivalCounts survival_;  // groups: engagement tiers at the main date
    kernels::RfmPredictions predictions_by_summary_;  // of this rank's distinct summaries, after the fits
    // BG/BB on discrete opportunities (RetentionConfig::opportunity_days > 0): the patterns, the
    // actual counts ([0] customers with a purchase, [1] holdout opportunities with a purchase,
    // [2 + k] customers with a purchase in holdout opportunity k + 1), the fit, the predictions
    // of the distinct patterns and their sums ([0] the holdout, [1 + k] holdout opportunity k + 1).
    kernels::GroupAccumulator<kernels::BgbbSummary> bgbb_;
    std::array<std::int64_t, 2 + kernels::kBgbbHoldoutTable> bgbb_actual_{};
    kernels::BgbbFit bgbb_fit_{};
    kernels::BgbbPredictions bgbb_by_pattern_;
    kernels::ExactSums bgbb_predicted_{1 + kernels::kBgbbHoldoutTable};

    bool bgbb() const noexcept { return date_.run.retention.opportunity_days > 0; }
    kernels::BgbbOpportunities opportunities() const noexcept;
    void predict();  // predictions_by_summary_ from the groups and the fits
};

}  // namespace engage::jobs
