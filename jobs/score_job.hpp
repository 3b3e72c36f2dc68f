#pragma once
// `engage score`: reads the customer base shard by shard, runs the feature kernels, writes
// customers.h5 and reduces the corporate report (report.json, CSV tables) plus run.json.
#include <cstdint>
#include <string>
#include <vector>

#include "engagement/engagement_config.hpp"
#include "retention/retention_config.hpp"
#include "io/h5/compression.hpp"
#include "jobs/run_record.hpp"
#include "partition/shard_plan.hpp"

namespace engage::mpi { class Comm; }

namespace engage::jobs {

struct ScoreOptions {
    std::string input;
    std::string output;
    std::string currency = "currency units";  // the label of money in report.html (--currency)
    std::string as_of;               // YYYY-MM-DD; empty: the last day with data
    std::int64_t window_days = 365;  // the scoring window ends on the as-of date
    partition::ShardLimits shards;
    kernels::EngagementConfig engagement;  // the engagement model (--config, docs/engagement.cfg)
    kernels::RetentionConfig retention;            // the retention study (--retention)
    std::vector<std::string> backtest_as_of;       // further scoring dates of the backtest (YYYY-MM-DD)
    std::string calibrate_as_of;                   // training date of the baselines (YYYY-MM-DD); empty: as-of - holdout
    // What a rank may hold (--memory-per-rank): per-customer state beyond it spills to scratch
    // files in the output's staging directory. Results do not depend on it.
    std::uint64_t memory_per_rank = std::uint64_t(1) << 30;
    bool quiet = false;              // no progress lines or summary
    bool customers_csv = true;       // customers.csv beside customers.h5 (--no-customers-csv: skipped)
    io::h5::Compression compression;  // of customers.h5 (--compression, --compression-level)
};

// Collective. Throws engage::Error subclasses (the same on every rank) on failure; outputs
// are then left as they were.
void run_score(const mpi::Comm& comm, const ScoreOptions& options, const RunInfo& info);

}  // namespace engage::jobs
