#pragma once
// The stages of `engage score` (jobs/stage.hpp), in the order they run: the features, the
// corporate summary, the engagement model and, with --retention, the retention models and (with
// a holdout) the study at the as-of date; then, for each --backtest-as-of date, the features,
// engagement, retention and study again at that date. Adding an analysis is adding it here.
#include <list>
#include <memory>
#include <span>
#include <vector>

#include "jobs/date_context.hpp"
#include "jobs/stage.hpp"

namespace engage::jobs {

struct ScoreStages {
    std::list<DateContext> dates;  // not moved: stages refer to them
    std::vector<std::unique_ptr<Stage>> stages;
};

// `flush_rounds`: the pass writes customers.h5's feature rows every this many rounds.
std::unique_ptr<ScoreStages> make_score_stages(const RunContext& run, kernels::Day as_of,
                                               std::span<const kernels::Day> backtest_dates,
                                               std::int64_t flush_rounds);

}  // namespace engage::jobs
