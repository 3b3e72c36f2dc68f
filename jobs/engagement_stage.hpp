#pragma once
// The engagement model's collective steps after the feature pass: global percentile
// histograms, scores, the validation against planted truth, and the hierarchy summary.
#include <memory>
#include <span>
#include <vector>

#include "engagement/engagement_pass.hpp"

namespace engage::mpi { class Comm; }

namespace engage::jobs {

struct EngagementResult {
    std::vector<kernels::ScoredCustomer> scored;  // this rank's customers, in order
    kernels::EngagementSummary summary;           // every level, all ranks combined
    kernels::RankCorrelation truth;               // composite vs /truth/engagement, all ranks
    kernels::TierScoreHistogram score_by_tier;    // corporate, all ranks
};

// Collective.
EngagementResult run_engagement_model(const mpi::Comm& comm, std::span<const kernels::EngagementRecord> records,
                                      const kernels::EngagementConfig& config, std::size_t business_units,
                                      std::size_t regions, std::size_t rms);

}  // namespace engage::jobs
