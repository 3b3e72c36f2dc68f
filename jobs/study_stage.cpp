#include "jobs/study_stage.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/dates.hpp"
#include "jobs/score_job.hpp"
#include "mpi/comm.hpp"

namespace engage::jobs {

std::vector<kernels::StudyCustomer> study_customers(const StudyInputs& in) {
    std::vector<kernels::StudyCustomer> out(in.scored.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto& s = in.scored[i];
        const auto& h = in.histories[i];
        auto& c = out[i];
        c.acquired = s.now.acquired;
        c.composite = s.now.composite;
        c.tier = s.now.tier;
        c.business_unit = s.business_unit;
        c.outcome = in.outcomes[i];
        c.calibrated = h.calibrated;
        if (h.calibrated) {
            c.p_alive = in.predictions[i].p_alive;
            c.expected_holdout = in.holdout_expected[i];
            c.actual_holdout = h.holdout_transactions;
        }
        // Share of wallet over the horizon: its revenue per 365 days over the yearly wallet.
        const std::int64_t wallet = in.records[i].wallet_cents;
        if (wallet > 0)
            c.share_of_wallet = std::clamp(double(c.outcome.horizon_revenue_cents) * 365.0 /
                                               double(in.horizon_days) / double(wallet), 0.0, 1.0);
    }
    return out;
}

std::int64_t acquisition_year(std::int64_t unix_day) {
    const std::int32_t m = month_index(unix_day);
    return 1970 + (m >= 0 ? m / 12 : -((11 - m) / 12));
}

namespace {

// The correlation variables of a customer at risk (NaN: unknown).
std::array<double, kStudyVariables> study_values(const StudyRow& r) {
    const kernels::StudyCustomer& c = r.customer;
    std::array<double, kStudyVariables> v;
    for (int d = 0; d < kernels::kDimensions; ++d) v[std::size_t(d)] = r.dimensions[std::size_t(d)];
    v[5] = c.composite;
    v[6] = c.outcome.retained ? 1.0 : 0.0;
    v[7] = double(c.outcome.horizon_revenue_cents) / 100.0;
    v[8] = c.share_of_wallet;
    v[9] = c.calibrated ? c.p_alive : std::nan("");
    return v;
}

}  // namespace

StudyStage::StudyStage(DateContext& date, std::shared_ptr<StudyDates> dates, std::shared_ptr<const BaselineDates> baselines)
    : date_(date), dates_(std::move(dates)), baselines_(std::move(baselines)),
      outcomes_(date.run.spill<kernels::StudyOutcome>("outcomes" + date.tag)),
      rows_(date.run.spill<StudyRow>("study" + date.tag)),
      years_{std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::min()},
      keys_(std::make_unique<kernels::ChurnHistograms>()),
      result_{.auc = {}, .sums = kernels::BacktestSums(),
              .claims = kernels::ClaimsState(date.run.meta->business_unit_names.size())} {}

int StudyStage::groups() const noexcept {
    return int(1 + date_.run.meta->business_unit_names.size() + std::size_t(last_year_ - first_year_ + 1));
}

std::array<int, 3> StudyStage::group_of(const kernels::StudyCustomer& c) const noexcept {
    const std::int64_t year = acquisition_year(date_.run.meta->epoch_unix_day + c.outcome.acquisition_day);
    return {0, int(1 + c.business_unit),
            int(1 + date_.run.meta->business_unit_names.size() + std::size_t(year - first_year_))};
}

void StudyStage::fold(const io::CustomerShard& shard, std::int64_t) {
    if (shard.customers() == 0) return;
    const auto& o = date_.run.retention;
    const kernels::StudyHorizon horizon{date_.ctx.as_of, date_.ctx.as_of + o.holdout_days, o.churn_days,
                                        o.cancel_code};
    shard_.clear();
    kernels::append_outcomes(shard.view(), date_.run.kinds, horizon, shard.truth_churn, shard_);
    if (date_.main)  // the acquisition years of the customers at risk: the correlations' groups
        for (std::size_t k = 0; k < shard_.size(); ++k) {
            if (date_.shard_records[k].now.known == 0 || !shard_[k].at_risk) continue;
            const std::int64_t y = acquisition_year(date_.run.meta->epoch_unix_day + shard_[k].acquisition_day);
            years_[0] = std::max(years_[0], -y);
            years_[1] = std::max(years_[1], y);
        }
    outcomes_->append(shard_);
}

kernels::CorrelationSpec StudyStage::correlation_spec() const noexcept {
    return {.variables = kStudyVariables, .groups = groups(),
            .min_group_size = std::int64_t(date_.run.options->engagement.min_group_size),
            .key_bits = kCorrelationKeyBits, .refinements = kCorrelationRefinements,
            .cells_per_key = kCorrelationCellsPerKey};
}

void StudyStage::take_years() noexcept {
    first_year_ = -years_[0];
    last_year_ = years_[1];
    if (last_year_ < first_year_) first_year_ = last_year_ = 0;  // nobody at risk
}

void StudyStage::take_auc() {
    using namespace kernels;
    keys_->finalize();
    for (int o = 0; o < 2; ++o)
        for (int p = 0; p < kPredictors; ++p) result_.auc[o][p] = churn_auc(*keys_, o, Predictor(p));
    result_.at_risk = result_.auc[0][0].positives + result_.auc[0][0].negatives;
    result_.churned = result_.auc[0][0].negatives;
}

void StudyStage::refine_or_rank() {
    // Cells that held different values are split and counted again in the next sweep; when none
    // is left (or the budget is spent), the next sweep ranks.
    if (partition_->refine(histograms_->spans())) {
        histograms_ = std::make_unique<kernels::RankHistograms>(*partition_);
        return;
    }
    rank_tables_ = std::make_unique<kernels::RankTables>(std::move(*histograms_));
    histograms_.reset();
    rank_moments_ = std::make_unique<kernels::RankMoments>(*rank_tables_);
    tails_ = std::make_unique<kernels::PearsonTails>(*moments_);
}

void StudyStage::publish() const {
    if (date_.run.rank == 0) dates_->push_back({date_.as_of, date_.horizon_end, result_, date_.wallets_known});
}

void StudyStage::finish(const mpi::Comm& comm, int step) {
    using namespace kernels;
    if (step == 2 && date_.main) {
        mpi::allreduce_state(comm, revenue_fit_);
        revenue_scores_ = std::make_unique<RevenueScores>(date_.run.meta->rm_names.size(), revenue_fit_.solve());
    } else if (step == 3 && date_.main) {
        mpi::reduce_state(comm, *revenue_scores_);
        if (comm.root()) revenue_ = revenue_scores_->result(revenue_fit_);
    }
    if (step == 0) {
        if (!date_.main) return;
        comm.allreduce_max(years_);
        take_years();
        ranges_ = std::make_unique<CorrelationRanges>(correlation_spec());
    } else if (step == 1) {
        outcomes_->clear();
        mpi::allreduce_state(comm, *keys_);
        take_auc();
        if (!date_.main) return;
        mpi::allreduce_state(comm, *ranges_);
        grid_ = std::make_unique<CorrelationGrid>(*ranges_);
        moments_ = std::make_unique<CorrelationMoments>(*grid_);
        const CorrelationSpec spec = correlation_spec();
        partition_ = std::make_unique<RankPartition>(*grid_, spec.refinements, std::uint32_t(spec.cells_per_key * grid_->keys()));
        histograms_ = std::make_unique<RankHistograms>(*partition_);
    } else if (step == 2) {
        mpi::reduce_state(comm, result_.sums);
        comm.reduce_sum(result_.claims.sum_words());
        comm.reduce_sum(result_.claims.sum_words_exact());
        comm.reduce_sum(sentiment_.sum_words());
        if (!date_.main) {
            rows_->clear();
            publish();
            return;
        }
        mpi::allreduce_state(comm, *moments_);
        mpi::allreduce_state(comm, *histograms_);
        refine_or_rank();
    } else if (date_.main && histograms_) {
        mpi::allreduce_state(comm, *histograms_);
        refine_or_rank();
    } else if (date_.main && rank_moments_ && !correlation_) {
        rows_->clear();
        mpi::reduce_state(comm, *rank_moments_);
        mpi::reduce_state(comm, *tails_);
        correlation_ = std::make_unique<CorrelationResult>(*moments_, *rank_moments_, tails_.get());
        publish();
    }
}

void StudyStage::sweep(int step, std::size_t block) {
    using namespace kernels;
    if (step == 0) {
        if (block > 0) outcomes_->release(block - 1);  // sweep 0 is their last
        const auto outcomes = outcomes_->block(block, scratch_);
        const auto customers = study_customers({date_.records, date_.scored, outcomes, date_.histories,
                                                date_.predictions, date_.holdout_expected,
                                                date_.run.retention.holdout_days});
        add_churn_keys(customers, *keys_);
        std::vector<StudyRow> rows(customers.size());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            rows[i].customer = customers[i];
            rows[i].dimensions = date_.scored[i].now.dimension;
            rows[i].past_revenue_cents = date_.records[i].revenue_cents;
            rows[i].rm = date_.records[i].rm;
            if (ranges_ && correlates(customers[i])) ranges_->add(study_values(rows[i]), group_of(customers[i]));
        }
        rows_->append(rows);
        return;
    }
    if (block > 0 && (date_.main ? rank_moments_ != nullptr : step == 1)) rows_->release(block - 1);  // their last sweep
    const auto rows = rows_->block(block, scratch_);
    for (const StudyRow& r : rows) {
        if (step == 1) {
            result_.sums.add(r.customer, *keys_);
            result_.claims.add(r.customer);
            if (date_.main && correlates(r.customer)) revenue_fit_.add(revenue_observation(r));
            sentiment_.add(r.customer.acquired && r.customer.outcome.at_risk,
                           !std::isnan(r.dimensions[int(kernels::Dimension::sentiment)]), r.customer.outcome.retained);
            if (moments_ && correlates(r.customer)) {
                const auto values = study_values(r);
                moments_->add(values, group_of(r.customer));
                histograms_->add(values, group_of(r.customer));
            }
        } else if (correlates(r.customer)) {
            if (step == 2 && revenue_scores_) revenue_scores_->add(r.rm, revenue_observation(r));
            if (histograms_) histograms_->add(study_values(r), group_of(r.customer));
            else if (rank_moments_) {
                const auto values = study_values(r);
                rank_moments_->add(values, group_of(r.customer));
                tails_->add(values, group_of(r.customer));
            }
        }
    }
}

