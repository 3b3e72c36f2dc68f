#include "jobs/features_stage.hpp"

#include "io/features_file.hpp"
#include "jobs/score_job.hpp"
#include "mpi/comm.hpp"

namespace engage::jobs {

void FeaturesStage::fold(const io::CustomerShard& shard, std::int64_t) {
    date_.features.resize(shard.customers());
    if (shard.customers() == 0) return;
    kernels::ShardView view = shard.view();
    if (!date_.wallets_known) view.wallet = {};
    kernels::ScoreFeatures::run(view, date_.ctx, date_.run.kinds, date_.features);
}

SummaryStage::SummaryStage(DateContext& date, std::int64_t flush_rounds)
    : date_(date), flush_rounds_(std::max<std::int64_t>(1, flush_rounds)),
      summary_(date.run.meta->business_unit_names.size()) {}

void SummaryStage::fold(const io::CustomerShard& shard, std::int64_t round) {
    kernels::add_customers(summary_, std::span(date_.features).first(shard.customers()),
                           std::span(shard.business_unit).first(shard.customers()), scratch_);
    date_.run.writer->append(shard, date_.features, (round + 1) % flush_rounds_ == 0);
}

void SummaryStage::finish(const mpi::Comm& comm, int step) {
    if (step == 0) mpi::reduce_state(comm, summary_);
}

void SummaryStage::report(ReportOutput& out) const {
    const ScoreOptions& o = *date_.run.options;
    out.report = io::build_score_report(summary_, *date_.run.meta,
                                        {o.input, date_.as_of, date_.window_start, o.window_days, date_.run.shards,
                                         std::int64_t(o.engagement.min_group_size), o.currency});
    out.tables = io::score_report_tables(out.report);
}

void SummaryStage::save(io::StateWriter& out) { save_words(out, summary_); }

void SummaryStage::restore(io::StateReader& in, int) { restore_words(in, summary_); }

}  // namespace engage::jobs
