#include "io/customer_base.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <stdexcept>

#include "core/dates.hpp"
#include "core/errors.hpp"
#include "features/channel_kind.hpp"
#include "io/h5/io_tuning.hpp"
#include "mpi/comm.hpp"

namespace engage::io {

namespace {
constexpr double kMaxAbsValue = 1e13;  // values are summed in hundredths in 64-bit integers
constexpr std::size_t kParallelCheckRows = 1u << 16;  // a shard's checks on several threads from this many rows

// The calendar Engage writes: dates 0000-01-01 .. 9999-12-31 (four-digit years), as days since
// 1970-01-01. Every day of a file (epoch + day) must fall inside it; its span fits int32 days.
const std::int64_t kFirstUnixDay = *parse_iso_date("0000-01-01");
const std::int64_t kLastUnixDay = *parse_iso_date("9999-12-31");

std::string row_at(const std::string& file, const std::string& dataset, std::uint64_t row) {
    return file + ": " + dataset + " row " + std::to_string(row) + " (0-based)";
}
}  // namespace

std::vector<Channel> default_channels() {
    using K = kernels::ChannelKind;
    return {{"purchase", K::purchase},         {"login", K::usage},
            {"support_ticket", K::support},    {"complaint", K::complaint},
            {"nps_survey", K::survey},         {"review", K::review},
            {"referral", K::referral},         {"event_attended", K::event},
            {"community_post", K::community},  {"idea_submitted", K::idea},
            {"idea_vote", K::idea_vote},       {"content_view", K::content},
            {"social_mention", K::social},     {"cocreation", K::cocreation}};
}

std::vector<Channel> default_channels_with_touches() {
    using K = kernels::ChannelKind;
    auto c = default_channels();
    c.insert(c.end(), {{"offer", K::offer}, {"support_reply", K::support_reply}, {"idea_feedback", K::idea_feedback}});
    return c;
}

struct CustomerBaseReader::Columns {
    h5::Dataset id, acquisition_day, rm, region, business_unit, segment, offsets, time, channel, value;
    std::optional<h5::Dataset> wallet, truth, truth_churn, initiator, answers;
};

CustomerBaseReader::CustomerBaseReader(const mpi::Comm& comm, const std::string& path) {
    file_ = std::make_unique<h5::File>(h5::File::open(comm, path));
    const h5::File& f = *file_;
    meta_.path = path;

    const auto version = f.read_int_attribute("/", "schema_version");
    if (!version)
        throw DataError(path + ": root attribute schema_version is missing; this is not an Engage "
                               "customer base (see docs/data-format.md; `engage generate` writes one)");
    if (*version < kOldestSchemaVersion || *version > kSchemaVersion)
        throw DataError(path + ": schema_version " + std::to_string(*version) + ", this Engage reads " +
                        std::to_string(kOldestSchemaVersion) + " to " + std::to_string(kSchemaVersion) +
                        "; convert the file or use a matching Engage");
    const auto unit = f.read_string_attribute("/", "time_unit");
    if (!unit || *unit != "seconds")
        throw DataError(path + ": root attribute time_unit must be \"seconds\" (found " +
                        (unit ? "\"" + *unit + "\"" : std::string("none")) + ")");
    const auto epoch = f.read_string_attribute("/", "epoch");
    const auto epoch_day = epoch ? parse_iso_date(*epoch) : std::nullopt;
    if (!epoch_day)
        throw DataError(path + ": root attribute epoch must be a date YYYY-MM-DD (found " +
                        (epoch ? "\"" + *epoch + "\"" : std::string("none")) + ")");
    meta_.epoch = *epoch;
    meta_.epoch_unix_day = *epoch_day;
    if (const auto amounts = f.read_string_attribute("/", "amounts")) {
        if (*amounts != "absent")
            throw DataError(path + ": root attribute amounts must be \"absent\" when present (found \"" + *amounts +
                            "\"); leave it out for a base whose purchase values are amounts");
        meta_.has_amounts = false;
    }

    auto ds = [&](const char* p) { return f.dataset(p); };
    cols_ = std::unique_ptr<Columns>(new Columns{
        ds("/customers/id"), ds("/customers/acquisition_day"), ds("/customers/rm"),
        ds("/customers/region"), ds("/customers/business_unit"), ds("/customers/segment"),
        ds("/interactions/offsets"), ds("/interactions/time"), ds("/interactions/channel"),
        ds("/interactions/value"), std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
    Columns& c = *cols_;
    c.id.expect<std::uint64_t>();
    c.acquisition_day.expect<std::int32_t>();
    c.rm.expect<std::uint32_t>();
    c.region.expect<std::uint32_t>();
    c.business_unit.expect<std::uint32_t>();
    c.segment.expect<std::uint8_t>();
    c.offsets.expect<std::uint64_t>();
    c.time.expect<std::int64_t>();
    c.channel.expect<std::uint8_t>();
    c.value.expect<double>();

    // Before anything sized by a row count is allocated: the file must hold what it declares.
    for (const h5::Dataset* d : {&c.id, &c.acquisition_day, &c.rm, &c.region, &c.business_unit, &c.segment,
                                 &c.offsets, &c.time, &c.channel, &c.value})
        d->expect_stored(f.bytes());

    meta_.customers = c.id.rows();
    meta_.interactions = c.time.rows();
    const std::string per_customer = "one per customer, like /customers/id";
    for (const h5::Dataset* d : {&c.acquisition_day, &c.rm, &c.region, &c.business_unit, &c.segment})
        d->expect_rows(meta_.customers, per_customer);
    c.offsets.expect_rows(meta_.customers + 1, "customers + 1: the CSR offsets of /interactions");
    const std::string per_interaction = "one per interaction, like /interactions/time";
    c.channel.expect_rows(meta_.interactions, per_interaction);
    c.value.expect_rows(meta_.interactions, per_interaction);
    // An optional (or a dependent) column, checked as the required ones: type, stored size, rows.
    auto checked = [&]<class T>(const char* path, std::uint64_t rows, const std::string& why) {
        h5::Dataset d = f.dataset(path);
        d.expect<T>();
        d.expect_stored(f.bytes());
        d.expect_rows(rows, why);
        return d;
    };
    if ((meta_.has_wallet = f.exists("/customers/wallet")))
        c.wallet = checked.operator()<double>("/customers/wallet", meta_.customers, per_customer);
    if ((meta_.has_initiator = f.exists("/interactions/initiator")))
        c.initiator = checked.operator()<std::uint8_t>("/interactions/initiator", meta_.interactions, per_interaction);
    if ((meta_.has_answers = f.exists("/interactions/answers")))
        c.answers = checked.operator()<std::uint32_t>("/interactions/answers", meta_.interactions, per_interaction);
    if ((meta_.has_truth = f.exists("/truth/engagement"))) {
        c.truth = checked.operator()<double>("/truth/engagement", meta_.customers, per_customer);
        c.truth_churn = checked.operator()<std::int32_t>("/truth/churn_day", meta_.customers, per_customer);
    }

    const auto first = f.read_int_attribute("/interactions/time", "first_time");
    const auto last = f.read_int_attribute("/interactions/time", "last_time");
    if (!first || !last || *first < 0 || *last < *first)
        throw DataError(path + ": /interactions/time needs integer attributes first_time <= last_time "
                               "(seconds since the epoch, >= 0) giving the range of its values");
    // Days are int32 and dates are written with four-digit years: the last day must be a date
    // of years 0000..9999 (a time near the int64 limit would wrap when taken as days).
    const std::int64_t max_time = (kLastUnixDay - meta_.epoch_unix_day + 1) * kSecondsPerDay - 1;
    if (*last > max_time)
        throw DataError(path + ": attribute last_time of /interactions/time is " + std::to_string(*last) +
                        " s, after 9999-12-31 with the epoch " + meta_.epoch + " (at most " +
                        std::to_string(max_time) + " s); the attribute or the epoch is wrong: declare the real "
                        "range of /interactions/time");
    meta_.first_time = *first;
    meta_.last_time = *last;
    meta_.wallet_known_from = *last / 86400;
    if (meta_.has_wallet) {
        if (const auto from = f.read_string_attribute("/customers/wallet", "known_from")) {
            const auto day = parse_iso_date(*from);
            if (!day)
                throw DataError(path + ": attribute known_from of /customers/wallet must be a date YYYY-MM-DD "
                                       "(found \"" + *from + "\"): the first day the wallets were known; leave it "
                                       "out when they are as of the end of the data");
            meta_.wallet_known_from = *day - meta_.epoch_unix_day;
        }
    }

    const auto names = f.read_strings("/channels/name");
    const auto kinds = f.read_strings("/channels/kind");
    h5::Dataset code = f.dataset("/channels/code");
    code.expect<std::uint8_t>();
    if (names.size() != kinds.size() || code.rows() != names.size())
        throw DataError(path + ": /channels/code, /channels/name and /channels/kind must have the "
                               "same length");
    if (names.empty() || names.size() > std::size_t(kernels::kMaxChannels))
        throw DataError(path + ": /channels holds " + std::to_string(names.size()) +
                        " channels, expected 1 to " + std::to_string(kernels::kMaxChannels));
    std::vector<std::uint8_t> codes(names.size());
    code.read<std::uint8_t>(0, codes);
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (codes[i] != i)
            throw DataError(row_at(path, "/channels/code", i) + ": code " + std::to_string(codes[i]) +
                            ", expected " + std::to_string(i) + " (codes are 0..n-1 in order)");
        const auto kind = kernels::parse_kind(kinds[i]);
        if (!kind) {
            std::string allowed;
            for (auto k : kernels::kChannelKindNames) allowed += (allowed.empty() ? "" : ", ") + std::string(k);
            throw DataError(row_at(path, "/channels/kind", i) + ": unknown kind \"" + kinds[i] +
                            "\"; allowed: " + allowed);
        }
        meta_.channels.push_back({names[i], *kind});
    }
    meta_.rm_names = f.read_strings("/customers/rm_names");
    meta_.region_names = f.read_strings("/customers/region_names");
    meta_.business_unit_names = f.read_strings("/customers/business_unit_names");
    meta_.segment_names = f.read_strings("/customers/segment_names");
    for (auto* names_of : {&meta_.rm_names, &meta_.region_names, &meta_.business_unit_names,
                           &meta_.segment_names})
        if (names_of->empty())
            throw DataError(path + ": a name table under /customers is empty; every customer needs "
                                   "a relationship manager, region, business unit and segment");
    use_columns_in_place();
}

CustomerBaseReader::~CustomerBaseReader() = default;

// The interaction columns are 17 of the 17-25 bytes per interaction a shard reads. Unfiltered
// and contiguous (the default of `engage generate` and `engage import`), they are used from the
// page cache in place instead of being copied (docs/performance.md, "The read phase without its
// copy"); otherwise HDF5 reads (and decodes, or converts) them.
void CustomerBaseReader::use_columns_in_place() {
    const Columns& c = *cols_;
    std::string why;
    const auto t = c.time.offset_in_file<std::int64_t>();
    const auto ch = c.channel.offset_in_file<std::uint8_t>();
    const auto v = c.value.offset_in_file<double>();
    if (!h5::io_tuning().map_input) why = "ENGAGE_MAP_INPUT=0";
    else if (meta_.interactions == 0) why = "no interactions";
    else if (!t || !ch || !v) why = "filtered, chunked or converted columns";
    else if (*t % alignof(std::int64_t) != 0 || *v % alignof(double) != 0) why = "unaligned columns";
    if (why.empty()) {
        MappedFile file(meta_.path);
        const std::uint64_t m = meta_.interactions, size = file.size();
        auto inside = [&](std::uint64_t at, std::uint64_t element) {
            return at <= size && m <= (size - at) / element;
        };
        if (inside(*t, sizeof(std::int64_t)) && inside(*ch, 1) && inside(*v, sizeof(double))) {
            in_place_ = std::make_unique<InPlace>(InPlace{std::move(file), *t, *ch, *v, nullptr});
            // Past the page cache when it holds less than half of the time column (the largest):
            // its pages would be new memory, whose first touch is what costs
            // (docs/performance.md, "The input past the page cache"); from the page cache when it
            // holds the base, as that is faster than the disk. Decided once for the file: a
            // shard's own residency is no guide, as the kernel's read-ahead of the shard before
            // (8 MB here) brings it in.
            if (h5::io_tuning().direct_input || in_place_->file.resident(*t, m * sizeof(std::int64_t)) < 0.5) {
                in_place_->direct = std::make_unique<DirectReader>(meta_.path);
                if (!in_place_->direct->ok()) in_place_->direct.reset();
            }
        } else
            why = "columns beyond the end of the file";
    }
    h5::note_input_read(in_place_ ? "mapped" : "read: " + why);
}

void CustomerBaseReader::read_offsets(std::uint64_t first, std::span<std::uint64_t> out) const {
    cols_->offsets.read<std::uint64_t>(first, out);
}

void CustomerBaseReader::prefetch(std::uint64_t c0, std::uint64_t c1) const noexcept {
    if (!in_place_ || c1 <= c0) return;
    try {
        const Columns& c = *cols_;
        const MappedFile& file = in_place_->file;
        auto customers = [&]<class T>(const h5::Dataset& d, T) {
            if (const auto at = d.offset_in_file<T>()) file.will_need(*at + c0 * sizeof(T), (c1 - c0) * sizeof(T));
        };
        customers(c.id, std::uint64_t{});
        customers(c.acquisition_day, std::int32_t{});
        customers(c.rm, std::uint32_t{});
        customers(c.region, std::uint32_t{});
        customers(c.business_unit, std::uint32_t{});
        customers(c.segment, std::uint8_t{});
        if (c.wallet) customers(*c.wallet, double{});
        customers(c.offsets, std::uint64_t{});
        std::uint64_t ends[2] = {0, 0};
        read_offsets(c0, std::span(ends, 1));
        read_offsets(c1, std::span(ends + 1, 1));
        if (ends[1] <= ends[0] || ends[1] > meta_.interactions) return;  // read_shard names a bad offset
        const std::uint64_t at = ends[0], m = ends[1] - ends[0];
        auto ranges = in_place_->ranges(at, m);
        if (DirectReader* direct = in_place_->direct.get(); direct && direct->ok()) {
            direct->start(std::move(ranges));
            return;
        }
        for (const auto& r : ranges) file.will_need(r.offset, r.bytes);
    } catch (...) {  // a hint only: read_shard reports what is wrong
    }
}

void CustomerBaseReader::read_shard(std::uint64_t c0, std::uint64_t c1, CustomerShard& s) const {
    const Columns& c = *cols_;
    const std::string& file = meta_.path;
    const std::uint64_t n = c1 - c0;
    s.first_customer = c0;
    auto fetch = [&](const h5::Dataset& d, auto& v, std::uint64_t first, std::uint64_t count) {
        v.resize(count);
        d.read(first, std::span(v));
    };
    // One id before the shard, to check the order across the shard boundary.
    const std::uint64_t id0 = c0 > 0 ? c0 - 1 : 0;
    fetch(c.id, s.id, id0, c1 - id0);
    for (std::uint64_t i = 1; i < s.id.size(); ++i)
        if (s.id[i] <= s.id[i - 1])
            throw DataError(row_at(file, "/customers/id", id0 + i) + ": id " + std::to_string(s.id[i]) +
                            (s.id[i] == s.id[i - 1] ? " duplicates" : " is smaller than") +
                            " the previous id " + std::to_string(s.id[i - 1]) +
                            "; ids must be unique and sorted ascending (sort the customers by id)");
    if (c0 > 0) s.id.erase(s.id.begin());
    fetch(c.acquisition_day, s.acquisition_day, c0, n);
    fetch(c.rm, s.rm, c0, n);
    fetch(c.region, s.region, c0, n);
    fetch(c.business_unit, s.business_unit, c0, n);
    fetch(c.segment, s.segment, c0, n);
    if (c.wallet) fetch(*c.wallet, s.wallet, c0, n);
    if (c.truth) fetch(*c.truth, s.truth, c0, n);
    if (c.truth_churn) fetch(*c.truth_churn, s.truth_churn, c0, n);
    auto check_index = [&](const auto& v, const char* ds, std::size_t limit, const char* table) {
        for (std::uint64_t i = 0; i < n; ++i)
            if (v[i] >= limit)
                throw DataError(row_at(file, ds, c0 + i) + ": " + std::to_string(v[i]) +
                                " is not an index into " + table + " (0.." + std::to_string(limit - 1) + ")");
    };
    for (std::uint64_t i = 0; i < n; ++i) {
        const std::int64_t day = meta_.epoch_unix_day + s.acquisition_day[i];
        if (day < kFirstUnixDay || day > kLastUnixDay)
            throw DataError(row_at(file, "/customers/acquisition_day", c0 + i) + ": day " +
                            std::to_string(s.acquisition_day[i]) + " from the epoch " + meta_.epoch +
                            " is outside the years 0000..9999; fix the row (days since the epoch)");
    }
    check_index(s.rm, "/customers/rm", meta_.rm_names.size(), "/customers/rm_names");
    check_index(s.region, "/customers/region", meta_.region_names.size(), "/customers/region_names");
    check_index(s.business_unit, "/customers/business_unit", meta_.business_unit_names.size(),
                "/customers/business_unit_names");
    check_index(s.segment, "/customers/segment", meta_.segment_names.size(), "/customers/segment_names");
    for (std::uint64_t i = 0; i < s.wallet.size(); ++i)
        if (std::isinf(s.wallet[i]) || s.wallet[i] < 0)
            throw DataError(row_at(file, "/customers/wallet", c0 + i) + ": wallet " +
                            std::to_string(s.wallet[i]) + "; expected a finite amount >= 0, or NaN "
                            "where the wallet is unknown");

    fetch(c.offsets, s.offsets, c0, n + 1);
    if (c0 == 0 && s.offsets[0] != 0)
        throw DataError(row_at(file, "/interactions/offsets", 0) + ": must be 0 (CSR offsets start at 0)");
    for (std::uint64_t i = 1; i <= n; ++i)
        if (s.offsets[i] < s.offsets[i - 1])
            throw DataError(row_at(file, "/interactions/offsets", c0 + i) + ": " +
                            std::to_string(s.offsets[i]) + " is below the previous offset " +
                            std::to_string(s.offsets[i - 1]) + "; offsets must not decrease");
    if (s.offsets[n] > meta_.interactions || (c1 == meta_.customers && s.offsets[n] != meta_.interactions))
        throw DataError(row_at(file, "/interactions/offsets", c1) + ": " + std::to_string(s.offsets[n]) +
                        ", but /interactions has " + std::to_string(meta_.interactions) +
                        " rows; the last offset must equal the number of interactions");
    s.first_interaction = s.offsets[0];
    for (auto& o : s.offsets) o -= s.first_interaction;
    const std::uint64_t m = s.offsets[n];
    s.mapped = {};
    if (in_place_) {
        const InPlace& p = *in_place_;
        const auto ranges = p.ranges(s.first_interaction, m);
        if (p.direct && p.direct->started(ranges)) {  // read past the page cache by prefetch
            const auto bytes = p.direct->take();
            if (!bytes.empty()) {
                s.mapped.time = MappedRange::view(bytes[0]);
                s.mapped.channel = MappedRange::view(bytes[1]);
                s.mapped.value = MappedRange::view(bytes[2]);
                s.mapped.active = true;
            }
        }
        if (!s.mapped.active) {
            s.mapped.time = p.file.map(ranges[0].offset, ranges[0].bytes);
            s.mapped.channel = p.file.map(ranges[1].offset, ranges[1].bytes);
            s.mapped.value = p.file.map(ranges[2].offset, ranges[2].bytes);
            s.mapped.active = true;
        }
    } else {
        fetch(c.time, s.time, s.first_interaction, m);
        fetch(c.channel, s.channel, s.first_interaction, m);
        fetch(c.value, s.value, s.first_interaction, m);
    }

    if (!interactions_valid(s, n)) throw_first_bad_interaction(s, n);
    if (c.initiator) fetch(*c.initiator, s.initiator, s.first_interaction, m);
    else s.initiator.clear();
    if (c.answers) fetch(*c.answers, s.answers, s.first_interaction, m);
    else s.answers.clear();
    check_responses(s, n);
}

// Schema version 2's optional columns: an initiator is 0 (customer) or 1 (company); an answer
// points back to an earlier interaction of the same customer, which by the sort order did not
// happen later.
void CustomerBaseReader::check_responses(const CustomerShard& s, std::uint64_t n) const {
    const std::string& file = meta_.path;
    for (std::size_t i = 0; i < s.initiator.size(); ++i)
        if (s.initiator[i] > std::uint8_t(Initiator::company))
            throw DataError(row_at(file, "/interactions/initiator", s.first_interaction + i) + ": " +
                            std::to_string(s.initiator[i]) + "; expected 0 (the customer initiated it) or 1 "
                            "(the company did)");
    if (s.answers.empty()) return;
    for (std::uint64_t k = 0; k < n; ++k)
        for (std::uint64_t i = s.offsets[k]; i < s.offsets[k + 1]; ++i)
            if (s.answers[i] > i - s.offsets[k])
                throw DataError(row_at(file, "/interactions/answers", s.first_interaction + i) + ": " +
                                std::to_string(s.answers[i]) + " rows back, but customer " + std::to_string(s.id[k]) +
                                " has only " + std::to_string(i - s.offsets[k]) +
                                " interactions before this one; an interaction answers an earlier one of "
                                "the same customer (0: it answers none)");
}

// The checks of a shard's interaction columns: one column per loop, so that each loop
// vectorizes (compiled for AVX2 as well as the baseline, chosen at load time by the CPU), and
// branch-free (only a failure walks the rows again, in throw_first_bad_interaction, to name the
// first bad one). Reading the columns here is the first touch of their bytes.
namespace {

[[gnu::target_clones("avx2", "default")]] bool codes_below(std::span<const std::uint8_t> c,
                                                            std::size_t limit) noexcept {
    std::uint8_t top = 0;
    for (std::uint8_t x : c) top = std::max(top, x);
    return c.empty() || top < limit;
}

[[gnu::target_clones("avx2", "default")]] bool magnitudes_within(std::span<const double> v,
                                                                  double limit) noexcept {
    unsigned bad = 0;  // NaN fails the comparison, so it counts as bad
    for (double x : v) bad |= !(std::fabs(x) <= limit);
    return bad == 0;
}

// The time column's range and its descents (positions i >= 1 where t[i] < t[i - 1], over the
// whole shard) in one pass: the column is the largest the checks read (8 bytes an interaction),
// and a second pass over it cost a fifth of the read phase at 1 M x 100.
struct TimeScan {
    std::int64_t lo, hi;
    std::uint64_t descents;
};
[[gnu::target_clones("avx2", "default")]] TimeScan scan_times(std::span<const std::int64_t> t) noexcept {
    std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
    std::uint64_t d = 0;
    if (!t.empty()) lo = hi = t[0];
    for (std::size_t i = 1; i < t.size(); ++i) {
        const std::int64_t x = t[i];
        lo = std::min(lo, x);
        hi = std::max(hi, x);
        d += x < t[i - 1];
    }
    return {lo, hi, d};
}

}  // namespace

// Sorted within customers: the descents over the whole shard are exactly those at the first
// interaction of a customer. Each share of the rows (and of the customers) on a thread, the
// shares combined exactly (and, min, max, integer sums): a rank of 16 threads would otherwise
// check its shards' interactions on one of them while the others wait.
bool interactions_valid(const kernels::ShardView& s, std::uint64_t n, std::size_t channels, std::int64_t first_time,
                        std::int64_t last_time, std::int64_t parts) noexcept {
    const std::size_t rows = s.time.size();
    parts = std::max<std::int64_t>(1, parts);
    bool ok = true;
    std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
    std::uint64_t descents = 0, at_starts = 0;
#pragma omp parallel for schedule(static) if (parts > 1) reduction(&& : ok) reduction(min : lo) reduction(max : hi) \
    reduction(+ : descents, at_starts)
    for (std::int64_t p = 0; p < parts; ++p) {
        const auto share = [&](std::uint64_t total, std::int64_t q) { return total * std::uint64_t(q) / std::uint64_t(parts); };
        const std::size_t a = share(rows, p), b = share(rows, p + 1);
        if (!codes_below(s.channel.subspan(a, b - a), channels) || !magnitudes_within(s.value.subspan(a, b - a), kMaxAbsValue))
            ok = false;  // a thread takes several shares where there are more than threads
        if (b > a) {
            const TimeScan times = scan_times(s.time.subspan(a, b - a));
            lo = std::min(lo, times.lo);
            hi = std::max(hi, times.hi);
            descents += times.descents + (a > 0 && s.time[a] < s.time[a - 1]);  // the one across the shares' border
        }
        for (std::uint64_t k = share(n, p); k < share(n, p + 1); ++k) {
            const std::uint64_t i = s.offsets[k];
            if (i > 0 && i < s.offsets[k + 1]) at_starts += s.time[i] < s.time[i - 1];
        }
    }
    if (!ok) return false;
    if (rows > 0 && (lo < first_time || hi > last_time)) return false;
    return descents == at_starts;
}

bool CustomerBaseReader::interactions_valid(const CustomerShard& shard, std::uint64_t n) const noexcept {
    const kernels::ShardView s = shard.view();
    const std::int64_t parts = s.time.size() < kParallelCheckRows ? 1 : std::int64_t(omp_get_max_threads());
    return io::interactions_valid(s, n, meta_.channels.size(), meta_.first_time, meta_.last_time, parts);
}

void CustomerBaseReader::throw_first_bad_interaction(const CustomerShard& shard, std::uint64_t n) const {
    const kernels::ShardView s = shard.view();
    const std::string& file = meta_.path;
    const auto channels = meta_.channels.size();
    for (std::uint64_t k = 0; k < n; ++k) {
        for (std::uint64_t i = s.offsets[k]; i < s.offsets[k + 1]; ++i) {
            const std::uint64_t row = shard.first_interaction + i;
            if (s.channel[i] >= channels)
                throw DataError(row_at(file, "/interactions/channel", row) + ": code " +
                                std::to_string(s.channel[i]) + " is not in /channels (codes 0.." +
                                std::to_string(channels - 1) + "); fix the row or add the channel");
            if (!std::isfinite(s.value[i]) || std::fabs(s.value[i]) > kMaxAbsValue)
                throw DataError(row_at(file, "/interactions/value", row) + ": value " +
                                std::to_string(s.value[i]) + "; expected a finite number of magnitude "
                                "at most 1e13 (use 0 where an interaction has no value)");
            if (s.time[i] < meta_.first_time || s.time[i] > meta_.last_time)
                throw DataError(row_at(file, "/interactions/time", row) + ": time " +
                                std::to_string(s.time[i]) + (s.time[i] < 0 ? " is before the epoch " + meta_.epoch + ", outside"
                                                                          : " is outside")  +
                                " the range first_time..last_time = " + std::to_string(meta_.first_time) +
                                ".." + std::to_string(meta_.last_time) +
                                " s declared by the file; times are seconds since the epoch, >= 0");
            if (i > s.offsets[k] && s.time[i] < s.time[i - 1])
                throw DataError(row_at(file, "/interactions/time", row) + ": time " +
                                std::to_string(s.time[i]) + " is earlier than the previous interaction "
                                "of customer " + std::to_string(shard.id[k]) +
                                "; sort interactions by customer, then time");
        }
    }
    throw std::logic_error("interactions_valid and throw_first_bad_interaction disagree on " + file);
}

void CustomerBaseReader::close() {
    cols_.reset();
    if (file_) file_->close();
}

}  // namespace engage::io
