#include "io/features_file.hpp"

#include <cmath>
#include <limits>

#include "io/h5/column_set.hpp"
#include "mpi/comm.hpp"

namespace engage::io {

namespace {
constexpr std::uint64_t kChunkRows = 16384;
using kernels::CustomerFeatures;
using kernels::ScoredCustomer;

// One customer's id and attributes, as the input has them.
struct CustomerRow {
    std::uint64_t id = 0;
    kernels::Day acquisition_day = 0;
    std::uint32_t rm = 0, region = 0, business_unit = 0;
    std::uint8_t segment = 0;
    double wallet = std::numeric_limits<double>::quiet_NaN();
};

// The units and one-line description of a dataset, written as its attributes `units` and
// `description` (docs/data-format.md, section 2). Units are "1" for a dimensionless number
// (a code, a share, a probability) and "" for a string table.
struct DatasetDoc {
    const char* path;
    std::string units;
    std::string description;
};

}  // namespace

const std::vector<TouchesColumn>& touches_columns() {
    static const std::vector<TouchesColumn> c = {
        {"/touches/offers", "count", "company offers in the window", false},
        {"/touches/offers_answered", "count", "offers in the window with a customer interaction answering them by the as-of date; _FillValue: unknown (no /interactions/answers)", false},
        {"/touches/offer_response_rate", "1", "offers_answered / offers; NaN: no offer, or answers unknown", true},
        {"/touches/offer_response_median", "seconds", "nearest-rank median time from an answered offer to its first answer; NaN: none answered, or unknown", true},
        {"/touches/customer_initiated", "count", "the customer's own interactions in the window", false},
        {"/touches/customer_initiated_share", "1", "customer_initiated / all interactions in the window (either side's); NaN: none", true},
        {"/touches/tickets", "count", "support tickets (customer interactions of kind support) in the window", false},
        {"/touches/tickets_answered", "count", "tickets with a company support_reply answering them by the as-of date; _FillValue: unknown", false},
        {"/touches/tickets_resolved", "count", "tickets with a support_reply of value 2 answering them by the as-of date; _FillValue: unknown", false},
        {"/touches/first_response_median", "seconds", "nearest-rank median time to the company's first reply over the answered tickets; NaN: none, or unknown", true},
        {"/touches/first_response_p90", "seconds", "nearest-rank 90th percentile of the same; NaN: none, or unknown", true},
        {"/touches/resolution_median", "seconds", "nearest-rank median time to the resolving reply over the resolved tickets; NaN: none, or unknown", true},
        {"/touches/within_5min_share", "1", "tickets first answered within 5 minutes / tickets (unanswered ones count as not within); NaN: no ticket, or unknown", true},
        {"/touches/within_1h_share", "1", "the same within 1 hour", true},
        {"/touches/within_1d_share", "1", "the same within 1 day", true},
        {"/touches/ideas", "count", "ideas the customer submitted in the window", false},
        {"/touches/ideas_to_date", "count", "ideas the customer submitted on or before the as-of date", false},
        {"/touches/ideas_commented", "count", "of the window's ideas, those with company idea_feedback >= 1 by the as-of date; _FillValue: unknown", false},
        {"/touches/ideas_evaluated", "count", "... with idea_feedback >= 2; _FillValue: unknown", false},
        {"/touches/ideas_implemented", "count", "... with idea_feedback 3; _FillValue: unknown", false},
        {"/touches/idea_votes", "count", "the customer's comments and votes on ideas (kind idea_vote) in the window", false},
        {"/touches/customer_to_company", "count", "customer-initiated interactions in the window with the company (stage of engagement)", false},
        {"/touches/customer_to_content", "count", "... with the company's content", false},
        {"/touches/customer_to_community", "count", "... with the community", false},
    };
    return c;
}

namespace {

std::vector<DatasetDoc> dataset_docs(const FeaturesFileInfo& info) {
    std::vector<DatasetDoc> d = {
        {"/customers/id", "1", "customer id, copied from the input's /customers/id (row i is row i of the input)"},
        {"/customers/acquisition_day", "days since " + info.epoch, "day the customer was acquired, copied from the input"},
        {"/customers/business_unit", "1", "business unit: an index into /customers/business_unit_names"},
        {"/customers/region", "1", "region: an index into /customers/region_names"},
        {"/customers/rm", "1", "relationship manager: an index into /customers/rm_names"},
        {"/customers/segment", "1", "segment: an index into /customers/segment_names"},
        {"/customers/wallet", "currency units", "estimated yearly spend in the category (all suppliers), from the input; NaN: unknown"},
        {"/customers/business_unit_names", "", "business unit names, copied from the input"},
        {"/customers/region_names", "", "region names, copied from the input"},
        {"/customers/rm_names", "", "relationship manager names, copied from the input"},
        {"/customers/segment_names", "", "segment names, copied from the input"},
        {"/channels/name", "", "channel names: the column labels of /features/channel_count and /features/channel_value"},
        {"/features/tenure_days", "days", "days since acquisition at the as-of date; _FillValue: acquired after the as-of date"},
        {"/features/recency_days", "days", "days since the last purchase on or before the as-of date; _FillValue: none"},
        {"/features/last_interaction_days", "days", "days since the last interaction of any channel on or before the as-of date; _FillValue: none"},
        {"/features/frequency", "count", "purchases in the window"},
        {"/features/monetary", "currency units", "purchase revenue in the window"},
        {"/features/interactions", "count", "interactions of any channel in the window"},
        {"/features/interactions_total", "count", "interactions of any channel on or before the as-of date"},
        {"/features/breadth", "count", "distinct channels used in the window"},
        {"/features/active_weeks", "weeks", "distinct 7-day periods with activity in the window, counted back from the as-of date"},
        {"/features/active_months", "months", "distinct calendar months with activity in the window"},
        {"/features/channel_count", "count", "interactions per channel in the window (columns: /channels/name)"},
        {"/features/channel_value", "channel value units", "sum of the interactions' values per channel in the window: currency units for purchases, NPS points for surveys, ... (columns: /channels/name)"},
        {"/signals/usage_regularity", "1", "usage regularity 0-1: 1 when not overdue against the customer's own cadence, else 1 / overdue ratio"},
        {"/signals/sentiment", "1", "recency-decayed weighted mean of the sentiment signals, -1 to 1; NaN: no sentiment signal in the window"},
        {"/signals/share_of_wallet", "1", "yearly spend / wallet, capped at 1; NaN: wallet unknown"},
        {"/signals/last_nps", "NPS points", "last survey answer 0-10 in the window; _FillValue: none"},
        {"/engagement/composite", "score 0-100", "composite engagement score at the as-of date; NaN: not yet acquired"},
        {"/engagement/tier", "1", "tier at the as-of date: an index into /engagement/tier_names; _FillValue: not yet acquired"},
        {"/engagement/composite_previous", "score 0-100", "composite engagement score at previous_as_of; NaN: not yet acquired then"},
        {"/engagement/tier_previous", "1", "tier at previous_as_of: an index into /engagement/tier_names; _FillValue: not yet acquired then"},
        {"/engagement/trend", "score points", "composite minus composite_previous; NaN where either is NaN"},
        {"/engagement/dimensions", "score 0-100", "dimension scores at the as-of date (columns: /engagement/dimension_names); NaN: unknown"},
        {"/engagement/tier_names", "", "tier names (codes 0-3)"},
        {"/engagement/dimension_names", "", "dimension names: the columns of /engagement/dimensions"},
    };
    if (info.retention) {
        d.push_back({"/retention/p_alive", "1", info.prediction_model + " probability that the customer is alive at the as-of date; NaN: no purchase by then"});
        d.push_back({"/retention/expected_transactions", "count", info.prediction_model + " expected repeat transactions over the horizon after the as-of date; NaN: no purchase by then"});
        d.push_back({"/retention/expected_spend", "currency units", "Gamma-Gamma expected value of one transaction; NaN: no purchase by then, or Gamma-Gamma not fitted"});
        d.push_back({"/retention/clv", "currency units", "customer lifetime value over the horizon, discounted; NaN where expected_spend is"});
    }
    if (info.bgbb) {
        d.push_back({"/retention/bgbb_p_alive", "1", "BG/BB probability that the customer is alive at the next opportunity; NaN: no purchase by the as-of date"});
        d.push_back({"/retention/bgbb_expected_transactions", "count", "BG/BB expected opportunities with a transaction over the horizon's whole opportunities; NaN: no purchase by the as-of date"});
        d.push_back({"/retention/bgbb_dert", "count", "BG/BB discounted expected residual transactions (all future opportunities); NaN: no purchase by the as-of date"});
        d.push_back({"/retention/bgbb_clv", "currency units", "residual lifetime value: Gamma-Gamma expected spend x bgbb_dert; NaN where either is"});
    }
    if (info.touches)
        for (const TouchesColumn& t : touches_columns()) d.push_back({t.path, t.units, t.description});
    if (info.landmark) {
        d.push_back({"/landmark/follow_up_days", "days", "days after the as-of date to churn, or the holdout length when it did not churn; _FillValue: not at risk at the as-of date"});
        d.push_back({"/landmark/churned", "1", "1 when the customer churned within the follow-up, else 0"});
    }
    return d;
}
}  // namespace

struct FeaturesWriter::Columns {
    explicit Columns(h5::File f) : file(std::move(f)) {}
    h5::File file;
    h5::ColumnSet<CustomerRow> customers;
    h5::ColumnSet<CustomerFeatures> features;
    h5::ColumnSet<ScoredCustomer> scores;
    h5::ColumnSet<kernels::RetentionPrediction> retention;
    h5::ColumnSet<kernels::LandmarkRow> landmark;
    h5::ColumnSet<kernels::CustomerTouches> touches;
};

FeaturesWriter::FeaturesWriter(const mpi::Comm& comm, const std::string& path, std::uint64_t customers,
                               const FeaturesFileInfo& info, std::uint64_t first,
                               std::optional<std::uint64_t> resume_at, std::optional<std::uint64_t> scores_at)
    : cols_(std::make_unique<Columns>(resume_at ? h5::File::reopen(comm, path, info.write_queue_bytes)
                                                : h5::File::create(comm, path, info.write_queue_bytes))) {
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
    // The customer's id and attributes, copied from the input so that the file stands alone.
    auto customer = [&](const char* name, auto get) {
        using T = decltype(get(std::declval<const CustomerRow&>()));
        c.customers.add<T>(f, std::string("/customers/") + name, n, next, kChunkRows, 1,
                           [get](const CustomerRow& r, T* o) { *o = get(r); }, codec);
    };
    using C = const CustomerRow&;
    customer("id", [](C r) { return r.id; });
    customer("acquisition_day", [](C r) { return r.acquisition_day; });
    customer("business_unit", [](C r) { return r.business_unit; });
    customer("region", [](C r) { return r.region; });
    customer("rm", [](C r) { return r.rm; });
    customer("segment", [](C r) { return r.segment; });
    customer("wallet", [](C r) { return r.wallet; });

    // One scalar feature column: `get` maps a row to its value.
    auto feature = [&](const char* name, auto get) {
        using T = decltype(get(std::declval<const CustomerFeatures&>()));
        c.features.add<T>(f, std::string("/features/") + name, n, next, kChunkRows, 1,
                          [get](const CustomerFeatures& r, T* o) { *o = get(r); }, codec);
    };
    using F = const CustomerFeatures&;
    feature("tenure_days", [](F r) { return r.tenure_days; });
    feature("recency_days", [](F r) { return r.recency_days; });
    feature("last_interaction_days", [](F r) { return r.last_interaction_days; });
    feature("frequency", [](F r) { return r.frequency; });
    feature("monetary", [](F r) { return double(r.monetary_cents) / 100.0; });
    feature("interactions", [](F r) { return r.interactions; });
    feature("interactions_total", [](F r) { return r.interactions_total; });
    feature("breadth", [](F r) { return r.breadth; });
    feature("active_weeks", [](F r) { return r.active_weeks; });
    feature("active_months", [](F r) { return r.active_months; });
    c.features.add<std::uint32_t>(f, "/features/channel_count", n, next, kChunkRows, k,
                                  [k](F r, std::uint32_t* o) { std::copy_n(r.channel_count.begin(), k, o); }, codec);
    c.features.add<double>(f, "/features/channel_value", n, next, kChunkRows, k, [k](F r, double* o) {
        for (std::size_t j = 0; j < k; ++j) o[j] = double(r.channel_hundredths[j]) / 100.0;
    }, codec);
    // The raw signals an analyst cannot rebuild from the features above (regularity against the
    // customer's own cadence, sentiment, share of wallet, the last NPS answer) at the as-of
    // date, and below the scores, in single precision (seven significant digits are plenty for
    // a score).
    auto signal = [&](const char* name, auto get) {
        using T = decltype(get(std::declval<const CustomerFeatures&>()));
        c.features.add<T>(f, std::string("/signals/") + name, n, next, kChunkRows, 1,
                          [get](const CustomerFeatures& r, T* o) { *o = get(r); }, codec);
    };
    signal("usage_regularity", [](F r) { return float(r.engagement_now.usage_regularity); });
    signal("sentiment", [](F r) { return float(r.engagement_now.sentiment); });
    signal("share_of_wallet", [](F r) { return float(r.engagement_now.share_of_wallet); });
    signal("last_nps", [](F r) { return r.engagement_now.last_nps; });

    using S = const ScoredCustomer&;
    auto score = [&](const char* name, auto get) {
        using T = decltype(get(std::declval<const ScoredCustomer&>()));
        c.scores.add<T>(f, std::string("/engagement/") + name, n, next_score, kChunkRows, 1,
                        [get](const ScoredCustomer& r, T* o) { *o = get(r); }, codec);
    };
    score("composite", [](S r) { return float(r.now.composite); });
    score("tier", [](S r) { return r.now.acquired ? std::uint8_t(r.now.tier) : kUnknownTier; });
    score("composite_previous", [](S r) { return float(r.previous.composite); });
    score("tier_previous", [](S r) { return r.previous.acquired ? std::uint8_t(r.previous.tier) : kUnknownTier; });
    // The change of the composite over the trend period, from the binary64 scores (NaN when
    // either is: a customer not acquired at one of the dates).
    score("trend", [](S r) { return float(r.now.composite - r.previous.composite); });
    c.scores.add<float>(f, "/engagement/dimensions", n, next_score, kChunkRows, kernels::kDimensions,
                        [](S r, float* o) { std::copy(r.now.dimension.begin(), r.now.dimension.end(), o); },
                        codec);

    if (info.retention) {
        using R = const kernels::RetentionPrediction&;
        auto prediction = [&](const char* name, auto get) {
            c.retention.add<float>(f, std::string("/retention/") + name, n, next_score, kChunkRows, 1,
                                   [get](R r, float* o) { *o = get(r); }, codec);
        };
        prediction("p_alive", [](R r) { return r.p_alive; });
        prediction("expected_transactions", [](R r) { return r.expected_transactions; });
        prediction("expected_spend", [](R r) { return r.expected_spend; });
        prediction("clv", [](R r) { return r.clv; });
        if (info.bgbb) {
            prediction("bgbb_p_alive", [](R r) { return r.bgbb_p_alive; });
            prediction("bgbb_expected_transactions", [](R r) { return r.bgbb_expected_transactions; });
            prediction("bgbb_dert", [](R r) { return r.bgbb_dert; });
            prediction("bgbb_clv", [](R r) { return r.bgbb_clv; });
        }
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

    if (info.touches) {
        // Counts as int32 (-1, the _FillValue: unknown), times and shares as float64 (NaN).
        using T = const kernels::CustomerTouches&;
        auto count = [&](const char* path, auto get) {
            c.touches.add<std::int32_t>(f, path, n, next, kChunkRows, 1, [get](T r, std::int32_t* o) { *o = get(r); }, codec);
        };
        auto real = [&](const char* path, auto get) {
            c.touches.add<double>(f, path, n, next, kChunkRows, 1, [get](T r, double* o) { *o = get(r); }, codec);
        };
        count("/touches/offers", [](T r) { return r.offers; });
        count("/touches/offers_answered", [](T r) { return r.offers_answered; });
        real("/touches/offer_response_rate", [](T r) { return r.offer_response_rate; });
        real("/touches/offer_response_median", [](T r) { return r.offer_response_median_s; });
        count("/touches/customer_initiated", [](T r) { return r.customer_initiated; });
        real("/touches/customer_initiated_share", [](T r) { return r.customer_initiated_share; });
        count("/touches/tickets", [](T r) { return r.tickets; });
        count("/touches/tickets_answered", [](T r) { return r.tickets_answered; });
        count("/touches/tickets_resolved", [](T r) { return r.tickets_resolved; });
        real("/touches/first_response_median", [](T r) { return r.first_response_median_s; });
        real("/touches/first_response_p90", [](T r) { return r.first_response_p90_s; });
        real("/touches/resolution_median", [](T r) { return r.resolution_median_s; });
        real("/touches/within_5min_share", [](T r) { return r.within_share[0]; });
        real("/touches/within_1h_share", [](T r) { return r.within_share[1]; });
        real("/touches/within_1d_share", [](T r) { return r.within_share[2]; });
        count("/touches/ideas", [](T r) { return r.ideas; });
        count("/touches/ideas_to_date", [](T r) { return r.ideas_to_date; });
        count("/touches/ideas_commented", [](T r) { return r.ideas_commented; });
        count("/touches/ideas_evaluated", [](T r) { return r.ideas_evaluated; });
        count("/touches/ideas_implemented", [](T r) { return r.ideas_implemented; });
        count("/touches/idea_votes", [](T r) { return r.idea_votes; });
        count("/touches/customer_to_company", [](T r) { return r.stage[0]; });
        count("/touches/customer_to_content", [](T r) { return r.stage[1]; });
        count("/touches/customer_to_community", [](T r) { return r.stage[2]; });
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
    f.write_attribute("/", "epoch", info.epoch);
    f.write_strings("/customers/business_unit_names", info.business_unit_names);
    f.write_strings("/customers/region_names", info.region_names);
    f.write_strings("/customers/rm_names", info.rm_names);
    f.write_strings("/customers/segment_names", info.segment_names);
    // Every dataset says its unit and what it holds; the integer ones that can be unknown say
    // which value means so (`_FillValue`, of the dataset's type, as netCDF and xarray read it).
    for (const DatasetDoc& d : dataset_docs(info)) {
        h5::Dataset ds = f.dataset(d.path);
        ds.write_attribute("units", d.units);
        ds.write_attribute("description", d.description);
    }
    for (const char* p : {"/features/tenure_days", "/features/recency_days", "/features/last_interaction_days"})
        f.dataset(p).write_value_attribute("_FillValue", kUnknownDays);
    f.dataset("/signals/last_nps").write_value_attribute("_FillValue", kUnknownNps);
    for (const char* p : {"/engagement/tier", "/engagement/tier_previous"})
        f.dataset(p).write_value_attribute("_FillValue", kUnknownTier);
    if (info.landmark) f.dataset("/landmark/follow_up_days").write_value_attribute("_FillValue", kUnknownDays);
    // The counts of answers, unknown without /interactions/answers.
    if (info.touches)
        for (const char* p : {"/touches/offers_answered", "/touches/tickets_answered", "/touches/tickets_resolved",
                              "/touches/ideas_commented", "/touches/ideas_evaluated", "/touches/ideas_implemented"})
            f.dataset(p).write_value_attribute("_FillValue", kUnknownCount);
}

FeaturesWriter::~FeaturesWriter() = default;

void FeaturesWriter::append(const CustomerShard& shard, std::span<const CustomerFeatures> f, bool flush) {
    Columns& c = *cols_;
    std::vector<CustomerRow> rows(shard.customers());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        CustomerRow& r = rows[i];
        r.id = shard.id[i];
        r.acquisition_day = shard.acquisition_day[i];
        r.rm = shard.rm[i];
        r.region = shard.region[i];
        r.business_unit = shard.business_unit[i];
        r.segment = shard.segment[i];
        if (!shard.wallet.empty()) r.wallet = shard.wallet[i];
    }
    c.customers.append(rows);
    c.features.append(f);
    if (!flush) return;
    c.customers.write_whole_chunks();
    c.features.write_whole_chunks();
}

void FeaturesWriter::append_touches(std::span<const kernels::CustomerTouches> t, bool flush) {
    cols_->touches.append(t);
    if (flush) cols_->touches.write_whole_chunks();
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
    c.customers.write_all();
    c.features.write_all();
    c.scores.write_all();
    c.retention.write_all();
    c.landmark.write_all();
    c.touches.write_all();
}

void FeaturesWriter::close() {
    Columns& c = *cols_;
    write_pending();
    c.customers.close();
    c.features.close();
    c.scores.close();
    c.retention.close();
    c.landmark.close();
    c.touches.close();
    c.file.close();
}

}  // namespace engage::io
