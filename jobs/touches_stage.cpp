#include "jobs/touches_stage.hpp"

#include "io/features_file.hpp"
#include "io/report/touches_report.hpp"
#include "jobs/score_job.hpp"
#include "mpi/comm.hpp"

namespace engage::jobs {

bool touches_apply(const RunContext& run) {
    const io::CustomerBaseMeta& m = *run.meta;
    if (m.has_initiator || m.has_answers) return true;
    for (std::size_t c = 0; c < m.channels.size() && c < run.kinds.size(); ++c)
        if (kernels::company_kind(run.kinds[c])) return true;
    return false;
}

TouchesStage::TouchesStage(DateContext& date, std::int64_t flush_rounds)
    : date_(date), flush_rounds_(std::max<std::int64_t>(1, flush_rounds)) {
    const io::CustomerBaseMeta& m = *date.run.meta;
    summary_ = std::make_unique<kernels::TouchesSummary>(m.business_unit_names.size(), m.region_names.size(),
                                                         m.rm_names.size(), m.segment_names.size());
}

void TouchesStage::fold(const io::CustomerShard& shard, std::int64_t round) {
    const std::size_t n = shard.customers();
    date_.touches.resize(n);
    now_.resize(n);
    previous_.resize(n);
    const kernels::ShardView v = shard.view();
    const kernels::FeatureContext& c = date_.ctx;
    const kernels::ChannelKinds& kinds = date_.run.kinds;
    // Each customer by one thread from its own rows; the sums below are integers.
#pragma omp parallel
    {
        kernels::TouchesState scratch;
        std::vector<std::int64_t> delays;
#pragma omp for schedule(dynamic, 256)
        for (std::int64_t k = 0; k < std::int64_t(n); ++k) {
            const kernels::Day acquired = v.acquisition_day[std::size_t(k)];
            date_.touches[k] = kernels::customer_touches(v, std::size_t(k), c.window_start, c.as_of, kinds, scratch, &delays);
            now_[k] = kernels::touches_contribution(date_.touches[k], acquired <= c.as_of, delays);
            // The rows read up to the as-of date hold those up to the earlier date (trend-days >= 1).
            const kernels::CustomerTouches before =
                c.previous_as_of <= c.as_of
                    ? kernels::TouchesKernel::finalize(scratch, c.previous_window_start, c.previous_as_of,
                                                       !v.answers.empty(), &delays)
                    : kernels::customer_touches(v, std::size_t(k), c.previous_window_start, c.previous_as_of, kinds,
                                                scratch, &delays);
            previous_[k] = kernels::touches_contribution(before, acquired <= c.previous_as_of, delays);
        }
    }
    summary_->update(now_, previous_, shard.business_unit, shard.region, shard.rm, shard.segment);
    date_.run.writer->append_touches(date_.touches, (round + 1) % flush_rounds_ == 0);
}

void TouchesStage::finish(const mpi::Comm& comm, int step) {
    if (step == 0) mpi::reduce_state(comm, *summary_);
}

void TouchesStage::report(ReportOutput& out) const {
    const io::CustomerBaseMeta& m = *date_.run.meta;
    auto touches = io::touches_report(*summary_, m, date_.as_of, date_.previous_as_of,
                                      std::int64_t(date_.run.options->engagement.min_group_size));
    out.tables.push_back(std::move(touches.table));
    out.report["touches"] = std::move(touches.section);
    out.splices.push_back(std::move(touches.relationship_managers));
}

void TouchesStage::save(io::StateWriter& out) { save_words(out, *summary_); }

void TouchesStage::restore(io::StateReader& in, int) { restore_words(in, *summary_); }

}  // namespace engage::jobs