void StudyStage::report(ReportOutput& out) const {
    if (!date_.main) return;
    const auto& o = date_.run.retention;
    std::sort(dates_->begin(), dates_->end(), [](const io::StudyDate& a, const io::StudyDate& b) { return a.as_of < b.as_of; });
    const std::string churn = o.cancel_code >= 0
                                  ? "contractual, the first interaction on channel " + o.cancel_channel
                                  : "non-contractual, " + std::to_string(o.churn_days) + " days without an interaction";
    const io::CustomerBaseMeta& meta = *date_.run.meta;
    io::StudyReportInput in;
    in.dates = *dates_;
    if (baselines_) in.baselines = *baselines_;
    in.as_of = date_.as_of;
    in.horizon_days = o.holdout_days;
    in.min_group_size = std::int64_t(date_.run.options->engagement.min_group_size);
    in.churn_definition = churn;
    in.planted = meta.has_truth;
    in.correlation = correlation_.get();
    in.sentiment = sentiment_.result();
    in.revenue_regression = revenue_;
    in.variables = kStudyVariableNames;
    in.key_bits = kCorrelationKeyBits;
    in.correlation_groups.emplace_back("corporate", "corporate");
    for (const auto& b : meta.business_unit_names) in.correlation_groups.emplace_back("business_unit", b);
    for (auto y = first_year_; y <= last_year_; ++y) in.correlation_groups.emplace_back("acquisition_year", std::to_string(y));
    out.report["study"] = io::study_report(in, meta);
    for (auto& t : io::study_tables(out.report["study"])) out.tables.push_back(std::move(t));
}

