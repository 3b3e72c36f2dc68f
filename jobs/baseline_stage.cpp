#include "jobs/baseline_stage.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/dates.hpp"
#include "jobs/score_job.hpp"
#include "mpi/comm.hpp"

namespace engage::jobs {

void LogisticFit::step(const mpi::Comm& comm) {
    if (!fitting) return;
    mpi::allreduce_state(comm, sums);
    try {
        if (kernels::newton_step(sums, lambda, model) < kNewtonTolerance) model.converged = true;
    } catch (const std::runtime_error& e) {
        unavailable = e.what();
    }
    sums.clear();
    if (!unavailable.empty() || model.converged || model.iterations >= kMaxNewtonIterations) {
        fitting = false;
        if (unavailable.empty() && !model.converged)
            unavailable = "Newton-Raphson did not converge in " + std::to_string(kMaxNewtonIterations) + " iterations";
        fitted = unavailable.empty();
    }
}

void LogisticFit::save(io::StateWriter& out) {
    out.vector(std::span<const std::int64_t>(sums.sum_words()));
    for (const auto* v : {&model.mean, &model.scale, &model.beta, &model.se, &model.covariance}) out.vector(*v);
    out.value(model.iterations);
    out.value(model.converged);
    out.value(model.log_likelihood);
    out.value(fitting);
    out.value(fitted);
    out.vector(std::vector<char>(unavailable.begin(), unavailable.end()));
}

void LogisticFit::restore(io::StateReader& in) {
    in.fixed(sums.sum_words());
    for (auto* v : {&model.mean, &model.scale, &model.beta, &model.se, &model.covariance}) in.vector(*v);
    model.iterations = in.value<int>();
    model.converged = in.value<bool>();
    model.log_likelihood = in.value<double>();
    fitting = in.value<bool>();
    fitted = in.value<bool>();
    std::vector<char> text;
    in.vector(text);
    unavailable.assign(text.begin(), text.end());
}

BaselineStage::BaselineStage(DateContext& date, kernels::Day train_as_of, const DateContext* train,
                             std::shared_ptr<BaselineDates> out)
    : date_(date), train_as_of_(train_as_of), train_(train), out_(std::move(out)),
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
    for (const auto& c : shard_) {
        if (c.train_at_risk) moments_.add(c.train, c.train_retained);
        if (date_.main && c.at_risk) attrition_moments_.add(c.now, !c.retained);
    }
    customers_->append(shard_);
}

void BaselineStage::add_training(std::span<const kernels::BaselineCustomer> customers,
                                 std::span<const kernels::BaselineScores> scores) {
    for (std::size_t i = 0; i < customers.size(); ++i) {
        const auto& c = customers[i];
        if (!c.train_at_risk) continue;
        if (rfm_.fitting) rfm_.sums.add(rfm_.model, c.train, c.train_retained);
        if (!scores[i].train_acquired) continue;
        const auto dimensions = kernels::calibration_features(scores[i].train);
        if (calibrated_.fitting) calibrated_.sums.add(calibrated_.model, dimensions, c.train_retained);
        if (nested_.fitting) nested_.sums.add(nested_.model, kernels::nested_features(c.train, dimensions), c.train_retained);
    }
}

void BaselineStage::add_attrition(std::span<const kernels::BaselineCustomer> customers,
                                  std::span<const kernels::BaselineScores> scores, bool count) {
    if (!count && !attrition_.fitting && !attrition_scores_) return;
    for (std::size_t i = 0; i < customers.size(); ++i) {
        const auto& c = customers[i];
        const auto& s = scores[i];
        if (!s.acquired || !c.at_risk) continue;
        const auto x = kernels::attrition_features(s.engaged, c.now);
        if (count) {
            attrition_counts_[0] += 1;
            attrition_counts_[1] += s.engaged;
            attrition_counts_[2] += !c.retained;
            attrition_counts_[3] += s.engaged && !c.retained;
        }
        if (attrition_.fitting) attrition_.sums.add(attrition_.model, x, !c.retained);
        else if (attrition_scores_) attrition_scores_->add(s.rm, x, !c.retained);
    }
}

