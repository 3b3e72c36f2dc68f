#pragma once
// The baselines of a backtest as a stage (jobs/stage.hpp) of one scoring date T with its horizon
// (T, T + H] (docs/metrics.md, "Baselines"): recency alone, an RFM logistic regression fitted on
// the outcomes of an earlier date T_fit over (T_fit, T] (observed by T) and applied to T out of
// time, and BG/NBD's P(alive), each with its AUC for staying and a paired DeLong test against the
// composite, on the study's customers (acquired and at risk at T). With a training date's
// scores (--calibrate-as-of, the main date only), also the calibrated score: the dimension
// weights fitted the same way on the dimension scores at T_fit, applied to those at T, and RFM
// with the dimensions added (nested: what the dimensions add over RFM).
//
// Pass: each customer's RFM features and outcomes at T_fit and T are spilled, and the moments of
// the RFM training rows summed. Sweep 0 joins the composite, P(alive) and the dimension scores
// (spilled again) and sums the first Newton iteration of each fit; the sweeps after it run the
// further iterations (as many as the fits need, at most kMaxNewtonIterations), then one counts
// the AUC key histograms of the predictors and the last the paired placement products. Every
// sum is an integer or an exact sum, so the fits and the tests are the same bits for any number
// of ranks and threads.
#include <memory>
#include <string>
#include <vector>

#include "jobs/date_context.hpp"
#include "jobs/stage.hpp"
#include "jobs/study_stage.hpp"
#include "study/baselines.hpp"

namespace engage::jobs {

constexpr double kLogisticPenalty = 1.0;      // lambda of both regressions
constexpr int kMaxNewtonIterations = 30;
constexpr double kNewtonTolerance = 1e-10;    // largest change of a coefficient
constexpr std::int64_t kMinTrainingCustomers = 20;

// One logistic regression fitted across the sweeps.
struct LogisticFit {
    explicit LogisticFit(int features, double penalty = kLogisticPenalty) : sums(features), lambda(penalty) {}
    kernels::LogisticModel model;
    kernels::LogisticSums sums;
    double lambda;
    bool fitting = false, fitted = false;
    std::string unavailable;  // why not fitted ("" when fitted, or not attempted)
    // Collective: all-reduces the sums and takes the Newton step.
    void step(const mpi::Comm& comm);
    void save(io::StateWriter& out);
    void restore(io::StateReader& in);
};

class BaselineStage final : public Stage {
public:
    // `train_as_of`: T_fit, before T (RunContext::fit_gap_days); `train`: that date's scores
    // (its stages run before this one), or null without a calibration.
    BaselineStage(DateContext& date, kernels::Day train_as_of, const DateContext* train,
                  std::shared_ptr<BaselineDates> out);
    const char* phase() const noexcept override { return "study"; }
    std::string name() const override { return "baselines as of " + date_.as_of; }
    void fold(const io::CustomerShard& shard, std::int64_t round) override;
    void finish(const mpi::Comm& comm, int step) override;
    bool wants_sweep(int) const noexcept override { return phase_ != Phase::done; }
    void sweep(int step, std::size_t block) override;
    void report(ReportOutput&) const override {}  // reported by the study (io/report/study_report.cpp)
    void save(io::StateWriter& out) override;
    void restore(io::StateReader& in, int finished) override;

private:
    enum class Phase : std::int32_t { join, fit, keys, test, done };
    void add_training(std::span<const kernels::BaselineCustomer> customers,
                      std::span<const kernels::BaselineScores> scores);
    // The attrition regression's rows (main date): acquired and at risk at T.
    void add_attrition(std::span<const kernels::BaselineCustomer> customers,
                       std::span<const kernels::BaselineScores> scores, bool count);
    void take_keys();                 // placement tables from the all-reduced key histograms
    void take_result();               // the result from the all-reduced placement products
    const kernels::LogisticModel* model(const LogisticFit& f) const noexcept { return f.fitted ? &f.model : nullptr; }

    DateContext& date_;
    kernels::Day train_as_of_;
    const DateContext* train_;
    std::shared_ptr<BaselineDates> out_;
    std::unique_ptr<io::SpillStore<kernels::BaselineCustomer>> customers_;
    std::unique_ptr<io::SpillStore<kernels::BaselineScores>> scores_;
    std::vector<kernels::BaselineCustomer> shard_;
    std::vector<kernels::BaselineScores> joined_;
    std::vector<std::byte> scratch_, scratch_scores_;
    Phase phase_ = Phase::join;
    kernels::LogisticMoments moments_{kernels::kRfmFeatures};
    LogisticFit rfm_{kernels::kRfmFeatures}, calibrated_{kernels::kDimensions}, nested_{kernels::kNestedFeatures};
    std::int64_t calibration_counts_[2] = {0, 0};  // training rows and retained of the calibration
    // The attrition claim adjusted for RFM (main date): the RFM moments of the customers at risk
    // at T, the unpenalised fit, its rows (customers, engaged, churned, churned and engaged) and
    // the managers' scores of the sweep after it.
    kernels::LogisticMoments attrition_moments_{kernels::kRfmFeatures};
    LogisticFit attrition_{kernels::kAttritionFeatures, 0.0};
    std::array<std::int64_t, 4> attrition_counts_{};
    std::unique_ptr<kernels::AttritionScores> attrition_scores_;
    void make_attrition_scores();
    kernels::KeyHistograms<2 * kernels::kBaselinePredictors> keys_;
    std::int64_t counts_[2] = {0, 0};  // customers without a purchase by T; calibrated without P(alive)
    std::vector<kernels::PlacementTable> tables_;
    kernels::PairedAucSums paired_{kernels::kBaselinePredictors};
};

}  // namespace engage::jobs
