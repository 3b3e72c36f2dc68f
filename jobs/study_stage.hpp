#pragma once
// The retention study's outcome side as a stage (jobs/stage.hpp) of one scoring date T and the
// horizon (T, T + H]: which engagement goes with retention and revenue (correlations, the main
// date only), whether the score predicts who leaves (backtest: AUC, lift by decile, P(alive)
// calibration) and the seed claims. In the pass each customer's outcome is spilled; in sweep 0
// it is joined with the date's record, scores and predictions into a `StudyRow`, spilled again,
// and the AUC histograms and correlation ranges are counted; sweep 1 takes the deciles,
// calibration, claims, correlation moments and rank histograms; the sweeps after it count the
// rank histograms again on refined cells while some cell holds different values (at most
// kCorrelationRefinements of them: usually one or two), and the last one the rank moments.
#include <array>
#include <memory>
#include <span>
#include <vector>

#include "io/report/study_report.hpp"
#include "jobs/date_context.hpp"
#include "jobs/stage.hpp"
#include "study/backtest.hpp"
#include "study/claims.hpp"
#include "study/correlation.hpp"
#include "study/outcome.hpp"
#include "study/pearson_tails.hpp"
#include "study/revenue_regression.hpp"
#include "study/sentiment_coverage.hpp"

namespace engage::jobs {

// This rank's customers at one date, in order (every span the same length).
struct StudyInputs {
    std::span<const kernels::EngagementRecord> records;
    std::span<const kernels::ScoredCustomer> scored;
    std::span<const kernels::StudyOutcome> outcomes;
    std::span<const kernels::PurchaseHistory> histories;
    std::span<const kernels::RetentionPrediction> predictions;
    std::span<const double> holdout_expected;
    std::int32_t horizon_days;
};

std::vector<kernels::StudyCustomer> study_customers(const StudyInputs& in);

// The correlations of the as-of date: the variables, in matrix order, and one group per
// scope (corporate, each business unit, each acquisition year).
constexpr int kStudyVariables = 10;
constexpr const char* kStudyVariableNames[kStudyVariables] = {
    "usage", "sentiment", "involvement", "advocacy", "competitive", "composite",
    "retained", "horizon_revenue", "share_of_wallet", "p_alive"};
// Rank keys of the Spearman correlations: 1,024 per variable and group at first, then refined
// where a key holds different values, up to 4 times and 4,096 cells (docs/metrics.md).
constexpr int kCorrelationKeyBits = 10;
constexpr int kCorrelationRefinements = 4;
constexpr int kCorrelationCellsPerKey = 4;

// The calendar year of a day counted from 1970-01-01.
std::int64_t acquisition_year(std::int64_t unix_day);

// One customer of the study at one date, as the sweeps after the first read it back.
struct StudyRow {
    kernels::StudyCustomer customer;
    std::array<double, kernels::kDimensions> dimensions;  // the dimension scores at T
    std::int64_t past_revenue_cents = 0;                   // purchases in the scoring window
    std::uint32_t rm = 0;                                  // relationship manager (the claims' clusters)
};

// The backtest of every date, filled by the study stages of all dates, reported by the main one.
using StudyDates = std::vector<io::StudyDate>;
// The baselines of every date (jobs/baseline_stage.hpp), filled on rank 0, reported with the backtest.
using BaselineDates = std::vector<io::BaselineDate>;

class StudyStage final : public Stage {
public:
    StudyStage(DateContext& date, std::shared_ptr<StudyDates> dates, std::shared_ptr<const BaselineDates> baselines = {});
    const char* phase() const noexcept override { return "study"; }
    std::string name() const override { return "study as of " + date_.as_of; }
    void fold(const io::CustomerShard& shard, std::int64_t round) override;
    void finish(const mpi::Comm& comm, int step) override;
    bool wants_sweep(int step) const noexcept override { return step <= 1 || (date_.main && !correlation_); }
    void sweep(int step, std::size_t block) override;
    void report(ReportOutput& out) const override;
    void save(io::StateWriter& out) override;
    void restore(io::StateReader& in, int finished) override;

private:
    // Groups of the correlations: 0 corporate, 1 + b business unit b, then acquisition years.
    int groups() const noexcept;
    std::array<int, 3> group_of(const kernels::StudyCustomer& c) const noexcept;
    bool correlates(const kernels::StudyCustomer& c) const noexcept { return c.acquired && c.outcome.at_risk; }
    kernels::CorrelationSpec correlation_spec() const noexcept;
    void take_years() noexcept;        // first and last year from the all-reduced years_
    void take_auc();                   // the AUCs from the all-reduced churn histograms
    void refine_or_rank();             // from the all-reduced rank histograms
    void publish() const;              // rank 0: this date's backtest into the shared list

    DateContext& date_;
    std::shared_ptr<StudyDates> dates_;
    std::shared_ptr<const BaselineDates> baselines_;
    std::unique_ptr<io::SpillStore<kernels::StudyOutcome>> outcomes_;
    std::unique_ptr<io::SpillStore<StudyRow>> rows_;
    std::vector<kernels::StudyOutcome> shard_;
    std::vector<std::byte> scratch_;
    std::int64_t years_[2];  // -first and last acquisition year of the customers at risk (main date)
    std::int64_t first_year_ = 0, last_year_ = -1;
    std::unique_ptr<kernels::ChurnHistograms> keys_;
    kernels::BacktestResult result_;
    kernels::SentimentCoverage sentiment_;  // the main date's
    // The adjusted revenue claim (main date): the normal equations in sweep 1, the managers'
    // scores in sweep 2, the result on rank 0 after it.
    kernels::RevenueNormalEquations revenue_fit_;
    std::unique_ptr<kernels::RevenueScores> revenue_scores_;
    kernels::RevenueRegressionResult revenue_;
    kernels::RevenueObservation revenue_observation(const StudyRow& r) const noexcept {
        return kernels::revenue_observation(r.customer.composite, r.past_revenue_cents,
                                            r.customer.outcome.horizon_revenue_cents);
    }
    std::unique_ptr<kernels::CorrelationRanges> ranges_;
    std::unique_ptr<kernels::CorrelationGrid> grid_;
    std::unique_ptr<kernels::CorrelationMoments> moments_;
    std::unique_ptr<kernels::RankPartition> partition_;
    std::unique_ptr<kernels::RankHistograms> histograms_;  // while counting them
    std::unique_ptr<kernels::RankTables> rank_tables_;
    std::unique_ptr<kernels::RankMoments> rank_moments_;
    std::unique_ptr<kernels::PearsonTails> tails_;  // counted with the rank moments
    std::unique_ptr<kernels::CorrelationResult> correlation_;
};

}  // namespace engage::jobs
