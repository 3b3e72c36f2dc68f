#include "jobs/baseline_stage.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/dates.hpp"
#include "jobs/score_job.hpp"
#include "mpi/comm.hpp"

namespace engage::jobs {

BaselineStage::BaselineStage(DateContext& date, kernels::Day train_as_of, std::shared_ptr<BaselineDates> out)
    : date_(date), train_as_of_(train_as_of), out_(std::move(out)),
      customers_(date.run.spill<kernels::BaselineCustomer>("baselines" + date.tag)),
      scores_(date.run.spill<kernels::BaselineScores>("baseline-scores" + date.tag)) {}

void BaselineStage::fold(const io::CustomerShard& shard, std::int64_t) {
    if (shard.customers() == 0) return;
    const auto& o = date_.run.retention;
    const kernels::StudyHorizon now{date_.ctx.as_of, date_.ctx.as_of + o.holdout_days, o.churn_days, o.cancel_code};
    // The training outcome: over (T_fit, T], observed by T.
    const kernels::StudyHorizon train{train_as_of_, date_.ctx.as_of, o.churn_days, o.cancel_code};
    const auto view = shard.view();
    shard_.resize(view.customers());
    const auto n = std::int64_t(shard_.size());
#pragma omp parallel for schedule(static)
    for (std::int64_t k = 0; k < n; ++k)
        shard_[std::size_t(k)] = kernels::baseline_customer(view, std::size_t(k), date_.run.kinds, train, now);
    for (const auto& c : shard_)
        if (c.train_at_risk) moments_.add(c.train, c.train_retained);
    customers_->append(shard_);
}

void BaselineStage::newton(const mpi::Comm& comm) {
    if (!fitting_) return;
    mpi::allreduce_state(comm, sums_);
    try {
        const double change = kernels::newton_step(sums_, kRfmPenalty, model_);
        if (change < kNewtonTolerance) model_.converged = true;
    } catch (const std::runtime_error& e) {
        rfm_unavailable_ = e.what();
    }
    sums_.clear();
    if (!rfm_unavailable_.empty() || model_.converged || model_.iterations >= kMaxNewtonIterations) {
        fitting_ = false;
        fitted_ = rfm_unavailable_.empty();
        if (fitted_ && !model_.converged)
            rfm_unavailable_ = "Newton-Raphson did not converge in " + std::to_string(kMaxNewtonIterations) + " iterations";
        fitted_ = rfm_unavailable_.empty();
    }
}

void BaselineStage::take_keys() {
    keys_.finalize();
    tables_.clear();
    for (int p = 0; p < kernels::kBaselinePredictors; ++p)
        tables_.emplace_back(keys_.counts(kernels::baseline_series(p, true)), keys_.counts(kernels::baseline_series(p, false)));
}

void BaselineStage::take_result() {
    using namespace kernels;
    if (date_.run.rank != 0) return;
    BaselineResult r;
    r.train_as_of = format_iso_date(date_.run.meta->epoch_unix_day + train_as_of_);
    r.train_customers = moments_.rows();
    r.train_retained = moments_.positives();
    r.rfm_unavailable = rfm_unavailable_;
    r.rfm = model_;
    r.lambda = kRfmPenalty;
    r.without_purchase = counts_[0];
    if (counts_[1] > 0)
        r.p_alive_unavailable = std::to_string(counts_[1]) + " customers with a purchase have no P(alive) (no BG/NBD fit)";
    for (int p = 0; p < kBaselinePredictors; ++p) {
        r.auc[std::size_t(p)] = tables_[std::size_t(p)].auc();
        if (p > 0) r.versus_composite[std::size_t(p)] = paired_auc_test(paired_, tables_, p, 0);
    }
    out_->push_back({date_.as_of, std::move(r)});
}

void BaselineStage::finish(const mpi::Comm& comm, int step) {
    using namespace kernels;
    if (step == 0) {
        mpi::allreduce_state(comm, moments_);
        // The fit needs customers of both classes and features that vary among them.
        const std::string date = format_iso_date(date_.run.meta->epoch_unix_day + train_as_of_);
        if (moments_.rows() < kMinTrainingCustomers)
            rfm_unavailable_ = std::to_string(moments_.rows()) + " customers at risk on the training date " + date +
                               " (at least " + std::to_string(kMinTrainingCustomers) +
                               " needed); choose a later --calibrate-as-of, at least --churn-days before the as-of date";
        else if (moments_.positives() == 0 || moments_.positives() == moments_.rows())
            rfm_unavailable_ = "every customer at risk on the training date " + date + " had the same outcome";
        for (int j = 0; rfm_unavailable_.empty() && j < kRfmFeatures; ++j)
            if (!(moments_.sd(j) > 0))
                rfm_unavailable_ = std::string("the feature ") + kRfmFeatureNames[j] + " is constant on the training date " + date;
        if (rfm_unavailable_.empty()) {
            model_ = start_logistic(moments_);
            fitting_ = true;
        }
        phase_ = Phase::join;
        return;
    }
    if (phase_ == Phase::join || phase_ == Phase::fit) {
        newton(comm);
        phase_ = fitting_ ? Phase::fit : Phase::keys;
    } else if (phase_ == Phase::keys) {
        mpi::allreduce_state(comm, keys_);
        comm.allreduce_sum(std::span<std::int64_t>(counts_));
        take_keys();
        phase_ = Phase::test;
    } else if (phase_ == Phase::test) {
        mpi::reduce_state(comm, paired_);
        customers_->clear();
        scores_->clear();
        take_result();
        phase_ = Phase::done;
    }
}

void BaselineStage::sweep(int, std::size_t block) {
    using namespace kernels;
    if (phase_ == Phase::done) return;
    if (phase_ == Phase::test && block > 0) {  // the test's sweep is their last
        customers_->release(block - 1);
        scores_->release(block - 1);
    }
    const auto customers = customers_->block(block, scratch_);
    if (phase_ == Phase::join) {
        std::vector<BaselineScores> scores(customers.size());
        for (std::size_t i = 0; i < scores.size(); ++i) {
            const bool calibrated = date_.histories[i].calibrated;
            scores[i] = {date_.scored[i].now.composite, calibrated ? date_.predictions[i].p_alive : 0.0f,
                         date_.scored[i].now.acquired, calibrated};
        }
        scores_->append(scores);
    }
    if (phase_ == Phase::join || phase_ == Phase::fit) {
        if (fitting_)
            for (const auto& c : customers)
                if (c.train_at_risk) sums_.add(model_, c.train, c.train_retained);
        return;
    }
    const auto scores = scores_->block(block, scratch_scores_);
    std::array<std::uint16_t, kBaselinePredictors> keys;
    for (std::size_t i = 0; i < customers.size(); ++i) {
        if (!baseline_keys(customers[i], scores[i], rfm(), keys)) continue;
        const bool retained = customers[i].retained;
        if (phase_ == Phase::keys) {
            for (int p = 0; p < kBaselinePredictors; ++p) keys_.add(baseline_series(p, retained), keys[std::size_t(p)]);
            counts_[0] += !scores[i].calibrated;
            counts_[1] += scores[i].calibrated && std::isnan(scores[i].p_alive);
        } else {
            paired_.add(tables_, keys, retained);
        }
    }
}

void BaselineStage::save(io::StateWriter& out) {
    customers_->save(out);
    scores_->save(out);
    out.value(phase_);
    out.vector(std::span<const std::int64_t>(moments_.sum_words()));
    out.vector(std::span<const std::int64_t>(sums_.sum_words()));
    for (const auto* v : {&model_.mean, &model_.scale, &model_.beta, &model_.se}) out.vector(*v);
    out.value(model_.iterations);
    out.value(model_.converged);
    out.value(model_.log_likelihood);
    out.value(fitting_);
    out.value(fitted_);
    out.vector(std::vector<char>(rfm_unavailable_.begin(), rfm_unavailable_.end()));
    save_words(out, keys_);
    out.vector(std::span<const std::int64_t>(counts_));
    out.vector(std::span<const std::int64_t>(paired_.sum_words()));
}

void BaselineStage::restore(io::StateReader& in, int) {
    customers_->restore(in);
    scores_->restore(in);
    phase_ = in.value<Phase>();
    in.fixed(moments_.sum_words());
    in.fixed(sums_.sum_words());
    for (auto* v : {&model_.mean, &model_.scale, &model_.beta, &model_.se}) in.vector(*v);
    model_.iterations = in.value<int>();
    model_.converged = in.value<bool>();
    model_.log_likelihood = in.value<double>();
    fitting_ = in.value<bool>();
    fitted_ = in.value<bool>();
    std::vector<char> text;
    in.vector(text);
    rfm_unavailable_.assign(text.begin(), text.end());
    restore_words(in, keys_);
    in.fixed(std::span<std::int64_t>(counts_));
    in.fixed(paired_.sum_words());
    // What the finish calls derived from the saved sums.
    if (phase_ == Phase::test || phase_ == Phase::done) take_keys();
    if (phase_ == Phase::done) take_result();
}

}  // namespace engage::jobs
