#include "jobs/engagement_stage.hpp"

#include "io/features_file.hpp"
#include "io/report/accounts_at_risk_report.hpp"
#include "io/report/engagement_report.hpp"
#include "jobs/score_job.hpp"
#include "mpi/comm.hpp"
#include "study/outcome.hpp"

namespace engage::jobs {

EngagementStage::EngagementStage(DateContext& date)
    : date_(date),
      records_(date.run.spill<kernels::EngagementRecord>("records" + date.tag)),
      pairs_(date.run.spill<kernels::ValidationPair>("validation" + date.tag)),
      metrics_(std::make_unique<kernels::MetricHistograms>()),
      validation_(std::make_unique<kernels::ValidationHistograms>()),
      truth_(date.run.meta->has_truth),
      // With retention on, the main date's predictions (one per distinct purchase summary: 380 MB
      // per rank at 100 M customers) are held through sweep 0; the hierarchy summary (470 MB at
      // 400,000 relationship managers) is then built in sweep 1, after they are gone, from the
      // records scored again (the same scores: score_all is a pure function of the record).
      late_summary_(date.main && date.run.options->retention.enabled) {
    if (date.main && date.run.manager_ranges > 1) {
        ranges_ = date.run.manager_ranges;
        // Rank 0's reduced groups and lists, in blocks of about 4 MiB.
        constexpr std::size_t kGroupsPerBlock = (std::size_t(4) << 20) / sizeof(kernels::EngagementGroup);
        constexpr std::size_t kListsPerBlock = (std::size_t(4) << 20) / sizeof(kernels::ManagerSlots);
        managers_ = std::make_unique<io::SpillStore<kernels::EngagementGroup>>(date.run.spill_path("managers"),
                                                                               kGroupsPerBlock, *date.run.spill_budget);
        manager_lists_ = std::make_unique<io::SpillStore<kernels::ManagerSlots>>(
            date.run.spill_path("manager-lists"), kListsPerBlock, *date.run.spill_budget);
    }
}

std::size_t EngagementStage::range_first(std::size_t k) const noexcept {
    const std::size_t rms = date_.main ? date_.run.meta->rm_names.size() : 0;
    return k * rms / ranges_;  // ranges of equal size within one
}

std::unique_ptr<kernels::EngagementSummary> EngagementStage::range_summary(std::size_t k) const {
    const io::CustomerBaseMeta& m = *date_.run.meta;
    return std::make_unique<kernels::EngagementSummary>(m.business_unit_names.size(), m.region_names.size(),
                                                        range_count(k), range_first(k));
}

void EngagementStage::keep_managers(const mpi::Comm& comm, kernels::EngagementSummary& range,
                                    const kernels::TopAccounts& lists) {
    using Level = kernels::Level;
    const std::size_t n = range.groups(Level::relationship_manager);
    if (!comm.root() || n == 0) return;
    managers_->append(std::span(&range.group(Level::relationship_manager, 0), n));
    static_assert(sizeof(kernels::ManagerSlots) == kernels::AccountsAtRisk::kPerManager * sizeof(kernels::AtRiskAccount));
    manager_lists_->append(std::span(reinterpret_cast<const kernels::ManagerSlots*>(lists.slots().data()), n));
}

kernels::ManagerLists EngagementStage::manager_lists() const {
    if (!manager_lists_)
        return [risk = risk_.get()](std::size_t g, kernels::ManagerSlots&) { return risk->rms.group(g); };
    manager_lists_->settle();
    return [store = manager_lists_.get()](std::size_t g, kernels::ManagerSlots& buffer) {
        store->row(g, buffer);
        return kernels::TopAccounts::filled(buffer);
    };
}

kernels::LevelGroups EngagementStage::managers() const {
    if (!managers_) return kernels::LevelGroups::of(*summary_, kernels::Level::relationship_manager);
    managers_->settle();
    return {std::size_t(managers_->size()),
            [store = managers_.get()](std::size_t g, kernels::EngagementGroup& buffer) -> const kernels::EngagementGroup& {
                store->row(g, buffer);
                return buffer;
            }};
}

// Only the main date is reported: a backtest date keeps no hierarchy (a group per relationship
// manager would cost as much as the main date's). Made for the sweep that fills it.
void EngagementStage::make_summary() {
    const io::CustomerBaseMeta& m = *date_.run.meta;
    summary_ = std::make_unique<kernels::EngagementSummary>(date_.main ? m.business_unit_names.size() : 0,
                                                            date_.main ? m.region_names.size() : 0, range_count(0));
    if (date_.main) risk_ = std::make_unique<kernels::AccountsAtRisk>(m.business_unit_names.size(), range_count(0));
}

void EngagementStage::fold(const io::CustomerShard& shard, std::int64_t) {
    auto& records = date_.shard_records;
    records.clear();
    if (shard.customers() == 0) return;
    const std::span<const double> wallet = date_.wallets_known ? std::span<const double>(shard.wallet) : std::span<const double>();
    kernels::collect_records(date_.features, shard.id, shard.business_unit, shard.region, shard.rm, wallet, shard.truth,
                             shard.truth_churn, date_.ctx.as_of, std::int32_t(date_.run.options->window_days),
                             records);
    mark_reference(shard);
    kernels::add_keys(records, *metrics_);
    records_->append(records);
}

// The reference population of the percentiles (EngagementConfig::reference): with `alive`, the
// customers at risk at the date by the retention study's churn definition. OpenMP over the
// shard's customers.
void EngagementStage::mark_reference(const io::CustomerShard& shard) {
    auto& records = date_.shard_records;
    if (date_.run.options->engagement.reference == kernels::ReferencePopulation::all) return;
    const kernels::RetentionConfig& r = date_.run.retention;
    const auto n = std::int64_t(records.size());
    if (r.cancel_code < 0) {
#pragma omp parallel for schedule(static)
        for (std::int64_t k = 0; k < n; ++k) records[k].reference = kernels::alive_at(date_.features[k], r.churn_days);
        return;
    }
    const kernels::StudyHorizon at{date_.ctx.as_of, date_.ctx.as_of, r.churn_days, r.cancel_code};
    const kernels::ShardView view = shard.view();
#pragma omp parallel for schedule(dynamic, 256)
    for (std::int64_t k = 0; k < n; ++k)
        records[k].reference = kernels::study_outcome(view, std::size_t(k), date_.run.kinds, at).at_risk;
}

void EngagementStage::finish(const mpi::Comm& comm, int step) {
    if (step == 0) {
        mpi::allreduce_state(comm, *metrics_);
        metrics_->finalize();
        if (!late_summary_) make_summary();
    }
    const int summarised = first_summary_sweep() + 1;  // the finish after the summary's sweep
    if (step == summarised) {
        // Only rank 0 reports: the summaries are reduced to it, not all-reduced.
        mpi::reduce_state(comm, *summary_);
        if (risk_) {
            // Top lists merge exactly in any order (kernels/report/accounts_at_risk.hpp).
            mpi::reduce_merged(comm, risk_->corporate);
            mpi::reduce_merged(comm, risk_->business_units);
            mpi::reduce_merged(comm, risk_->rms);
        }
        if (managers_) {  // range 0's managers go to rank 0's stores
            keep_managers(comm, *summary_, risk_->rms);
            summary_->drop_managers();
            risk_->rms = kernels::TopAccounts(0, kernels::AccountsAtRisk::kPerManager);
        }
        if (!comm.root()) {
            summary_.reset();
            risk_.reset();
        }
        mpi::reduce_state(comm, score_by_tier_);
        range_ = 1;
    } else if (step > summarised && step <= records_last_sweep() + 1) {
        mpi::reduce_state(comm, *next_range_);
        mpi::reduce_merged(comm, next_lists_->rms);
        keep_managers(comm, *next_range_, next_lists_->rms);
        next_range_.reset();
        next_lists_.reset();
        ++range_;
    }
    if (step == records_last_sweep() + 1) records_->clear();  // the last range's sweep was their last
    // The next range's groups, for the sweep after this finish (range 0's are the summary's).
    if (range_ >= 1 && range_ < ranges_ && step == first_summary_sweep() + int(range_)) {
        next_range_ = range_summary(range_);
        next_lists_ = std::make_unique<kernels::AccountsAtRisk>(0, range_count(range_), range_first(range_));
    }
    if (step == 1 && truth_) {
        mpi::allreduce_state(comm, *validation_);
        validation_->finalize();
    } else if (step == 2 && truth_) {
        pairs_->clear();
        mpi::reduce_state(comm, truth_rho_);
    }
}

void EngagementStage::sweep(int step, std::size_t block) {
    // Each store's last sweep gives back the previous block's memory or disk space.
    if (step == 1 && truth_) {  // the validated customers' keys, spilled in sweep 0
        if (block > 0) pairs_->release(block - 1);
        kernels::correlate_with_truth(pairs_->block(block, scratch_), *validation_, truth_rho_);
    }
    if (step >= 1 && step >= first_summary_sweep() && step <= records_last_sweep()) {
        // The records scored again: for the late summary, or for a further range of managers.
        if (block > 0 && step == records_last_sweep()) records_->release(block - 1);
        const auto records = records_->block(block, late_scratch_);
        late_scored_.resize(records.size());
        kernels::score_all(records, *metrics_, date_.run.options->engagement, late_scored_);
        if (late_summary_ && step == 1) {
            if (!summary_) make_summary();
            add_to_summary(late_scored_);
        } else {  // a further range: its managers' groups and lists, each on a thread of its own
            next_range_->prepare(late_scored_);
#pragma omp parallel for schedule(static, 1)
            for (int part = 0; part < 2; ++part) {
                if (part == 0) next_range_->add_level(kernels::Level::relationship_manager, late_scored_);
                else next_lists_->update(late_scored_, kernels::AccountsAtRisk::List::rms);
            }
        }
    }
    if (step != 0) return;
    if (block > 0 && records_last_sweep() == 0) records_->release(block - 1);
    const auto records = records_->block(block, scratch_);
    date_.records = records;
    date_.scored.resize(records.size());
    kernels::score_all(records, *metrics_, date_.run.options->engagement, date_.scored);
    if (truth_) {
        kernels::validation_pairs(records, date_.scored, block_pairs_);
        kernels::add_validation_keys(block_pairs_, *validation_);
        pairs_->append(block_pairs_);
    }
    if (!date_.main) return;
    if (!late_summary_) add_to_summary(date_.scored);
    date_.run.writer->append_scores(date_.scored);
}

// The block's customers added to the hierarchy's levels, the top lists and the tier histogram:
// each of these states on one of the rank's OpenMP threads (they are apart in memory, and each
// takes the block's customers in order: the same sums and lists for any number of threads).
void EngagementStage::add_to_summary(std::span<const kernels::ScoredCustomer> scored) {
    using Level = kernels::Level;
    using List = kernels::AccountsAtRisk::List;
    summary_->prepare(scored);
    // Seven parts, the costliest first (the managers' groups and lists miss in cache at 400,000
    // managers): a free thread takes the next. The levels are EngagementSummary::kAddedLevels.
#pragma omp parallel for schedule(dynamic, 1)
    for (int part = 0; part < 7; ++part) {
        switch (part) {
        case 0: summary_->add_level(Level::relationship_manager, scored); break;
        case 1: if (risk_) risk_->update(scored, List::rms); break;
        case 2: summary_->add_level(Level::business_unit, scored); break;
        case 3: summary_->add_level(Level::region, scored); break;
        case 4: if (risk_) risk_->update(scored, List::business_units); break;
        case 5: if (risk_) risk_->update(scored, List::corporate); break;
        default: for (const auto& c : scored) score_by_tier_.add(c);
        }
    }
}

void EngagementStage::report(ReportOutput& out) const {
    if (!date_.main) return;
    const kernels::LevelGroups groups = managers();
    auto engagement = io::engagement_report(*summary_, groups, score_by_tier_, truth_rho_, date_.run.options->engagement,
                                            kernels::dimension_signal(*metrics_), *date_.run.meta, date_.as_of, date_.previous_as_of);
    for (auto& t : engagement.tables) out.tables.push_back(std::move(t));
    out.report["engagement"] = std::move(engagement.section);
    out.splices.push_back(std::move(engagement.relationship_managers));
    auto risk = io::accounts_at_risk_report(*risk_, *summary_, groups, manager_lists(), *date_.run.meta);
    out.report["accounts_at_risk"] = std::move(risk.section);
    out.splices.push_back(std::move(risk.relationship_managers));
}

void EngagementStage::save(io::StateWriter& out) {
    records_->save(out);
    pairs_->save(out);
    save_words(out, *metrics_);
    save_words(out, *validation_);
    out.value(std::int64_t(range_));
    out.value(std::int64_t(summary_ != nullptr));
    if (summary_) save_words(out, *summary_);
    out.value(std::int64_t(next_range_ != nullptr));
    if (next_range_) {
        save_words(out, *next_range_);
        out.vector(std::span<const std::int64_t>(next_lists_->rms.words()));
    }
    if (managers_) {
        managers_->save(out);
        manager_lists_->save(out);
    }
    out.value(std::int64_t(risk_ != nullptr));
    if (risk_)
        for (auto* t : {&risk_->corporate, &risk_->business_units, &risk_->rms}) out.vector(std::span<const std::int64_t>(t->words()));
    save_words(out, score_by_tier_);
    save_words(out, truth_rho_);
}

void EngagementStage::restore(io::StateReader& in, int finished) {
    records_->restore(in);
    pairs_->restore(in);
    restore_words(in, *metrics_);
    restore_words(in, *validation_);
    range_ = std::size_t(in.value<std::int64_t>());
    if (in.value<std::int64_t>() != 0) {
        make_summary();
        if (managers_ && range_ >= 1) {  // kept by managers_ and manager_lists_ since
            summary_->drop_managers();
            risk_->rms = kernels::TopAccounts(0, kernels::AccountsAtRisk::kPerManager);
        }
        restore_words(in, *summary_);
    }
    if (in.value<std::int64_t>() != 0) {
        next_range_ = range_summary(range_);
        next_lists_ = std::make_unique<kernels::AccountsAtRisk>(0, range_count(range_), range_first(range_));
        restore_words(in, *next_range_);
        in.fixed(next_lists_->rms.words());
    }
    if (managers_) {
        managers_->restore(in);
        manager_lists_->restore(in);
    }
    if (in.value<std::int64_t>() != 0)
        for (auto* t : {&risk_->corporate, &risk_->business_units, &risk_->rms}) in.fixed(t->words());
    restore_words(in, score_by_tier_);
    restore_words(in, truth_rho_);
    if (finished >= 1) metrics_->finalize();
    if (finished >= 2 && truth_) validation_->finalize();
}

}  // namespace engage::jobs
