#include "jobs/retention_stage.hpp"

#include <cmath>
#include <limits>

#include "core/dates.hpp"
#include "core/progress.hpp"
#include "io/features_file.hpp"
#include "io/report/retention_report.hpp"
#include "jobs/score_job.hpp"
#include "mpi/comm.hpp"
#include "retention/purchase_timing.hpp"

namespace engage::jobs {

namespace {
// Kaplan-Meier durations are counted by day up to this many days (about 30 years).
constexpr std::int32_t kMaxSurvivalDays = 11000;
}  // namespace

RetentionStage::RetentionStage(DateContext& date)
    : date_(date),
      histories_(date.run.spill<kernels::PurchaseHistory>("histories" + date.tag)),
      survival_(date.main ? kernels::kTiers : 0, kMaxSurvivalDays) {
    const io::CustomerBaseMeta& m = *date.run.meta;
    const auto& o = date.run.retention;
    if (date.main)
        cohorts_ = std::make_unique<kernels::CohortRetention>(
            kernels::CohortConfig{o.cohort_unit, m.epoch_unix_day, day_of(m.first_time), date.ctx.as_of,
                                  o.cohort_periods, false, o.cohort_window, o.cohort_brackets},
            io::cohort_group_names(m, o.cohort_by).size());
}

void RetentionStage::fold(const io::CustomerShard& shard, std::int64_t) {
    if (shard.customers() == 0) return;
    const auto& o = date_.run.retention;
    const kernels::Day as_of = date_.ctx.as_of;
    shard_.clear();
    // The data begin on the first day of /interactions/time: customers acquired before it enter
    // the survival counts late (delayed entry).
    const auto data_start = kernels::Day(date_.run.meta->first_time / 86400);
    // The cohort groups: the shard's column of the breakdown attribute (segments widened).
    std::span<const std::uint32_t> group = shard.business_unit;
    if (o.cohort_by == "region") group = shard.region;
    else if (o.cohort_by == "rm") group = shard.rm;
    else if (o.cohort_by == "segment") {
        segment_.assign(shard.segment.begin(), shard.segment.end());
        group = segment_;
    }
    const kernels::PeriodGrid grid{as_of, o.opportunity_days, bgbb() ? o.holdout_days / o.opportunity_days : 0};
    kernels::append_histories(shard.view(), date_.run.kinds, group, as_of, as_of + o.holdout_days,
                              o.churn_days, o.cancel_code, cohorts_.get(), shard_, data_start, bgbb() ? &grid : nullptr);
    const auto view = shard.view();
    for (std::size_t k = 0; k < shard.customers(); ++k)
        kernels::WheatMorrisonKernel::update(regularity_, kernels::purchase_timing(view, k, date_.run.kinds, as_of));
    for (const auto& h : shard_) {
        if (!h.calibrated) continue;
        if (bgbb()) {
            bgbb_.add(h.bgbb.summary);
            ++bgbb_actual_[0];
            bgbb_actual_[1] += h.bgbb.holdout_transactions;
            for (int k = 0; k < kernels::kBgbbHoldoutTable; ++k)
                bgbb_actual_[std::size_t(2 + k)] += (h.bgbb.holdout_mask >> k) & 1;
        }
        ++counts_[0];
        rfm_.add(h.rfm);
        holdout_.add(h.holdout_transactions);
        if (h.rfm.x > 0 && h.mean_repeat_value > 0) {
            ++counts_[1];
            spend_.add({h.rfm.x, h.mean_repeat_value});
        }
    }
    histories_->append(shard_);
}

void RetentionStage::finish(const mpi::Comm& comm, int step) {
    if (step == 0) {
        comm.allreduce_sum(counts_);
        comm.allreduce_sum(std::span<std::int64_t>(&regularity_.customers, 1));
        comm.allreduce_sum(regularity_.squared_deviation.sum_words());
        comm.allreduce_sum(holdout_.sum_words());
        if (cohorts_) mpi::reduce_state(comm, *cohorts_);
        // Every rank fits on its own groups; the objective is all-reduced exactly at each step.
        // Rank 0 counts the evaluations for its progress lines: every rank makes the same ones.
        Progress disabled(false, {});
        Progress& progress = date_.run.progress ? *date_.run.progress : disabled;
        std::uint64_t evaluations = 0;
        const kernels::AllReduceWords allreduce = [&](std::span<std::int64_t> w) {
            comm.allreduce_sum(w);
            progress.update(++evaluations);
        };
        std::int64_t groups[2] = {std::int64_t(rfm_.groups().size()), std::int64_t(spend_.groups().size())};
        comm.allreduce_sum(groups);
        auto fitting = [&](const char* model, std::int64_t model_groups) {
            evaluations = 0;
            progress.phase("retention fits as of " + date_.as_of + ": " + model + " on " +
                               std::to_string(model_groups) + " groups of summaries of all ranks",
                           0, "likelihood evaluations");
        };
        fitting("BG/NBD", groups[0]);
        bg_nbd_ = kernels::fit_bg_nbd(rfm_.groups(), allreduce);
        fitting("Pareto/NBD", groups[0]);
        pareto_nbd_ = kernels::fit_pareto_nbd(rfm_.groups(), allreduce);
        fitting("Gamma-Gamma", groups[1]);
        gamma_gamma_ = kernels::fit_gamma_gamma(spend_.groups(), allreduce);
        if (bgbb()) {
            comm.allreduce_sum(std::span<std::int64_t>(bgbb_actual_));
            std::int64_t patterns = std::int64_t(bgbb_.groups().size());
            comm.allreduce_sum(std::span<std::int64_t>(&patterns, 1));
            fitting("BG/BB", patterns);
            bgbb_fit_ = kernels::fit_bgbb(bgbb_.groups(), allreduce);
        }
        progress.phase("retention predictions as of " + date_.as_of + " for " + std::to_string(groups[0]) +
                       " distinct summaries");
        spend_.assign({});
        predict();  // the predictions keep the distinct summaries
    } else if (step == 1) {
        histories_->clear();  // sweep 0 was their last
        date_.run.spill_budget->give_back(predictions_by_summary_.bytes() + bgbb_by_pattern_.bytes());
        predictions_by_summary_ = {};
        bgbb_by_pattern_ = {};
        if (bgbb()) comm.reduce_sum(bgbb_predicted_.sum_words());
        if (date_.main) mpi::reduce_state(comm, survival_);
        comm.reduce_sum(predicted_bg_.sum_words());
        comm.reduce_sum(predicted_pareto_.sum_words());
    }
}

void RetentionStage::predict() {
    const kernels::RetentionConfig& o = date_.run.retention;
    const kernels::PredictionHorizon horizon{o.horizon_weeks, std::pow(1.0 + o.annual_discount_rate, 1.0 / 52.0) - 1.0,
                                             o.holdout_days > 0 ? double(o.holdout_days) / 7.0 : 0.0,
                                             o.prediction_model == kernels::PredictionModel::pareto_nbd};
    predictions_by_summary_ = {};
    predictions_by_summary_ =
        kernels::RfmPredictions(rfm_.take(), kernels::RfmPredictor(bg_nbd_.params, pareto_nbd_.params, horizon));
    bgbb_by_pattern_ = {};
    if (bgbb()) {
        const kernels::BgbbOpportunities opportunities = this->opportunities();
        bgbb_by_pattern_ = kernels::BgbbPredictions(bgbb_.take(), [&](const kernels::BgbbSummary& s) {
            return kernels::predict_bgbb(bgbb_fit_.params, s, opportunities);
        });
    }
    // Held through sweep 0 beside the spill stores' blocks (380 MB per rank at 100 M customers):
    // the blocks in memory make room for them, so that the rank stays within its budget.
    date_.run.spill_budget->lend(predictions_by_summary_.bytes() + bgbb_by_pattern_.bytes());
}

// The horizon's whole opportunities (at least one), the discount rate per opportunity from the
// yearly one (a year of 365 days), and the holdout's whole opportunities.
kernels::BgbbOpportunities RetentionStage::opportunities() const noexcept {
    const kernels::RetentionConfig& o = date_.run.retention;
    const std::int32_t p = o.opportunity_days;
    return {std::max(1, o.horizon_weeks * 7 / p), std::pow(1.0 + o.annual_discount_rate, double(p) / 365.0) - 1.0,
            o.holdout_days / p};
}

void RetentionStage::sweep(int step, std::size_t block) {
    if (step != 0) return;
    using namespace kernels;
    if (block > 0) histories_->release(block - 1);  // sweep 0 is their last
    const auto histories = histories_->block(block, scratch_);
    date_.histories = histories;
    constexpr float unknown = std::numeric_limits<float>::quiet_NaN();
    auto& predictions = date_.predictions;
    auto& expected = date_.holdout_expected;
    predictions.assign(histories.size(), {unknown, unknown, unknown, unknown, unknown, unknown, unknown, unknown});
    expected.assign(histories.size(), 0.0);
    std::vector<double> expected_pareto(histories.size(), 0.0);
    // Per customer in parallel (each by one thread), from the predictions of its summary; the
    // holdout totals are then summed exactly.
    const auto n = std::int64_t(histories.size());
#pragma omp parallel for schedule(static)
    for (std::int64_t j = 0; j < n; ++j) {
        const auto i = std::size_t(j);
        const PurchaseHistory& h = histories[i];
        if (!h.calibrated) continue;
        const RfmPrediction& r = predictions_by_summary_.at(h.rfm);
        expected[i] = r.holdout_bg_nbd;
        expected_pareto[i] = r.holdout_pareto_nbd;
        // Without a Gamma-Gamma fit (no repeat purchaser anywhere) spend and CLV are unknown.
        // BG/NBD and Pareto/NBD are fitted whenever any customer is calibrated.
        const double spend_per_transaction =
            gamma_gamma_.fitted
                ? gamma_gamma_expected_spend(gamma_gamma_.params, h.rfm.x, h.rfm.x > 0 ? h.mean_repeat_value : 0.0)
                : std::numeric_limits<double>::quiet_NaN();
        RetentionPrediction& out = predictions[i];
        out.p_alive = float(r.p_alive);
        out.expected_transactions = float(r.expected);
        out.expected_spend = float(spend_per_transaction);
        out.clv = float(spend_per_transaction * r.discounted);
        if (bgbb_fit_.fitted) {
            const BgbbPrediction& b = bgbb_by_pattern_.at(h.bgbb.summary);
            out.bgbb_p_alive = float(b.p_alive);
            out.bgbb_expected_transactions = float(b.expected);
            out.bgbb_dert = float(b.dert);
            out.bgbb_clv = float(spend_per_transaction * b.dert);
        }
    }
    for (std::size_t i = 0; i < histories.size(); ++i) {
        if (bgbb_fit_.fitted && histories[i].calibrated) {
            const BgbbPrediction& b = bgbb_by_pattern_.at(histories[i].bgbb.summary);
            bgbb_predicted_.add(0, b.holdout);
            for (int k = 0; k < kBgbbHoldoutTable; ++k) bgbb_predicted_.add(std::size_t(1 + k), b.per_opportunity[std::size_t(k)]);
        }
        predicted_bg_.add(expected[i]);
        predicted_pareto_.add(expected_pareto[i]);
        if (date_.main && histories[i].survival && date_.scored[i].now.acquired)
            survival_.update(std::size_t(date_.scored[i].now.tier), *histories[i].survival);
    }
    if (date_.main) date_.run.writer->append_retention(predictions);
}

void RetentionStage::report(ReportOutput& out) const {
    if (!date_.main) return;
    out.report["retention"] = io::retention_report(
        {&bg_nbd_, &pareto_nbd_, &gamma_gamma_, counts_[0], counts_[1], holdout_.value(), predicted_bg_.value(),
         predicted_pareto_.value(), &survival_, cohorts_.get(), bgbb() ? &bgbb_fit_ : nullptr, bgbb_actual_,
         &bgbb_predicted_, kernels::WheatMorrisonKernel::finalize(regularity_)},
        date_.run.retention, *date_.run.meta, date_.as_of, date_.horizon_end);
    for (auto& t : io::retention_tables(out.report["retention"])) out.tables.push_back(std::move(t));
}

void RetentionStage::save(io::StateWriter& out) {
    histories_->save(out);
    out.vector(std::span<const std::int64_t>(counts_));
    out.value(regularity_.customers);
    out.vector(std::as_const(regularity_.squared_deviation).sum_words());
    out.vector(std::as_const(holdout_).sum_words());
    if (cohorts_) save_words(out, *cohorts_);
    // The distinct summaries: with their counts until the fits, then those of the predictions.
    std::vector<kernels::RfmGroup> predicted;
    for (const auto& summary : predictions_by_summary_.summaries()) predicted.push_back({summary, 1});
    out.vector(predictions_by_summary_.empty() ? rfm_.groups() : predicted);
    out.vector(spend_.groups());
    std::vector<kernels::BgbbGroup> patterns;
    for (const auto& summary : bgbb_by_pattern_.summaries()) patterns.push_back({summary, 1});
    out.vector(bgbb_by_pattern_.empty() ? bgbb_.groups() : patterns);
    out.vector(std::span<const std::int64_t>(bgbb_actual_));
    out.value(bgbb_fit_);
    out.vector(std::span<const std::int64_t>(bgbb_predicted_.sum_words()));
    out.value(bg_nbd_);
    out.value(pareto_nbd_);
    out.value(gamma_gamma_);
    out.vector(std::as_const(predicted_bg_).sum_words());
    out.vector(std::as_const(predicted_pareto_).sum_words());
    save_words(out, survival_);
}

void RetentionStage::restore(io::StateReader& in, int finished) {
    histories_->restore(in);
    in.fixed(std::span<std::int64_t>(counts_));
    regularity_.customers = in.value<std::int64_t>();
    in.fixed(regularity_.squared_deviation.sum_words());
    in.fixed(holdout_.sum_words());
    if (cohorts_) restore_words(in, *cohorts_);
    std::vector<kernels::RfmGroup> rfm;
    std::vector<kernels::SpendGroup> spend;
    in.vector(rfm);
    in.vector(spend);
    rfm_.assign(std::move(rfm));
    spend_.assign(std::move(spend));
    std::vector<kernels::BgbbGroup> patterns;
    in.vector(patterns);
    bgbb_.assign(std::move(patterns));
    in.fixed(std::span<std::int64_t>(bgbb_actual_));
    bgbb_fit_ = in.value<kernels::BgbbFit>();
    in.fixed(bgbb_predicted_.sum_words());
    bg_nbd_ = in.value<kernels::BgNbdFit>();
    pareto_nbd_ = in.value<kernels::ParetoNbdFit>();
    gamma_gamma_ = in.value<kernels::GammaGammaFit>();
    in.fixed(predicted_bg_.sum_words());
    in.fixed(predicted_pareto_.sum_words());
    restore_words(in, survival_);
    if (finished == 1) predict();  // between the fits and the end of sweep 0: the summaries of the predictions
}

}  // namespace engage::jobs
