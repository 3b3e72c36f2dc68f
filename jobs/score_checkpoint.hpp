#pragma once
// Checkpoint and restart of `engage score` (docs/architecture.md, "Checkpoint and restart").
// When a stop is requested (SIGTERM or SIGUSR1, core/stop_request.hpp), the ranks agree at the
// end of a round of the streaming pass to stop after it; each rank then saves the state the pass
// has accumulated, customers.h5 is kept with every row of the finished shards, and the job exits
// with code 75. The same command, run again with the same input, options and number of ranks,
// finds the checkpoint, restores that state and carries on with the next round; its outputs are
// those of a run that was never stopped.
#include <cstdint>
#include <string>
#include <vector>

#include <memory>
#include <span>

#include "io/checkpoint.hpp"

namespace engage::mpi { class Comm; }

namespace engage::jobs {

struct ScoreOptions;

class Stage;

// Everything a rank holds: each stage's state (Stage::save).
using PassState = std::span<const std::unique_ptr<Stage>>;

// Where a run stopped: after `rounds` rounds of the pass; then (step >= 0) in step `step`, after
// `finished` stages had made their finish(step) call and, once all had, after `blocks` block
// rounds of sweep `step`.
struct Position {
    std::int64_t rounds = 0;
    int step = -1;
    int finished = 0;
    std::int64_t blocks = 0;
    // How many finish() calls stage `i` had made.
    int finished_by(std::size_t i) const noexcept { return step < 0 ? 0 : step + (int(i) < finished ? 1 : 0); }
};

class ScoreCheckpoint {
public:
    // Collective. Looks for the checkpoint of this run in its output directory. When there is
    // one, copies its customers.h5 to `staged_features` (the checkpoint stays as it is until a
    // later one replaces it or the job succeeds). Throws ConfigError when the checkpoint belongs
    // to another input, other options or another number of ranks (io::CheckpointDir::find).
    ScoreCheckpoint(const mpi::Comm& comm, const ScoreOptions& options, const std::string& engage_version,
                    std::size_t shards, const std::string& staged_features);

    // The checkpoint directory, DIR/.engage-checkpoint.
    const std::string& path() const noexcept { return dir_.path(); }
    // Rounds of the pass that the checkpoint holds; 0 for a fresh start.
    std::int64_t rounds_done() const noexcept { return rounds_done_; }

    // Collective, when rounds_done() > 0: this rank's state as the checkpoint saved it, and
    // where the run stopped.
    Position restore(PassState state) const;

    // Collective, at the end of a round: the signal that asked to stop, on any rank, or 0.
    int stop_requested() const;

    // Collective: saves this rank's state at `at` (`where`: the same position in words for the
    // message), moves `staged_features` (customers.h5, closed, with every row written so far)
    // into the checkpoint, and throws Interrupted (exit code 75) on every rank.
    [[noreturn]] void save_and_stop(PassState state, const Position& at, const std::string& where,
                                    const std::string& staged_features, int signal) const;

    // Rank 0 removes the checkpoint once the outputs are committed (other ranks return).
    void remove() const { dir_.remove(); }

private:
    const mpi::Comm& comm_;
    io::CheckpointDir dir_;
    io::CheckpointIdentity identity_;
    std::int64_t rounds_done_ = 0;
};

}  // namespace engage::jobs
