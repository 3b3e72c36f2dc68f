#pragma once
// A stage of `engage score`: one analysis at one scoring date (features and the corporate
// summary, the engagement model, the retention models, the study). The driver
// (jobs/score_job.cpp) runs every stage through the same steps and names none of them:
//
//   pass     for each round: fold(shard)               every rank, every round (a rank without a
//                                                      shard left folds an empty one)
//   steps    for step = 0, 1, ...:
//              finish(comm, step)                      collective: reduce, fit, prepare the sweep
//              if any stage wants_sweep(step):
//                for each block round: sweep(step, b)  every rank, every block round
//   report   report(out)                               rank 0, in the stages' order
//
// A stage keeps per-customer state in spill stores (io/spill_store.hpp) rather than in memory,
// so a rank holds O(shard + block + groups), never O(customers). Stages of one date share a
// `DateContext` (jobs/date_context.hpp): the features of the shard and, in a sweep, the scores
// and predictions of the block, which earlier stages publish for later ones. A backtest date
// is the same stages built again with their own date (jobs/score_stages.cpp).
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "io/checkpoint.hpp"
#include "io/customer_base.hpp"
#include "io/report/score_report.hpp"
#include "io/report/splice.hpp"

namespace engage::mpi { class Comm; }

namespace engage::jobs {

// What rank 0 assembles from the stages: report.json, with lists too long to hold as JSON left
// as splices (io/report/splice.hpp), and the CSV tables. Both may refer to the stages' state:
// they are written before the stages go.
struct ReportOutput {
    nlohmann::ordered_json report;
    std::vector<io::Splice> splices;
    std::vector<io::CsvTable> tables;
};

class Stage {
public:
    virtual ~Stage() = default;
    // The run.json phase its time counts in ("engagement", "retention", "study", ...).
    virtual const char* phase() const noexcept = 0;
    // What progress lines call it: the analysis and its date ("retention as of 2025-06-30").
    virtual std::string name() const { return phase(); }

    // The pass, once per round on every rank, in round order: this rank's next shard (empty
    // when it has none left). May call collective writes (every rank calls it every round), but
    // must not fail on one rank before them: the driver agrees once per round, after all stages.
    virtual void fold(const io::CustomerShard& shard, std::int64_t round) = 0;
    // Collective, after the pass (step 0) and after each sweep (step s + 1 after sweep s).
    virtual void finish(const mpi::Comm& comm, int step) = 0;
    // Whether the stage reads its customers again in sweep `step`.
    virtual bool wants_sweep(int step) const noexcept = 0;
    // Sweep `step`: block `block` of this rank's customers (past the last block: none, but the
    // call still comes, for collective writes). Stages run in order within a block.
    virtual void sweep(int step, std::size_t block) = 0;
    // Rank 0, after the last step: the stage's part of the report.
    virtual void report(ReportOutput& out) const = 0;

    // Checkpoint, at any point between calls: everything the stage holds, saved and restored in
    // the same order. `finished`: how many finish() calls the stage had made when it was saved
    // (0 in the pass), so that restore() can rebuild what those calls derived.
    virtual void save(io::StateWriter& out) = 0;
    virtual void restore(io::StateReader& in, int finished) = 0;
};

// A mergeable state's words (sum_words(), max_words()) into a checkpoint, and back.
template <class State>
void save_words(io::StateWriter& out, State& state) {
    out.vector(std::span<const std::int64_t>(state.sum_words()));
    out.vector(std::span<const std::int64_t>(state.max_words()));
}
template <class State>
void restore_words(io::StateReader& in, State& state) {
    in.fixed(state.sum_words());
    in.fixed(state.max_words());
}

}  // namespace engage::jobs
