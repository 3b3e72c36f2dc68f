#include "jobs/touches_stage.hpp"

#include "io/features_file.hpp"
#include "io/report/touches_report.hpp"
#include "jobs/score_job.hpp"
#include "mpi/comm.hpp"
#include "touches/touches_record.hpp"

namespace engage::jobs {

bool touches_apply(const RunContext& run) {
    const io::CustomerBaseMeta& m = *run.meta;
    if (m.has_initiator || m.has_answers) return true;
    for (std::size_t c = 0; c < m.channels.size() && c < run.kinds.size(); ++c)
        if (kernels::company_kind(run.kinds[c])) return true;
    return false;
}

TouchesStage::TouchesStage(DateContext& date, std::int64_t flush_rounds)
    : date_(date), flush_rounds_(std::max<std::int64_t>(1, flush_rounds)), ranges_(date.run.manager_ranges) {
    const io::CustomerBaseMeta& m = *date.run.meta;
    summary_ = std::make_unique<kernels::TouchesSummary>(m.business_unit_names.size(), m.region_names.size(),
                                                         ranges_ > 1 ? 0 : m.rm_names.size(), m.segment_names.size());
    if (ranges_ > 1) {
        next_range_ = range_summary(0);
        // The records in blocks of 1 MiB; rank 0's reduced managers in blocks of about 4 MiB.
        records_ = std::make_unique<io::SpillStore<std::uint8_t>>(date.run.spill_path("touches-records"), std::size_t(1) << 20,
                                                                  *date.run.spill_budget);
        managers_ = std::make_unique<io::SpillStore<kernels::TouchesGroups>>(
            date.run.spill_path("touches-managers"), (std::size_t(4) << 20) / sizeof(kernels::TouchesGroups),
            *date.run.spill_budget);
    }
}

std::size_t TouchesStage::range_first(std::size_t k) const noexcept {
    return k * date_.run.meta->rm_names.size() / ranges_;  // as EngagementStage::range_first
}

std::unique_ptr<kernels::TouchesSummary> TouchesStage::range_summary(std::size_t k) const {
    return std::make_unique<kernels::TouchesSummary>(0, 0, range_count(k), 0, range_first(k));
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
            // The rows read up to the as-of date hold those up to the earlier one (--trend-days is
            // at least 1: src/cli/engagement_options.cpp).
            const kernels::CustomerTouches before = kernels::TouchesKernel::finalize(
                scratch, c.previous_window_start, c.previous_as_of, !v.answers.empty(), &delays);
            previous_[k] = kernels::touches_contribution(before, acquired <= c.previous_as_of, delays);
        }
    }
    summary_->update(now_, previous_, shard.business_unit, shard.region, shard.rm, shard.segment);
    if (ranges_ > 1) {
        next_range_->update(now_, previous_, shard.business_unit, shard.region, shard.rm, shard.segment);
        // The later ranges' customers, for their sweeps; the sweep blocks' starts among them.
        encoded_.clear();
        const std::size_t later = range_first(1);
        for (std::size_t k = 0; k < n; ++k, ++customers_) {
            if (customers_ % date_.run.block_rows == 0) block_starts_.push_back(records_->size() + encoded_.size());
            if (shard.rm[k] >= later) kernels::append_touches_record(encoded_, shard.rm[k], now_[k], previous_[k]);
        }
        records_->append(encoded_);
    }
    date_.run.writer->append_touches(date_.touches, (round + 1) % flush_rounds_ == 0);
}

void TouchesStage::finish(const mpi::Comm& comm, int step) {
    if (step == 0) {
        mpi::reduce_state(comm, *summary_);
        if (ranges_ > 1) block_starts_.push_back(records_->size());  // the end of the last block's
    }
    if (!next_range_ || step != int(range_)) return;
    // Range range_, built in the pass (range 0) or in the sweep before this step: to rank 0,
    // which keeps its managers.
    mpi::reduce_state(comm, *next_range_);
    if (comm.root())
        for (std::size_t g = 0; g < next_range_->groups(kernels::kTouchesManagerLevel); ++g)
            managers_->append(next_range_->both(kernels::kTouchesManagerLevel, g));
    next_range_.reset();
    if (++range_ < ranges_) next_range_ = range_summary(range_);
    else records_->clear();  // the last range is built
}

void TouchesStage::read_records(std::uint64_t from, std::uint64_t to) {
    bytes_.clear();
    const std::uint64_t size = records_->block_rows();
    for (std::uint64_t at = from; at < to;) {
        const std::size_t b = std::size_t(at / size);
        if (scratch_block_ != b) {
            // Read into a buffer kept until the next block (the last block's may serve the next sweep block too).
            const auto block = records_->block(b, scratch_);
            held_.assign(block.begin(), block.end());
            scratch_block_ = b;
        }
        const std::uint64_t end = std::min<std::uint64_t>(to, (std::uint64_t(b) + 1) * size);
        bytes_.insert(bytes_.end(), held_.begin() + std::ptrdiff_t(at - b * size), held_.begin() + std::ptrdiff_t(end - b * size));
        at = end;
    }
}

void TouchesStage::sweep(int step, std::size_t block) {
    if (!next_range_ || step + 1 != int(range_) || block + 1 >= block_starts_.size()) return;
    read_records(block_starts_[block], block_starts_[block + 1]);
    std::uint32_t rm = 0;
    kernels::TouchesContribution now, previous;
    for (std::size_t at = 0; at < bytes_.size();) {
        at = kernels::read_touches_record(bytes_, at, rm, now, previous);
        next_range_->update(now, previous, 0, 0, rm, 0);
    }
}

void TouchesStage::report(ReportOutput& out) const {
    const io::CustomerBaseMeta& m = *date_.run.meta;
    io::TouchesLevelGroups managers = io::TouchesLevelGroups::of(*summary_, kernels::kTouchesManagerLevel);
    if (managers_) {
        managers_->settle();
        managers = {std::size_t(managers_->size()), [store = managers_.get()](std::size_t g) {
                        kernels::TouchesGroups row;
                        store->row(g, row);
                        return row;
                    }};
    }
    auto touches = io::touches_report(*summary_, managers, m, date_.as_of, date_.previous_as_of,
                                      std::int64_t(date_.run.options->engagement.min_group_size));
    out.tables.push_back(std::move(touches.table));
    out.report["touches"] = std::move(touches.section);
    out.splices.push_back(std::move(touches.relationship_managers));
}

void TouchesStage::save(io::StateWriter& out) {
    save_words(out, *summary_);
    if (ranges_ == 1) return;
    out.value(std::int64_t(range_));
    out.value(customers_);
    out.vector(block_starts_);
    records_->save(out);
    managers_->save(out);
    out.value(std::int64_t(next_range_ != nullptr));
    if (next_range_) save_words(out, *next_range_);
}

void TouchesStage::restore(io::StateReader& in, int) {
    restore_words(in, *summary_);
    if (ranges_ == 1) return;
    range_ = std::size_t(in.value<std::int64_t>());
    customers_ = in.value<std::uint64_t>();
    in.vector(block_starts_);
    records_->restore(in);
    managers_->restore(in);
    scratch_block_ = SIZE_MAX;
    next_range_.reset();
    if (in.value<std::int64_t>() != 0) {
        next_range_ = range_summary(range_);
        restore_words(in, *next_range_);
    }
}

}  // namespace engage::jobs
