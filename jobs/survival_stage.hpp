#pragma once
// Forward-looking survival as a stage (jobs/stage.hpp) of the main date T with a holdout H: the
// landmark analysis (kernels/survival/landmark.hpp). In the pass, each customer's follow-up
// after T and its feature covariates are spilled; in sweep 0 they are joined with its tier and
// dimension scores at T, spilled again as the Cox model's rows, written to customers.h5
// (/landmark), counted for the Kaplan-Meier curves by tier and for the covariates' moments.
// After it the covariates are chosen and standardised, and each later sweep is one
// Newton-Raphson evaluation of the Cox model (kernels/survival/cox.hpp): per-day exact sums
// all-reduced, the step taken identically on every rank, until it converges; one more sweep
// counts Harrell's concordance of the fitted linear predictor (kernels/survival/concordance.hpp).
#include <memory>
#include <optional>
#include <vector>

#include "jobs/date_context.hpp"
#include "jobs/stage.hpp"
#include "survival/concordance.hpp"
#include "survival/cox.hpp"
#include "survival/landmark_cox.hpp"
#include "survival/survival_counts.hpp"

namespace engage::jobs {

class SurvivalStage final : public Stage {
public:
    explicit SurvivalStage(DateContext& date);
    const char* phase() const noexcept override { return "retention"; }
    std::string name() const override { return "survival as of " + date_.as_of; }
    void fold(const io::CustomerShard& shard, std::int64_t round) override;
    void finish(const mpi::Comm& comm, int step) override;
    bool wants_sweep(int step) const noexcept override;
    void sweep(int step, std::size_t block) override;
    void report(ReportOutput& out) const override;
    void save(io::StateWriter& out) override;
    void restore(io::StateReader& in, int finished) override;

private:
    bool fitting() const noexcept { return cox_ != nullptr && !newton_->done(); }
    bool keying() const noexcept { return concordance_ != nullptr; }  // the concordance's sweep
    void start_fit();  // from design_: the Newton state and the first evaluation's sums

    DateContext& date_;
    std::unique_ptr<io::SpillStore<kernels::LandmarkRow>> pass_, rows_;
    std::vector<kernels::LandmarkRow> shard_;
    std::vector<kernels::LandmarkTime> times_;
    std::vector<std::byte> scratch_;
    std::vector<kernels::Day> activity_;
    kernels::SurvivalCounts survival_;  // groups: tiers at T; days after T
    kernels::CovariateMoments moments_;
    kernels::CoxDesign design_;
    std::unique_ptr<kernels::CoxNewton> newton_;
    std::unique_ptr<kernels::CoxDaySums> cox_;  // the evaluation being summed
    std::int64_t complete_[2] = {0, 0};         // the model's customers and events (first evaluation)
    std::int64_t designed_ = 0;                 // whether design_ is chosen (after finish(1))
    kernels::EtaRange range_;                   // of the linear predictor in the evaluation being summed
    std::unique_ptr<kernels::ConcordanceCounts> concordance_;  // counted in the sweep after the fit
    std::int64_t concordance_step_ = -1;        // that sweep's step
    std::optional<kernels::Concordance> harrell_;
    kernels::CoxZph zph_;                       // at the fit (empty before)
    std::vector<double> baseline_;              // the cumulative baseline hazard at the fit, per day
    kernels::ExactSums brier_{std::size(kernels::kPredictionHorizons)};  // squared errors per horizon
    std::vector<double> auc_;                   // the time-dependent AUC per horizon (after the sweep)
};

}  // namespace engage::jobs
