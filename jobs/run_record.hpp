#pragma once
// run.json: how a run was executed (command, ranks, threads, host, version, per-phase timings,
// throughput, peak memory). Kept apart from the results so results compare byte for byte.
#include <nlohmann/json.hpp>

#include <string>

#include "core/phase_timer.hpp"

namespace engage::mpi { class Comm; }

namespace engage::jobs {

struct RunInfo {
    std::string command_line;
    std::string version;
};

// Collective: gathers the slowest rank's time per phase, the peak memory of every rank and the
// bytes each rank sent through `comm`'s collectives so far ("communication"; counted before
// run_record's own reductions). `extra` adds fields (input, output, ...).
nlohmann::ordered_json run_record(const mpi::Comm& comm, const RunInfo& info, const PhaseTimer& timer,
                                  const nlohmann::ordered_json& extra);

// The per-phase timing summary printed at the end of a run (rank 0).
std::string timing_summary(const nlohmann::ordered_json& record);

int omp_threads();

}  // namespace engage::jobs
