#pragma once
// customers.h5, the per-customer output of `engage score` (docs/data-format.md): one row per
// customer of the input, in the input's order, written collectively in whole chunks. The
// features are appended shard by shard in the pass; the engagement scores and predictions,
// which need the whole base's percentiles and fits, block by block in the first sweep.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "features/event.hpp"
#include "io/customer_base.hpp"
#include "io/h5/compression.hpp"
#include "report/engagement_summary.hpp"
#include "retention/retention_prediction.hpp"
#include "survival/landmark_cox.hpp"
#include "touches/touches.hpp"

namespace engage::mpi { class Comm; }

namespace engage::io {

// What marks an unknown value in an integer dataset of customers.h5 (its `_FillValue`
// attribute): the float datasets hold NaN instead (docs/data-format.md, section 2).
inline constexpr std::int32_t kUnknownDays = -1;     // tenure, recency, last interaction, follow-up
inline constexpr std::int8_t kUnknownNps = -1;       // /signals/last_nps
inline constexpr std::uint8_t kUnknownTier = 255;    // /engagement/tier, tier_previous
inline constexpr std::int32_t kUnknownCount = -1;    // the counts of /touches

// The /touches datasets (FeaturesFileInfo::touches), in the order customers.csv prints them:
// path, units, description, and whether float64 (NaN: unknown) rather than int32 (-1: unknown).
struct TouchesColumn {
    const char* path;
    const char* units;
    const char* description;
    bool real;
};
const std::vector<TouchesColumn>& touches_columns();

struct FeaturesFileInfo {
    std::string input;        // the customer base scored
    std::string as_of;        // YYYY-MM-DD
    std::string previous_as_of;
    std::int64_t window_days = 0;
    std::string engage_version;
    std::vector<std::string> channel_names;
    std::string epoch;        // YYYY-MM-DD: day 0 of /customers/acquisition_day
    // The input's name tables, copied to /customers/*_names beside the codes.
    std::vector<std::string> rm_names, region_names, business_unit_names, segment_names;
    bool retention = false;   // with the /retention group of the retention study
    bool bgbb = false;        // ... and its BG/BB columns (--opportunity-days)
    std::string prediction_model = "BG/NBD";  // of /retention/p_alive, expected_transactions, clv
    bool landmark = false;    // with the /landmark group (the follow-up after the as-of date)
    bool touches = false;     // with the /touches group (offers, support, ideas, stages: kernels/touches)
    h5::Compression compression;  // none: contiguous columns written independently
    std::uint64_t write_queue_bytes = 0;  // this rank's writes queued behind it (h5::File::create)
};

class FeaturesWriter {
public:
    // Collective. This rank appends the rows of a contiguous range of customers from `first`.
    // With `resume_at`, the file is not created but reopened: an earlier run with the same
    // ranks wrote it and closed it at a checkpoint (jobs/score_checkpoint.hpp) with this rank's
    // feature rows written up to `resume_at` (>= first), where append() continues, and its
    // score and prediction rows up to `scores_at` (default: first), where append_scores() and
    // append_retention() continue.
    FeaturesWriter(const mpi::Comm& comm, const std::string& path, std::uint64_t customers,
                   const FeaturesFileInfo& info, std::uint64_t first,
                   std::optional<std::uint64_t> resume_at = std::nullopt,
                   std::optional<std::uint64_t> scores_at = std::nullopt);
    ~FeaturesWriter();

    // Collective: appends the next rows of this rank (possibly none): the shard's customers (id
    // and attributes) and their features; with `flush` (the same on every rank), writes the
    // whole chunks pending.
    void append(const CustomerShard& shard, std::span<const kernels::CustomerFeatures> f, bool flush);
    // Collective, only with FeaturesFileInfo::touches: the touches of the rows append() appends,
    // in the same rounds and with the same `flush`.
    void append_touches(std::span<const kernels::CustomerTouches> t, bool flush);
    // Collective: the engagement scores of this rank's next customers (possibly none), from the
    // rank's first; writes the whole chunks pending.
    void append_scores(std::span<const kernels::ScoredCustomer> scores);
    // Collective, only with FeaturesFileInfo::retention: the same for the predictions.
    void append_retention(std::span<const kernels::RetentionPrediction> predictions);
    // Collective, only with FeaturesFileInfo::landmark: the same for the landmark follow-up.
    void append_landmark(std::span<const kernels::LandmarkRow> rows);
    // Collective: writes what remains and closes the file. Also what a checkpoint calls after
    // the last append() it keeps: every appended row is then in the file.
    // Writes every pending row (independent writes for contiguous columns). Call it in an
    // agreement of its own before close(): a rank whose write fails (a full disk) must not leave
    // the others in close()'s collective flush.
    void write_pending();
    void close();

private:
    struct Columns;
    std::unique_ptr<Columns> cols_;
};

}  // namespace engage::io
