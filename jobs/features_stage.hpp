#pragma once
// The features of every customer as stages (jobs/stage.hpp). `FeaturesStage` folds each shard
// through the feature kernels at its date and publishes the rows for the later stages of the
// date. `SummaryStage`, at the main date only, adds them to the corporate summary (reduced to
// rank 0 after the pass) and appends them to customers.h5, flushing whole chunks every few
// rounds so that the rank writes a few large pieces instead of one per round.
#include "jobs/date_context.hpp"
#include "jobs/stage.hpp"
#include "report/score_summary.hpp"

namespace engage::jobs {

class FeaturesStage final : public Stage {
public:
    explicit FeaturesStage(DateContext& date) : date_(date) {}
    const char* phase() const noexcept override { return "compute"; }
    std::string name() const override { return "features as of " + date_.as_of; }
    void fold(const io::CustomerShard& shard, std::int64_t round) override;
    void finish(const mpi::Comm&, int) override {}
    bool wants_sweep(int) const noexcept override { return false; }
    void sweep(int, std::size_t) override {}
    void report(ReportOutput&) const override {}
    void save(io::StateWriter&) override {}
    void restore(io::StateReader&, int) override {}

private:
    DateContext& date_;
};

class SummaryStage final : public Stage {
public:
    // Flushes the appended rows to customers.h5 every `flush_rounds` rounds.
    SummaryStage(DateContext& date, std::int64_t flush_rounds);
    const char* phase() const noexcept override { return "write"; }
    std::string name() const override { return "corporate summary as of " + date_.as_of; }
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
    kernels::ScoreSummary summary_;
    std::vector<kernels::ScoreSummary> scratch_;  // the rank's other threads' summaries of a round (add_customers)
};

}  // namespace engage::jobs