void StudyStage::save(io::StateWriter& out) {
    outcomes_->save(out);
    rows_->save(out);
    out.vector(std::span<const std::int64_t>(years_));
    save_words(out, *keys_);
    out.value(result_.auc);
    out.value(result_.at_risk);
    out.value(result_.churned);
    save_words(out, result_.sums);
    out.vector(std::span<const std::int64_t>(result_.claims.sum_words()));
    out.vector(std::span<const std::int64_t>(result_.claims.sum_words_exact()));
    save_words(out, sentiment_);
    save_words(out, revenue_fit_);
    out.vector(revenue_scores_ ? std::span<const std::int64_t>(revenue_scores_->sum_words()) : std::span<const std::int64_t>());
    // The correlations (main date): ranges, moments, the rank cells, the histograms being
    // counted, the rank tables and rank moments, whether the result is made; empty until they
    // exist.
    const std::vector<std::int64_t> none;
    auto sums = [&](auto* state) -> std::span<const std::int64_t> {
        return state ? std::span<const std::int64_t>(state->sum_words()) : none;
    };
    out.vector(ranges_ ? std::span<const std::int64_t>(ranges_->max_words()) : none);
    out.vector(sums(moments_.get()));
    out.vector(partition_ ? partition_->words() : none);
    out.vector(sums(histograms_.get()));
    out.vector(histograms_ ? std::span<const std::int64_t>(histograms_->max_words()) : none);
    out.vector(rank_tables_ ? rank_tables_->words() : none);
    out.vector(sums(rank_moments_.get()));
    out.vector(sums(tails_.get()));
    out.value(std::int64_t(correlation_ ? 1 : 0));
}

