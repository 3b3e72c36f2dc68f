#include "io/features_file.hpp"

#include <optional>

#include "io/h5/appender.hpp"
#include "mpi/comm.hpp"

namespace engage::io {

namespace {
constexpr std::uint64_t kChunkRows = 16384;
}

struct FeaturesWriter::Columns {
    explicit Columns(h5::File f) : file(std::move(f)) {}
    h5::File file;
    std::vector<h5::Dataset> ds;  // stable storage: the appenders point into it
    std::optional<h5::AlignedAppender<std::uint64_t>> id;
    std::optional<h5::AlignedAppender<std::int32_t>> tenure, recency, last_interaction;
    std::optional<h5::AlignedAppender<std::uint32_t>> frequency, interactions, interactions_total,
        breadth, weeks, months, channel_count;
    std::optional<h5::AlignedAppender<double>> monetary, channel_value;
    std::size_t channels = 0;
    // Scratch columns, reused across appends.
    std::vector<std::int32_t> i32;
    std::vector<std::uint32_t> u32;
    std::vector<double> f64;
};

FeaturesWriter::FeaturesWriter(const mpi::Comm& comm, const std::string& path,
                               std::uint64_t customers, const FeaturesFileInfo& info,
                               std::uint64_t first)
    : cols_(std::make_unique<Columns>(h5::File::create(comm, path))) {
    Columns& c = *cols_;
    h5::File& f = c.file;
    const std::uint64_t n = customers, k = info.channel_names.size();
    c.channels = k;
    c.ds.reserve(16);
    auto make = [&](auto tag, const char* name, std::uint64_t cols = 1) -> h5::Dataset& {
        using T = decltype(tag);
        c.ds.push_back(f.create_column<T>(name, n, cols, kChunkRows));
        return c.ds.back();
    };
    c.id.emplace(make(std::uint64_t{}, "/customers/id"), first, kChunkRows);
    c.tenure.emplace(make(std::int32_t{}, "/features/tenure_days"), first, kChunkRows);
    c.recency.emplace(make(std::int32_t{}, "/features/recency_days"), first, kChunkRows);
    c.last_interaction.emplace(make(std::int32_t{}, "/features/last_interaction_days"), first, kChunkRows);
    c.frequency.emplace(make(std::uint32_t{}, "/features/frequency"), first, kChunkRows);
    c.monetary.emplace(make(double{}, "/features/monetary"), first, kChunkRows);
    c.interactions.emplace(make(std::uint32_t{}, "/features/interactions"), first, kChunkRows);
    c.interactions_total.emplace(make(std::uint32_t{}, "/features/interactions_total"), first, kChunkRows);
    c.breadth.emplace(make(std::uint32_t{}, "/features/breadth"), first, kChunkRows);
    c.weeks.emplace(make(std::uint32_t{}, "/features/active_weeks"), first, kChunkRows);
    c.months.emplace(make(std::uint32_t{}, "/features/active_months"), first, kChunkRows);
    c.channel_count.emplace(make(std::uint32_t{}, "/features/channel_count", k), first, kChunkRows);
    c.channel_value.emplace(make(double{}, "/features/channel_value", k), first, kChunkRows);
    f.write_strings("/channels/name", info.channel_names);
    f.write_attribute("/", "input", info.input);
    f.write_attribute("/", "as_of", info.as_of);
    f.write_attribute("/", "window_days", info.window_days);
    f.write_attribute("/", "engage_version", info.engage_version);
}

FeaturesWriter::~FeaturesWriter() = default;

void FeaturesWriter::append(std::span<const std::uint64_t> ids,
                            std::span<const kernels::CustomerFeatures> f) {
    Columns& c = *cols_;
    c.id->append(ids);
    auto column = [&](auto& appender, auto& scratch, auto get) {
        scratch.resize(f.size());
        for (std::size_t i = 0; i < f.size(); ++i) scratch[i] = get(f[i]);
        appender->append(scratch);
        appender->write_whole_chunks();
    };
    using F = kernels::CustomerFeatures;
    column(c.tenure, c.i32, [](const F& x) { return x.tenure_days; });
    column(c.recency, c.i32, [](const F& x) { return x.recency_days; });
    column(c.last_interaction, c.i32, [](const F& x) { return x.last_interaction_days; });
    column(c.frequency, c.u32, [](const F& x) { return x.frequency; });
    column(c.monetary, c.f64, [](const F& x) { return double(x.monetary_cents) / 100.0; });
    column(c.interactions, c.u32, [](const F& x) { return x.interactions; });
    column(c.interactions_total, c.u32, [](const F& x) { return x.interactions_total; });
    column(c.breadth, c.u32, [](const F& x) { return x.breadth; });
    column(c.weeks, c.u32, [](const F& x) { return x.active_weeks; });
    column(c.months, c.u32, [](const F& x) { return x.active_months; });
    const std::size_t k = c.channels;
    c.u32.resize(f.size() * k);
    c.f64.resize(f.size() * k);
    for (std::size_t i = 0; i < f.size(); ++i)
        for (std::size_t j = 0; j < k; ++j) {
            c.u32[i * k + j] = f[i].channel_count[j];
            c.f64[i * k + j] = double(f[i].channel_hundredths[j]) / 100.0;
        }
    c.channel_count->append(c.u32);
    c.channel_count->write_whole_chunks();
    c.channel_value->append(c.f64);
    c.channel_value->write_whole_chunks();
    c.id->write_whole_chunks();
}

void FeaturesWriter::close() {
    Columns& c = *cols_;
    c.id->write_all();
    c.tenure->write_all();
    c.recency->write_all();
    c.last_interaction->write_all();
    c.frequency->write_all();
    c.monetary->write_all();
    c.interactions->write_all();
    c.interactions_total->write_all();
    c.breadth->write_all();
    c.weeks->write_all();
    c.months->write_all();
    c.channel_count->write_all();
    c.channel_value->write_all();
    c.id.reset();
    c.ds.clear();
    c.file.close();
}

}  // namespace engage::io
