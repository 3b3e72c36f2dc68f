#include "jobs/engagement_stage.hpp"

#include "mpi/comm.hpp"

namespace engage::jobs {

EngagementResult run_engagement_model(const mpi::Comm& comm, std::span<const kernels::EngagementRecord> records,
                                      const kernels::EngagementConfig& config, std::size_t business_units,
                                      std::size_t regions, std::size_t rms) {
    auto metrics = std::make_unique<kernels::MetricHistograms>();
    kernels::add_keys(records, *metrics);
    mpi::allreduce_state(comm, *metrics);
    metrics->finalize();

    EngagementResult r{std::vector<kernels::ScoredCustomer>(records.size()),
                       kernels::EngagementSummary(business_units, regions, rms), {}};
    kernels::score_all(records, *metrics, config, r.scored);

    kernels::ValidationHistograms validation;
    kernels::add_validation_keys(records, r.scored, validation);
    mpi::allreduce_state(comm, validation);
    validation.finalize();

    kernels::summarise(records, r.scored, validation, r.summary, r.truth);
    mpi::allreduce_state(comm, r.summary);
    mpi::allreduce_state(comm, r.truth);
    for (const auto& c : r.scored) r.score_by_tier.add(c);
    mpi::allreduce_state(comm, r.score_by_tier);
    return r;
}

}  // namespace engage::jobs
