#include "io/features_file.hpp"

#include "io/h5/column_set.hpp"
#include "mpi/comm.hpp"

namespace engage::io {

namespace {
constexpr std::uint64_t kChunkRows = 16384;
using kernels::CustomerFeatures;
using kernels::ScoredCustomer;
constexpr std::uint8_t kNotAcquired = 255;  // tier of a customer not yet acquired
}  // namespace

struct FeaturesWriter::Columns {
    explicit Columns(h5::File f) : file(std::move(f)) {}
    h5::File file;
    h5::ColumnSet<std::uint64_t> ids;
    h5::ColumnSet<CustomerFeatures> features;
    h5::ColumnSet<ScoredCustomer> scores;
    h5::ColumnSet<kernels::RetentionPrediction> retention;
    h5::ColumnSet<kernels::LandmarkRow> landmark;
};

FeaturesWriter::FeaturesWriter(const mpi::Comm& comm, const std::string& path, std::uint64_t customers,
                               const FeaturesFileInfo& info, std::uint64_t first,
                               std::optional<std::uint64_t> resume_at, std::optional<std::uint64_t> scores_at)
    : cols_(std::make_unique<Columns>(resume_at ? h5::File::reopen(comm, path) : h5::File::create(comm, path))) {
    Columns& c = *cols_;
    h5::File& f = c.file;
    const std::uint64_t n = customers, k = info.channel_names.size();
    // Where the appended columns continue.
    const std::uint64_t next = resume_at.value_or(first), next_score = scores_at.value_or(first);
    // Without a codec every column is contiguous and unfiltered, and each rank writes its own
    // rows with independent writes whenever it has them, at disk speed (docs/performance.md,
    // "Writing at disk speed"). With one (--compression), chunks of kChunkRows rows through
    // shuffle + the codec, written collectively in whole chunks (docs/performance.md, "Codecs").
    const h5::Compression codec = info.compression;
    c.ids.add<std::uint64_t>(f, "/customers/id", n, next, kChunkRows, 1,
                             [](const std::uint64_t& id, std::uint64_t* o) { *o = id; }, codec);

    // One scalar feature column: `get` maps a row to its value.
    auto feature = [&]<class T>(const char* name, T (*get)(const CustomerFeatures&)) {
        c.features.add<T>(f, std::string("/features/") + name, n, next, kChunkRows, 1,
                          [get](const CustomerFeatures& r, T* o) { *o = get(r); }, codec);
    };
    using F = const CustomerFeatures&;
    feature("tenure_days", +[](F r) { return r.tenure_days; });
    feature("recency_days", +[](F r) { return r.recency_days; });
    feature("last_interaction_days", +[](F r) { return r.last_interaction_days; });
    feature("frequency", +[](F r) { return r.frequency; });
    feature("monetary", +[](F r) { return double(r.monetary_cents) / 100.0; });
    feature("interactions", +[](F r) { return r.interactions; });
    feature("interactions_total", +[](F r) { return r.interactions_total; });
    feature("breadth", +[](F r) { return r.breadth; });
    feature("active_weeks", +[](F r) { return r.active_weeks; });
    feature("active_months", +[](F r) { return r.active_months; });
    c.features.add<std::uint32_t>(f, "/features/channel_count", n, next, kChunkRows, k,
                                  [k](F r, std::uint32_t* o) { std::copy_n(r.channel_count.begin(), k, o); }, codec);
    c.features.add<double>(f, "/features/channel_value", n, next, kChunkRows, k, [k](F r, double* o) {
        for (std::size_t j = 0; j < k; ++j) o[j] = double(r.channel_hundredths[j]) / 100.0;
    }, codec);
    // The raw signals an analyst cannot rebuild from the features above (regularity against the
    // customer's own cadence, sentiment, share of wallet, the last NPS answer) at the as-of
    // date, and below the scores, in single precision (seven significant digits are plenty for
    // a score).
    auto signal = [&]<class T>(const char* name, T (*get)(const CustomerFeatures&)) {
        c.features.add<T>(f, std::string("/signals/") + name, n, next, kChunkRows, 1,
                          [get](const CustomerFeatures& r, T* o) { *o = get(r); }, codec);
    };
    signal("usage_regularity", +[](F r) { return float(r.engagement_now.usage_regularity); });
    signal("sentiment", +[](F r) { return float(r.engagement_now.sentiment); });
    signal("share_of_wallet", +[](F r) { return float(r.engagement_now.share_of_wallet); });
    signal("last_nps", +[](F r) { return r.engagement_now.last_nps; });

    using S = const ScoredCustomer&;
    auto score = [&]<class T>(const char* name, T (*get)(const ScoredCustomer&)) {
        c.scores.add<T>(f, std::string("/engagement/") + name, n, next_score, kChunkRows, 1,
                        [get](const ScoredCustomer& r, T* o) { *o = get(r); }, codec);
    };
    score("composite", +[](S r) { return float(r.now.composite); });
    score("tier", +[](S r) { return r.now.acquired ? std::uint8_t(r.now.tier) : kNotAcquired; });
    score("composite_previous", +[](S r) { return float(r.previous.composite); });
    score("tier_previous", +[](S r) { return r.previous.acquired ? std::uint8_t(r.previous.tier) : kNotAcquired; });
    c.scores.add<float>(f, "/engagement/dimensions", n, next_score, kChunkRows, kernels::kDimensions,
                        [](S r, float* o) { std::copy(r.now.dimension.begin(), r.now.dimension.end(), o); },
                        codec);

    if (info.retention) {
        using R = const kernels::RetentionPrediction&;
        auto prediction = [&](const char* name, float (*get)(const kernels::RetentionPrediction&)) {
            c.retention.add<float>(f, std::string("/retention/") + name, n, next_score, kChunkRows, 1,
                                   [get](R r, float* o) { *o = get(r); }, codec);
        };
        prediction("p_alive", +[](R r) { return r.p_alive; });
        prediction("expected_transactions", +[](R r) { return r.expected_transactions; });
        prediction("expected_spend", +[](R r) { return r.expected_spend; });
        prediction("clv", +[](R r) { return r.clv; });
    }

    if (info.landmark) {
        // The follow-up after the as-of date of the customers at risk then (-1 and 0 for the
        // others): with /features and /engagement/dimensions, the data of the Cox model.
        using L = const kernels::LandmarkRow&;
        c.landmark.add<std::int32_t>(f, "/landmark/follow_up_days", n, next_score, kChunkRows, 1,
                                     [](L r, std::int32_t* o) { *o = r.day; }, codec);
        c.landmark.add<std::uint8_t>(f, "/landmark/churned", n, next_score, kChunkRows, 1,
                                     [](L r, std::uint8_t* o) { *o = r.event; }, codec);
    }

    if (f.reopened()) return;  // the names and attributes below were written at creation
    std::vector<std::string> tiers(std::begin(kernels::kTierNames), std::end(kernels::kTierNames));
    std::vector<std::string> dims(std::begin(kernels::kDimensionNames), std::end(kernels::kDimensionNames));
    f.write_strings("/channels/name", info.channel_names);
    f.write_strings("/engagement/tier_names", tiers);
    f.write_strings("/engagement/dimension_names", dims);
    f.write_attribute("/", "input", info.input);
    f.write_attribute("/", "as_of", info.as_of);
    f.write_attribute("/", "previous_as_of", info.previous_as_of);
    f.write_attribute("/", "window_days", info.window_days);
    f.write_attribute("/", "engage_version", info.engage_version);
}

FeaturesWriter::~FeaturesWriter() = default;

void FeaturesWriter::append(std::span<const std::uint64_t> ids, std::span<const CustomerFeatures> f, bool flush) {
    Columns& c = *cols_;
    c.ids.append(ids);
    c.features.append(f);
    if (!flush) return;
    c.ids.write_whole_chunks();
    c.features.write_whole_chunks();
}

void FeaturesWriter::append_scores(std::span<const ScoredCustomer> scores) {
    cols_->scores.append(scores);
    cols_->scores.write_whole_chunks();
}

void FeaturesWriter::append_retention(std::span<const kernels::RetentionPrediction> predictions) {
    cols_->retention.append(predictions);
    cols_->retention.write_whole_chunks();
}

void FeaturesWriter::append_landmark(std::span<const kernels::LandmarkRow> rows) {
    cols_->landmark.append(rows);
    cols_->landmark.write_whole_chunks();
}

void FeaturesWriter::write_pending() {
    Columns& c = *cols_;
    c.ids.write_all();
    c.features.write_all();
    c.scores.write_all();
    c.retention.write_all();
    c.landmark.write_all();
}

void FeaturesWriter::close() {
    Columns& c = *cols_;
    write_pending();
    c.ids.close();
    c.features.close();
    c.scores.close();
    c.retention.close();
    c.landmark.close();
    c.file.close();
}

}  // namespace engage::io
