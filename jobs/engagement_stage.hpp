#pragma once
// The engagement model as a stage (jobs/stage.hpp) of one scoring date: in the pass, each
// customer's compact record is spilled and its metric keys counted; after it, the global
// percentile histograms; in sweep 0 every block is scored (published for the later stages of the
// date), and at the main date written to customers.h5 and summarised at every level of the
// hierarchy (with retention on, that summary is built in sweep 1 instead, from the records
// scored again, once the retention predictions are freed); with planted truth, each validated
// customer's two keys are spilled, and sweep 1 reads them back for the rank correlation with
// the truth.
//
// Where the relationship managers' groups and accounts-at-risk lists do not fit the memory
// budget at once (RunContext::manager_ranges), the summary's sweep builds those of a first
// range of managers, and each further range is built in a sweep of its own from the records
// scored again; after each, the range is reduced to rank 0, which appends it to spill stores of
// its own and reports the managers from there. Every rank then holds one range, never the level.
#include <memory>

#include "io/spill_store.hpp"
#include "jobs/date_context.hpp"
#include "jobs/stage.hpp"
#include "report/accounts_at_risk.hpp"
#include "report/engagement_summary.hpp"
#include "stats/rank_correlation.hpp"

namespace engage::jobs {

class EngagementStage final : public Stage {
public:
    explicit EngagementStage(DateContext& date);
    const char* phase() const noexcept override { return "engagement"; }
    std::string name() const override { return "engagement as of " + date_.as_of; }
    void fold(const io::CustomerShard& shard, std::int64_t round) override;
    void finish(const mpi::Comm& comm, int step) override;
    bool wants_sweep(int step) const noexcept override {
        return step == 0 || (step == 1 && truth_) || (step >= first_summary_sweep() && step < records_last_sweep() + 1);
    }
    void sweep(int step, std::size_t block) override;
    void report(ReportOutput& out) const override;
    void save(io::StateWriter& out) override;
    void restore(io::StateReader& in, int finished) override;

private:
    void mark_reference(const io::CustomerShard& shard);
    void make_summary();
    void add_to_summary(std::span<const kernels::ScoredCustomer> scored);
    // The sweep that builds the summary (with the first range of managers), and the last one
    // that reads the records (the last range's). The finish after a sweep reduces what it built.
    int first_summary_sweep() const noexcept { return late_summary_ ? 1 : 0; }
    int records_last_sweep() const noexcept { return first_summary_sweep() + int(ranges_) - 1; }
    // Managers [first, first + count) of range k.
    std::size_t range_first(std::size_t k) const noexcept;
    std::size_t range_count(std::size_t k) const noexcept { return range_first(k + 1) - range_first(k); }
    std::unique_ptr<kernels::EngagementSummary> range_summary(std::size_t k) const;
    // A range reduced to rank 0: its managers' groups and lists appended to rank 0's stores.
    void keep_managers(const mpi::Comm& comm, kernels::EngagementSummary& range, const kernels::TopAccounts& lists);
    kernels::LevelGroups managers() const;  // for the report
    kernels::ManagerLists manager_lists() const;

    DateContext& date_;
    std::unique_ptr<io::SpillStore<kernels::EngagementRecord>> records_;
    std::unique_ptr<io::SpillStore<kernels::ValidationPair>> pairs_;  // with planted truth
    std::vector<kernels::ValidationPair> block_pairs_;
    std::vector<std::byte> scratch_;
    std::unique_ptr<kernels::MetricHistograms> metrics_;
    std::unique_ptr<kernels::ValidationHistograms> validation_;
    std::unique_ptr<kernels::EngagementSummary> summary_;  // from the end of the pass; then on rank 0 only
    std::unique_ptr<kernels::AccountsAtRisk> risk_;        // the main date's, made with the summary
    kernels::RankCorrelation truth_rho_;
    kernels::TierScoreHistogram score_by_tier_;
    bool truth_ = false;  // the input has planted engagement: validate against it
    bool late_summary_ = false;  // the summary is built in sweep 1 rather than sweep 0
    std::vector<std::byte> late_scratch_;
    std::vector<kernels::ScoredCustomer> late_scored_;
    std::size_t ranges_ = 1;  // ranges of managers (the main date's; 1 otherwise)
    std::size_t range_ = 0;   // the range being built (ranges_ once all are reduced)
    std::unique_ptr<kernels::EngagementSummary> next_range_;  // range_ >= 1's, while it is built
    std::unique_ptr<kernels::AccountsAtRisk> next_lists_;     // ... and its managers' lists
    std::unique_ptr<io::SpillStore<kernels::EngagementGroup>> managers_;  // with ranges: rank 0's reduced groups
    std::unique_ptr<io::SpillStore<kernels::ManagerSlots>> manager_lists_;  // ... and lists
};

}  // namespace engage::jobs
