#pragma once
// Engagement as offered and chosen (issue 18) as a stage (jobs/stage.hpp) of the main date: in
// the pass, each customer's touches (kernels/touches/touches.hpp) at the as-of date go to
// customers.h5 (/touches, appended in the rounds of the features), and its touches at the date
// and one trend period earlier to the group summary (kernels/touches/touches_summary.hpp),
// reduced to rank 0 after the pass for report.json's "touches" section and touches.csv. Made
// only for a base that can have touches (touches_apply()), so that other bases' outputs stay
// as they were.
#include <memory>

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
    bool wants_sweep(int) const noexcept override { return false; }
    void sweep(int, std::size_t) override {}
    void report(ReportOutput& out) const override;
    void save(io::StateWriter& out) override;
    void restore(io::StateReader& in, int finished) override;

private:
    DateContext& date_;
    std::int64_t flush_rounds_;
    std::unique_ptr<kernels::TouchesSummary> summary_;
    std::vector<kernels::TouchesContribution> now_, previous_;
};

}  // namespace engage::jobs