void StudyStage::restore(io::StateReader& in, int finished) {
    using namespace kernels;
    outcomes_->restore(in);
    rows_->restore(in);
    in.fixed(std::span<std::int64_t>(years_));
    restore_words(in, *keys_);
    result_.auc = in.value<decltype(result_.auc)>();
    result_.at_risk = in.value<std::int64_t>();
    result_.churned = in.value<std::int64_t>();
    restore_words(in, result_.sums);
    in.fixed(result_.claims.sum_words());
    in.fixed(result_.claims.sum_words_exact());
    restore_words(in, sentiment_);
    restore_words(in, revenue_fit_);
    std::vector<std::int64_t> revenue_scores;
    in.vector(revenue_scores);
    if (!revenue_scores.empty()) {
        revenue_scores_ = std::make_unique<RevenueScores>(date_.run.meta->rm_names.size(), revenue_fit_.solve());
        in.check(revenue_scores.size() == revenue_scores_->sum_words().size(), "the revenue scores differ in size");
        std::copy(revenue_scores.begin(), revenue_scores.end(), revenue_scores_->sum_words().begin());
        if (finished >= 4 && date_.run.rank == 0) revenue_ = revenue_scores_->result(revenue_fit_);
    }
    std::vector<std::int64_t> ranges, moments, partition, histogram_sums, histogram_maxima, tables, rank_moments, tails;
    for (auto* words : {&ranges, &moments, &partition, &histogram_sums, &histogram_maxima, &tables, &rank_moments, &tails})
        in.vector(*words);
    const bool correlated = in.value<std::int64_t>() != 0;
    if (finished >= 2) keys_->finalize();
    auto copy = [&](const std::vector<std::int64_t>& from, std::span<std::int64_t> to, const char* what) {
        in.check(from.size() == to.size(), std::string("the correlation ") + what + " differ in size");
        std::copy(from.begin(), from.end(), to.begin());
    };
    if (date_.main) {
        if (finished >= 1) {
            take_years();
            ranges_ = std::make_unique<CorrelationRanges>(correlation_spec());
            copy(ranges, ranges_->max_words(), "ranges");
        }
        if (finished >= 2) {
            grid_ = std::make_unique<CorrelationGrid>(*ranges_);
            moments_ = std::make_unique<CorrelationMoments>(*grid_);
            copy(moments, moments_->sum_words(), "moments");
            const CorrelationSpec spec = correlation_spec();
            partition_ = std::make_unique<RankPartition>(*grid_, spec.refinements,
                                                         std::uint32_t(spec.cells_per_key * grid_->keys()));
            partition_->restore(partition);
            if (tables.empty()) {
                histograms_ = std::make_unique<RankHistograms>(*partition_);
                copy(histogram_sums, histograms_->sum_words(), "rank histograms");
                copy(histogram_maxima, histograms_->max_words(), "rank histograms' ranges");
            } else {
                rank_tables_ = std::make_unique<RankTables>(*partition_, tables);
                rank_moments_ = std::make_unique<RankMoments>(*rank_tables_);
                copy(rank_moments, rank_moments_->sum_words(), "rank moments");
                tails_ = std::make_unique<PearsonTails>(*moments_);
                copy(tails, tails_->sum_words(), "fourth moments");
            }
        }
        if (correlated) {
            correlation_ = std::make_unique<CorrelationResult>(*moments_, *rank_moments_, tails_.get());
            publish();
        }
    } else if (finished >= 3) {
        publish();
    }
}

}  // namespace engage::jobs
