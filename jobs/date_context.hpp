#pragma once
// What the stages of `engage score` share (jobs/stage.hpp): the run (`RunContext`: options,
// input, output, spill budget) and, for each scoring date, a `DateContext`: its feature context
// and window tables, and the per-customer columns that earlier stages of the date publish for
// later ones (the shard's features in the pass; a block's scores and predictions in a sweep).
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engagement/engagement_pass.hpp"
#include "features/feature_pass.hpp"
#include "io/customer_base.hpp"
#include "io/spill_store.hpp"
#include "retention/purchase_history.hpp"
#include "retention/retention_config.hpp"
#include "retention/retention_prediction.hpp"
#include "touches/touches.hpp"

namespace engage { class Progress; }
namespace engage::io { class FeaturesWriter; }

namespace engage::jobs {

struct ScoreOptions;

struct RunContext {
    const ScoreOptions* options = nullptr;
    const io::CustomerBaseMeta* meta = nullptr;
    kernels::ChannelKinds kinds{};
    kernels::RetentionConfig retention;  // the options' with the cancel channel resolved
    std::size_t shards = 0;
    io::FeaturesWriter* writer = nullptr;  // customers.h5
    io::SpillBudget* spill_budget = nullptr;
    std::string spill_dir;                 // where the rank's scratch files go
    std::size_t block_rows = 1;            // customers per block of the sweeps (every spill store)
    std::size_t manager_ranges = 1;        // the main date builds its managers' groups in ranges (1: all at once)
    std::int32_t fit_gap_days = 0;         // T - T_fit of the baselines' training date (jobs/baseline_stage.hpp)
    int rank = 0;
    bool talk = false;                     // rank 0 prints progress lines
    Progress* progress = nullptr;          // the run's progress lines (disabled unless talk): a stage
                                           // with a long step of its own names it (phase, update)

    // A scratch file of this rank: DIR/spill-NAME-rank-R.bin.
    std::string spill_path(const std::string& name) const {
        return spill_dir + "/spill-" + name + "-rank-" + std::to_string(rank) + ".bin";
    }
    template <class T>
    std::unique_ptr<io::SpillStore<T>> spill(const std::string& name) const {
        return std::make_unique<io::SpillStore<T>>(spill_path(name), block_rows, *spill_budget);
    }
};

// The tables of a scoring window: month index of every day in it and the engagement weights.
struct WindowTables {
    std::vector<std::int32_t> month_of;
    std::vector<std::int64_t> weights;
};

struct DateContext {
    DateContext(const RunContext& run, kernels::Day as_of, bool main);
    DateContext(const DateContext&) = delete;  // ctx points into tables
    DateContext& operator=(const DateContext&) = delete;

    const RunContext& run;
    bool main;                  // the run's as-of date (its per-customer columns go to customers.h5)
    std::string tag;            // "" for the main date, "YYYY-MM-DD" for a backtest date (file names)
    kernels::FeatureContext ctx;
    WindowTables tables;
    std::string as_of, previous_as_of, window_start, horizon_end;  // YYYY-MM-DD
    // Whether the base's wallets were known at this date (CustomerBaseMeta::wallet_known_from):
    // a date before it is scored, and its outcomes measured, as if the base had no wallets, so
    // that a backtest uses only what was known at its date.
    bool wallets_known = true;

    // The pass: the shard's features at this date (FeaturesStage).
    std::vector<kernels::CustomerFeatures> features;
    std::vector<kernels::EngagementRecord> shard_records;  // ... and their records (EngagementStage)
    std::vector<kernels::CustomerTouches> touches;  // ... and their touches (TouchesStage; empty without)
    // A sweep: the block's rows (EngagementStage, RetentionStage), this rank's customers in order.
    std::span<const kernels::EngagementRecord> records;
    std::vector<kernels::ScoredCustomer> scored;
    std::span<const kernels::PurchaseHistory> histories;
    std::vector<kernels::RetentionPrediction> predictions;
    std::vector<double> holdout_expected;  // BG/NBD repeat transactions expected in the holdout
};

}  // namespace engage::jobs
