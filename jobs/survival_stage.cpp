#include "jobs/survival_stage.hpp"

#include "io/features_file.hpp"
#include "io/report/survival_report.hpp"
#include "jobs/score_job.hpp"
#include "mpi/comm.hpp"

namespace engage::jobs {

SurvivalStage::SurvivalStage(DateContext& date)
    : date_(date),
      pass_(date.run.spill<kernels::LandmarkRow>("landmark-pass" + date.tag)),
      rows_(date.run.spill<kernels::LandmarkRow>("landmark" + date.tag)),
      survival_(kernels::kTiers, date.run.retention.holdout_days) {}

void SurvivalStage::fold(const io::CustomerShard& shard, std::int64_t) {
    if (shard.customers() == 0) return;
    const auto& o = date_.run.retention;
    const kernels::StudyHorizon horizon{date_.ctx.as_of, date_.ctx.as_of + o.holdout_days, o.churn_days, o.cancel_code};
    const kernels::ShardView v = shard.view();
    shard_.resize(shard.customers());
    for (std::size_t k = 0; k < shard_.size(); ++k)
        shard_[k] = kernels::landmark_row(kernels::landmark_time(v, k, date_.run.kinds, horizon, activity_),
                                          date_.features[k], date_.touches.empty() ? nullptr : &date_.touches[k]);
    pass_->append(shard_);
}

namespace {
// Bins of the linear predictor for the concordance: 1,024 between its extremes.
constexpr int kConcordanceKeys = 1024;
}  // namespace

bool SurvivalStage::wants_sweep(int step) const noexcept { return step == 0 || fitting() || keying(); }

void SurvivalStage::start_fit() {
    const int p = design_.covariates();
    if (p == 0) return;
    newton_ = std::make_unique<kernels::CoxNewton>(p);
    cox_ = std::make_unique<kernels::CoxDaySums>(p, date_.run.retention.holdout_days);
    range_ = {};
}

void SurvivalStage::finish(const mpi::Comm& comm, int step) {
    if (step == 1) {
        pass_->clear();
        mpi::allreduce_state(comm, survival_);
        comm.allreduce_sum(moments_.count_words());
        comm.allreduce_sum(moments_.exact_words());
        comm.allreduce_max(moments_.max_words());
        design_ = moments_.design();
        designed_ = 1;
        start_fit();
        return;
    }
    if (keying() && step == concordance_step_ + 1) {
        comm.allreduce_sum(concordance_->sum_words());
        harrell_ = kernels::harrell_concordance(*concordance_);
        comm.allreduce_sum(brier_.sum_words());
        auc_.clear();
        for (std::int32_t tau : kernels::kPredictionHorizons) auc_.push_back(kernels::cumulative_auc(*concordance_, tau));
        concordance_.reset();
        rows_->clear();
        return;
    }
    if (step < 2 || !fitting()) return;
    // The evaluation of sweep step - 1: every rank gets the same words, so the same step.
    if (step == 2) {
        comm.allreduce_sum(complete_);
        if (complete_[1] == 0) {  // no churn among the complete cases: no partial likelihood to fit
            cox_.reset();
            newton_.reset();
            rows_->clear();
            return;
        }
    }
    comm.allreduce_sum(cox_->sum_words());
    comm.allreduce_max(range_.max_words());
    if (newton_->step(kernels::cox_evaluate(*cox_))) {
        zph_ = kernels::cox_zph(*cox_);  // the last evaluation was at the fitted coefficients
        baseline_ = kernels::cox_cumulative_hazard(*cox_);
        cox_.reset();
        // range_ is that of the fitted coefficients: the last evaluation was at them.
        concordance_ = std::make_unique<kernels::ConcordanceCounts>(date_.run.retention.holdout_days, kConcordanceKeys);
        concordance_step_ = step;
        return;
    }
    cox_ = std::make_unique<kernels::CoxDaySums>(design_.covariates(), date_.run.retention.holdout_days);
    range_ = {};
}

void SurvivalStage::sweep(int step, std::size_t block) {
    if (step == 0) {
        if (block > 0) pass_->release(block - 1);
        const auto pass = pass_->block(block, scratch_);
        shard_.assign(pass.begin(), pass.end());
        for (std::size_t i = 0; i < shard_.size(); ++i) {
            const auto& s = date_.scored[i].now;
            kernels::add_scores(shard_[i], s.acquired, int(s.tier), s.dimension);
            const kernels::LandmarkRow& r = shard_[i];
            if (!r.at_risk()) continue;
            survival_.update(r.tier, r.day, r.event != 0);
            moments_.add(r);
        }
        rows_->append(shard_);
        date_.run.writer->append_landmark(shard_);
        return;
    }
    if (keying()) {
        if (block > 0) rows_->release(block - 1);  // their last sweep
        kernels::add_concordance_rows(rows_->block(block, scratch_), design_, newton_->result().beta, range_.lo(),
                                      range_.hi(), *concordance_, baseline_, brier_);
        return;
    }
    if (!fitting()) return;
    const auto rows = rows_->block(block, scratch_);
    const auto n = kernels::add_cox_rows(rows, design_, newton_->next_beta(), *cox_, range_);
    if (step == 1) {
        complete_[0] += n[0];
        complete_[1] += n[1];
    }
}

void SurvivalStage::report(ReportOutput& out) const {
    const auto& o = date_.run.retention;
    io::SurvivalReportInput in;
    in.as_of = date_.as_of;
    in.follow_up_end = date_.horizon_end;
    in.follow_up_days = o.holdout_days;
    in.churn = o.cancel_code >= 0 ? "first interaction on channel " + o.cancel_channel + " (contractual)"
                                  : "no interaction for " + std::to_string(o.churn_days) + " days (non-contractual)";
    in.survival = &survival_;
    in.design = &design_;
    in.fit = newton_ && newton_->done() ? &newton_->result() : nullptr;
    in.model_customers = complete_[0];
    in.model_events = complete_[1];
    in.concordance = harrell_ ? &*harrell_ : nullptr;
    in.zph = zph_.chi_square.empty() ? nullptr : &zph_;
    if (harrell_)
        for (std::size_t h = 0; h < std::size(kernels::kPredictionHorizons); ++h) {
            const std::int32_t tau = kernels::kPredictionHorizons[h];
            if (tau > o.holdout_days) continue;
            in.horizons.push_back({tau, auc_[h], brier_.value(h) / double(complete_[0]),
                                   baseline_[std::size_t(tau)]});
        }
    in.predictor_lo = range_.lo();
    in.predictor_hi = range_.hi();
    in.concordance_keys = kConcordanceKeys;
    out.report["survival"] = io::survival_report(in);
    for (auto& t : io::survival_tables(out.report["survival"])) out.tables.push_back(std::move(t));
}

void SurvivalStage::save(io::StateWriter& out) {
    pass_->save(out);
    rows_->save(out);
    save_words(out, survival_);
    out.vector(std::span<const std::int64_t>(moments_.count_words()));
    out.vector(std::span<const std::int64_t>(moments_.exact_words()));
    out.vector(std::span<const std::int64_t>(moments_.max_words()));
    out.value(designed_);
    out.vector(std::span<const std::int64_t>(complete_));
    const bool fit = newton_ != nullptr;
    out.value(std::int64_t(fit));
    if (!fit) return;
    const auto s = newton_->snapshot();
    for (const auto* v : {&s.beta, &s.new_beta, &s.fit_beta, &s.fit_se, &s.fit_var}) out.vector(*v);
    for (double d : {s.log_likelihood, s.log_likelihood_null, s.fit_ll, s.fit_ll0}) out.value(d);
    for (std::int64_t i : {s.iteration, s.halving, s.done, s.fit_iterations, s.fit_converged, s.fit_events}) out.value(i);
    out.value(std::int64_t(cox_ != nullptr));
    if (cox_) out.vector(std::span<const std::int64_t>(cox_->sum_words()));
    out.vector(std::span<const std::int64_t>(range_.max_words()));
    out.value(concordance_step_);
    out.value(std::int64_t(concordance_ != nullptr));
    if (concordance_) out.vector(concordance_->sum_words());
    out.value(std::int64_t(harrell_.has_value()));
    if (harrell_) out.value(*harrell_);
    out.vector(zph_.chi_square);
    out.vector(baseline_);
    out.vector(std::span<const std::int64_t>(brier_.sum_words()));
    out.vector(auc_);
}

void SurvivalStage::restore(io::StateReader& in, int) {
    pass_->restore(in);
    rows_->restore(in);
    restore_words(in, survival_);
    in.fixed(moments_.count_words());
    in.fixed(moments_.exact_words());
    in.fixed(moments_.max_words());
    designed_ = in.value<std::int64_t>();
    in.fixed(std::span<std::int64_t>(complete_));
    if (designed_) design_ = moments_.design();
    newton_.reset();
    cox_.reset();
    if (in.value<std::int64_t>() == 0) return;
    start_fit();
    in.check(newton_ != nullptr, "the survival stage's Cox fit has no covariates after restore");
    kernels::CoxNewton::Snapshot s;
    for (auto* v : {&s.beta, &s.new_beta, &s.fit_beta, &s.fit_se, &s.fit_var}) in.vector(*v);
    for (double* d : {&s.log_likelihood, &s.log_likelihood_null, &s.fit_ll, &s.fit_ll0}) *d = in.value<double>();
    for (std::int64_t* i : {&s.iteration, &s.halving, &s.done, &s.fit_iterations, &s.fit_converged, &s.fit_events})
        *i = in.value<std::int64_t>();
    newton_->restore(s);
    if (in.value<std::int64_t>() != 0) in.fixed(cox_->sum_words());
    else cox_.reset();
    in.fixed(range_.max_words());
    concordance_step_ = in.value<std::int64_t>();
    if (in.value<std::int64_t>() != 0) {
        concordance_ = std::make_unique<kernels::ConcordanceCounts>(date_.run.retention.holdout_days, kConcordanceKeys);
        in.fixed(std::span<std::int64_t>(concordance_->sum_words()));
    }
    if (in.value<std::int64_t>() != 0) harrell_ = in.value<kernels::Concordance>();
    in.vector(zph_.chi_square);
    in.vector(baseline_);
    in.fixed(brier_.sum_words());
    in.vector(auc_);
}

}  // namespace engage::jobs