void BaselineStage::make_attrition_scores() {
    attrition_scores_ = std::make_unique<kernels::AttritionScores>(date_.run.meta->rm_names.size(), attrition_.model,
                                                                   attrition_counts_[0]);
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
    r.rfm_unavailable = rfm_.unavailable;
    r.rfm = rfm_.model;
    r.lambda = kLogisticPenalty;
    r.without_purchase = counts_[0];
    if (counts_[1] > 0)
        r.p_alive_unavailable = std::to_string(counts_[1]) + " customers with a purchase have no P(alive) (no BG/NBD fit)";
    r.calibration = train_ != nullptr;
    r.calibration_customers = calibration_counts_[0];
    r.calibration_retained = calibration_counts_[1];
    r.calibrated_unavailable = calibrated_.unavailable;
    r.calibrated = calibrated_.model;
    r.hand_weights = date_.run.options->engagement.dimension_weight;
    r.rfm_dimensions_unavailable = nested_.unavailable;
    r.rfm_dimensions = nested_.model;
    for (int p = 0; p < kBaselinePredictors; ++p) {
        r.auc[std::size_t(p)] = tables_[std::size_t(p)].auc();
        if (p > 0) r.versus_composite[std::size_t(p)] = paired_auc_test(paired_, tables_, p, 0);
    }
    if (r.available(int(Baseline::calibrated))) {
        if (const int best = r.best_baseline(); best > 0)
            r.calibrated_vs_best = paired_auc_test(paired_, tables_, int(Baseline::calibrated), best);
        if (r.available(int(Baseline::rfm)))
            r.calibrated_vs_rfm = paired_auc_test(paired_, tables_, int(Baseline::calibrated), int(Baseline::rfm));
    }
    if (r.available(int(Baseline::rfm_dimensions))) {
        if (r.available(int(Baseline::rfm)))
            r.rfm_dimensions_vs_rfm = paired_auc_test(paired_, tables_, int(Baseline::rfm_dimensions), int(Baseline::rfm));
        if (const int best = r.best_baseline(); best > 0)
            r.rfm_dimensions_vs_best = paired_auc_test(paired_, tables_, int(Baseline::rfm_dimensions), best);
    }
    r.attrition_attempted = date_.main;
    r.attrition_unavailable = attrition_.unavailable;
    if (attrition_scores_) r.attrition = attrition_scores_->result(attrition_counts_);
    else {
        r.attrition.customers = attrition_counts_[0];
        r.attrition.engaged = attrition_counts_[1];
        r.attrition.churned = attrition_counts_[2];
        r.attrition.churned_engaged = attrition_counts_[3];
    }
    out_->push_back({date_.as_of, std::move(r)});
}

