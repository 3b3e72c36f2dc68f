#pragma once
// Engagement as offered and chosen (issue 18) as a stage (jobs/stage.hpp) of the main date: in
// the pass, each customer's touches (kernels/touches/touches.hpp) at the as-of date go to
// customers.h5 (/touches, appended in the rounds of the features), and its touches at the date
// and one trend period earlier to the group summary (kernels/touches/touches_summary.hpp),
// reduced to rank 0 after the pass for report.json's "touches" section and touches.csv. Made
// only for a base that can have touches (touches_apply()), so that other bases' outputs stay
// as they were.
//
// Where the relationship managers' groups do not fit the memory budget at once
// (RunContext::manager_ranges, the same ranges as the engagement stage's), the pass builds those
// of the first range beside the other levels, and keeps what each customer of a later range adds
// to its manager as a compact record (kernels/touches/touches_record.hpp) in a spill store;
// range k is built from those records in sweep k - 1 and reduced to rank 0 in step k + 1, and
// rank 0 appends each reduced range to a spill store of its own and reports the managers from
// there. Every rank then holds one range, never the level.
#include <cstdint>
#include <memory>
#include <vector>

#include "io/spill_store.hpp"
#include "jobs/date_context.hpp"
#include "jobs/stage.hpp"
#include "touches/touches_summary.hpp"

namespace engage::jobs {

// Whether the base has an initiator or answers column, or a channel of kind offer,
// support_reply or idea_feedback.
bool touches_apply(const RunContext& run);

class TouchesStage final : public Stage {
public:
    // Flushes its customers.h5 rows every `flush_rounds` rounds, as SummaryStage does.
    TouchesStage(DateContext& date, std::int64_t flush_rounds);
    const char* phase() const noexcept override { return "compute"; }
    std::string name() const override { return "touches as of " + date_.as_of; }
    void fold(const io::CustomerShard& shard, std::int64_t round) override;
    void finish(const mpi::Comm& comm, int step) override;
    bool wants_sweep(int step) const noexcept override { return step + 2 <= int(ranges_); }
    void sweep(int step, std::size_t block) override;
    void report(ReportOutput& out) const override;
    void save(io::StateWriter& out) override;
    void restore(io::StateReader& in, int finished) override;

private:
    // Managers [first, first + count) of range k (as the engagement stage's ranges).
    std::size_t range_first(std::size_t k) const noexcept;
    std::size_t range_count(std::size_t k) const noexcept { return range_first(k + 1) - range_first(k); }
    std::unique_ptr<kernels::TouchesSummary> range_summary(std::size_t k) const;
    // The records' bytes [from, to) into bytes_ (from the store's blocks, the last one kept).
    void read_records(std::uint64_t from, std::uint64_t to);

    DateContext& date_;
    std::int64_t flush_rounds_;
    std::unique_ptr<kernels::TouchesSummary> summary_;  // every level; with ranges, every level but the managers
    std::vector<kernels::TouchesContribution> now_, previous_;
    std::size_t ranges_ = 1;
    std::size_t range_ = 0;  // the range being built (ranges_ once all are reduced)
    std::unique_ptr<kernels::TouchesSummary> next_range_;  // with ranges: range_'s managers, while it is built
    // With ranges: the later ranges' customers' records, and where each sweep block's start in
    // them (a last entry for their end once the pass is over).
    std::unique_ptr<io::SpillStore<std::uint8_t>> records_;
    std::vector<std::uint64_t> block_starts_;
    std::uint64_t customers_ = 0;  // of the rank, folded
    std::vector<std::uint8_t> encoded_;
    std::vector<std::byte> scratch_;
    std::size_t scratch_block_ = SIZE_MAX;  // the records' block in held_
    std::vector<std::uint8_t> held_;
    std::vector<std::uint8_t> bytes_;
    std::unique_ptr<io::SpillStore<kernels::TouchesGroups>> managers_;  // with ranges: rank 0's reduced managers
};

}  // namespace engage::jobs