void BaselineStage::finish(const mpi::Comm& comm, int step) {
    using namespace kernels;
    if (step == 0) {
        mpi::allreduce_state(comm, moments_);
        // The fit needs customers of both classes and features that vary among them.
        const std::string date = format_iso_date(date_.run.meta->epoch_unix_day + train_as_of_);
        auto& why = rfm_.unavailable;
        if (moments_.rows() < kMinTrainingCustomers)
            why = std::to_string(moments_.rows()) + " customers at risk on the training date " + date + " (at least " +
                  std::to_string(kMinTrainingCustomers) +
                  " needed); choose a later --calibrate-as-of, at least --churn-days before the as-of date";
        else if (moments_.positives() == 0 || moments_.positives() == moments_.rows())
            why = "every customer at risk on the training date " + date + " had the same outcome";
        for (int j = 0; why.empty() && j < kRfmFeatures; ++j)
            if (!(moments_.sd(j) > 0))
                why = std::string("the feature ") + kRfmFeatureNames[j] + " is constant on the training date " + date;
        if (why.empty()) {
            rfm_.model = start_logistic(moments_);
            rfm_.fitting = true;
        }
        // The calibration's features are on a fixed scale (calibration_features): no moments.
        if (train_) {
            calibrated_.model.mean.assign(kDimensions, 0.0);
            calibrated_.model.scale.assign(kDimensions, 1.0);
            calibrated_.model.beta.assign(kDimensions + 1, 0.0);
            calibrated_.model.se.assign(kDimensions + 1, std::nan(""));
            calibrated_.fitting = true;
            // The nested model: RFM's standardisation, the dimensions on their fixed scale.
            if (rfm_.fitting) {
                nested_.model = rfm_.model;
                nested_.model.mean.resize(kNestedFeatures, 0.0);
                nested_.model.scale.resize(kNestedFeatures, 1.0);
                nested_.model.beta.assign(kNestedFeatures + 1, 0.0);
                nested_.model.se.assign(kNestedFeatures + 1, std::nan(""));
                nested_.fitting = true;
            } else {
                nested_.unavailable = "RFM is not fitted: " + rfm_.unavailable;
            }
        }
        if (date_.main) {
            mpi::allreduce_state(comm, attrition_moments_);
            std::string& no = attrition_.unavailable;
            if (attrition_moments_.rows() < kMinTrainingCustomers)
                no = std::to_string(attrition_moments_.rows()) + " customers at risk (at least " +
                     std::to_string(kMinTrainingCustomers) + " needed)";
            for (int j = 0; no.empty() && j < kRfmFeatures; ++j)
                if (!(attrition_moments_.sd(j) > 0))
                    no = std::string("the feature ") + kRfmFeatureNames[j] + " is constant among the customers at risk";
            if (no.empty()) {
                attrition_.model = start_attrition(attrition_moments_);
                attrition_.fitting = true;
            }
        }
        phase_ = Phase::join;
        return;
    }
    if (phase_ == Phase::join || phase_ == Phase::fit) {
        if (phase_ == Phase::join && train_) {
            comm.allreduce_sum(std::span<std::int64_t>(calibration_counts_));
            const std::int64_t n = calibration_counts_[0], k = calibration_counts_[1];
            if (n < kMinTrainingCustomers || k == 0 || k == n)
                for (LogisticFit* f : {&calibrated_, &nested_}) {
                    if (!f->fitting) continue;
                    f->fitting = false;
                    f->unavailable = std::to_string(n) + " customers scored and at risk on the training date, " +
                                     std::to_string(k) + " of them retained: too few or one class only";
                }
        }
        if (phase_ == Phase::join && date_.main) {
            comm.allreduce_sum(std::span<std::int64_t>(attrition_counts_));
            const auto& c = attrition_counts_;
            if (attrition_.fitting && (c[1] == 0 || c[1] == c[0] || c[2] == 0 || c[2] == c[0])) {
                attrition_.fitting = false;
                attrition_.unavailable = std::to_string(c[0]) + " customers at risk, " + std::to_string(c[1]) +
                                         " of them engaged and " + std::to_string(c[2]) +
                                         " churned: both groups and both outcomes are needed";
            }
        }
        rfm_.step(comm);
        calibrated_.step(comm);
        nested_.step(comm);
        attrition_.step(comm);
        phase_ = rfm_.fitting || calibrated_.fitting || nested_.fitting || attrition_.fitting ? Phase::fit : Phase::keys;
        if (phase_ == Phase::keys && attrition_.fitted) make_attrition_scores();
    } else if (phase_ == Phase::keys) {
        mpi::allreduce_state(comm, keys_);
        comm.allreduce_sum(std::span<std::int64_t>(counts_));
        if (attrition_scores_) mpi::reduce_state(comm, *attrition_scores_);
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
        joined_.assign(customers.size(), {});
        for (std::size_t i = 0; i < customers.size(); ++i) {
            const bool calibrated = date_.histories[i].calibrated;
            auto& s = joined_[i];
            s.composite = date_.scored[i].now.composite;
            s.p_alive = calibrated ? date_.predictions[i].p_alive : 0.0f;
            s.acquired = date_.scored[i].now.acquired;
            s.calibrated = calibrated;
            const kernels::Tier tier = date_.scored[i].now.tier;
            s.engaged = s.acquired && (tier == kernels::Tier::fully_engaged || tier == kernels::Tier::engaged);
            s.rm = date_.records[i].rm;
            for (int d = 0; d < kDimensions; ++d) s.now[std::size_t(d)] = float(date_.scored[i].now.dimension[std::size_t(d)]);
            if (train_) {
                s.train_acquired = train_->scored[i].now.acquired;
                for (int d = 0; d < kDimensions; ++d)
                    s.train[std::size_t(d)] = float(train_->scored[i].now.dimension[std::size_t(d)]);
                if (customers[i].train_at_risk && s.train_acquired) {
                    calibration_counts_[0] += 1;
                    calibration_counts_[1] += customers[i].train_retained;
                }
            }
        }
        scores_->append(joined_);
        add_training(customers, joined_);
        if (date_.main) add_attrition(customers, joined_, true);
        return;
    }
    const auto scores = scores_->block(block, scratch_scores_);
    if (phase_ == Phase::fit) {
        add_training(customers, scores);
        add_attrition(customers, scores, false);
        return;
    }
    if (phase_ == Phase::keys) add_attrition(customers, scores, false);
    std::array<std::uint16_t, kBaselinePredictors> keys;
    for (std::size_t i = 0; i < customers.size(); ++i) {
        if (!baseline_keys(customers[i], scores[i], model(rfm_), model(calibrated_), model(nested_), keys)) continue;
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
    rfm_.save(out);
    calibrated_.save(out);
    nested_.save(out);
    out.vector(std::span<const std::int64_t>(attrition_moments_.sum_words()));
    attrition_.save(out);
    out.vector(std::span<const std::int64_t>(attrition_counts_));
    out.vector(attrition_scores_ ? std::span<const std::int64_t>(attrition_scores_->sum_words()) : std::span<const std::int64_t>());
    out.vector(std::span<const std::int64_t>(calibration_counts_));
    save_words(out, keys_);
    out.vector(std::span<const std::int64_t>(counts_));
    out.vector(std::span<const std::int64_t>(paired_.sum_words()));
}

void BaselineStage::restore(io::StateReader& in, int) {
    customers_->restore(in);
    scores_->restore(in);
    phase_ = in.value<Phase>();
    in.fixed(moments_.sum_words());
    rfm_.restore(in);
    calibrated_.restore(in);
    nested_.restore(in);
    in.fixed(attrition_moments_.sum_words());
    attrition_.restore(in);
    in.fixed(std::span<std::int64_t>(attrition_counts_));
    std::vector<std::int64_t> attrition_scores;
    in.vector(attrition_scores);
    if (!attrition_scores.empty()) {
        make_attrition_scores();
        in.check(attrition_scores.size() == attrition_scores_->sum_words().size(), "the attrition scores differ in size");
        std::copy(attrition_scores.begin(), attrition_scores.end(), attrition_scores_->sum_words().begin());
    }
    in.fixed(std::span<std::int64_t>(calibration_counts_));
    restore_words(in, keys_);
    in.fixed(std::span<std::int64_t>(counts_));
    in.fixed(paired_.sum_words());
    // What the finish calls derived from the saved sums.
    if (phase_ == Phase::test || phase_ == Phase::done) take_keys();
    if (phase_ == Phase::done) take_result();
}

}  // namespace engage::jobs
