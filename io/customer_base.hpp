#pragma once
// The Engage customer-base file (docs/data-format.md): schema constants, the reader that
// `engage score` uses and the writer that `engage generate` uses.
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "features/feature_pass.hpp"
#include "io/h5/file.hpp"
#include "io/direct_reader.hpp"
#include "io/mapped_file.hpp"

namespace engage::mpi { class Comm; }

namespace engage::io {

// Version 2 added the optional /interactions/initiator and /interactions/answers; files of
// version 1 are still read.
constexpr std::int64_t kSchemaVersion = 2;
constexpr std::int64_t kOldestSchemaVersion = 1;

// /interactions/initiator: who initiated an interaction.
enum class Initiator : std::uint8_t { customer = 0, company = 1 };

struct Channel {
    std::string name;
    kernels::ChannelKind kind;
};
// The default dictionary: code i is kernels::ChannelKind(i) (the customer's kinds, 0..13).
std::vector<Channel> default_channels();
// The default dictionary with the company's channels after it (offer, support_reply,
// idea_feedback: codes 14..16, kinds 14..16), for bases with company touches.
std::vector<Channel> default_channels_with_touches();

struct CustomerBaseMeta {
    std::string path;
    std::uint64_t customers = 0;
    std::uint64_t interactions = 0;
    std::string epoch;                 // "YYYY-MM-DD": time 0
    std::int64_t epoch_unix_day = 0;   // the epoch as days since 1970-01-01
    std::int64_t first_time = 0;       // seconds since the epoch, attributes of /interactions/time
    std::int64_t last_time = 0;
    std::vector<Channel> channels;     // code = index
    std::vector<std::string> rm_names, region_names, business_unit_names, segment_names;
    bool has_wallet = false;
    // The first day (since the epoch) from which the wallets were known: the wallet dataset's
    // attribute known_from (YYYY-MM-DD), or by default the last day of the data (the reader
    // always sets it; a writer states it only when set). A scoring date before it does not use
    // them (jobs/score_stages.cpp).
    std::optional<std::int64_t> wallet_known_from;
    bool has_truth = false;
    // False for a base imported from a log without amounts: its purchase values are 0 and mean
    // "unknown". Written as the root attribute amounts = "absent" and read back: the reports
    // then show revenue as unavailable (null in JSON, empty in CSV), not 0.
    bool has_amounts = true;
    // The optional interaction columns of schema version 2 (docs/data-format.md, "Who initiated
    // an interaction, and what it answers"); each may be present without the other.
    bool has_initiator = false;
    bool has_answers = false;
};

// The columns of a contiguous range of customers and all of their interactions.
struct CustomerShard {
    std::uint64_t first_customer = 0;
    std::uint64_t first_interaction = 0;
    std::vector<std::uint64_t> id;
    std::vector<kernels::Day> acquisition_day;
    std::vector<std::uint32_t> rm, region, business_unit;
    std::vector<std::uint8_t> segment;
    std::vector<double> wallet;              // empty when the file has no wallets
    std::vector<std::uint64_t> offsets;      // customers + 1, relative to first_interaction
    std::vector<std::int64_t> time;
    std::vector<std::uint8_t> channel;
    std::vector<double> value;
    std::vector<std::uint8_t> initiator;     // Initiator per interaction; empty when the file has none
    std::vector<std::uint32_t> answers;      // rows back to the interaction answered, 0: none; empty when none
    std::vector<double> truth;               // /truth/engagement; empty when the file has none
    std::vector<kernels::Day> truth_churn;   // /truth/churn_day; empty when the file has none

    // The interaction columns used in place: CustomerBaseReader::read_shard maps the input's
    // unfiltered columns (io/mapped_file.hpp) instead of copying them into time, channel and
    // value, which then stay empty. view() reads whichever holds the shard.
    struct Mapped {
        MappedRange time, channel, value;
        bool active = false;
    } mapped;

    std::size_t customers() const noexcept { return id.size(); }
    kernels::ShardView view() const noexcept {
        if (mapped.active)
            return {offsets, acquisition_day, mapped.time.as<std::int64_t>(), mapped.channel.as<std::uint8_t>(),
                    mapped.value.as<double>(), wallet, initiator, answers};
        return {offsets, acquisition_day, time, channel, value, wallet, initiator, answers};
    }
    std::uint64_t interactions() const noexcept { return offsets.empty() ? 0 : offsets.back(); }
};

// Whether every interaction of a shard's `customers` customers is valid: a channel code below
// `channels`, a finite value of magnitude at most 1e13, a time in [first_time, last_time], times
// sorted within each customer. Checked in `parts` contiguous shares of the rows on the OpenMP
// threads (the same answer for any number of parts); the reader names the first bad row itself.
bool interactions_valid(const kernels::ShardView& s, std::uint64_t customers, std::size_t channels,
                        std::int64_t first_time, std::int64_t last_time, std::int64_t parts) noexcept;

class CustomerBaseReader {
public:
    // Collective: opens the file and checks its schema (datasets, types, lengths, attributes,
    // dictionaries); throws DataError or IoError naming what is wrong.
    CustomerBaseReader(const mpi::Comm& comm, const std::string& path);
    ~CustomerBaseReader();

    const CustomerBaseMeta& meta() const noexcept { return meta_; }

    // Independent: /interactions/offsets rows [first, first + out.size()).
    void read_offsets(std::uint64_t first, std::span<std::uint64_t> out) const;

    // Independent: customers [c0, c1) and their interactions, checked row by row (ids sorted
    // and unique, offsets consistent, codes in range, values finite, times inside the file's
    // range and sorted per customer). Throws DataError naming the dataset and row.
    void read_shard(std::uint64_t c0, std::uint64_t c1, CustomerShard& out) const;
    // Independent, a hint: starts reading customers [c0, c1)'s columns from the disk and
    // returns, so that the rank's next read_shard of them does not wait for the disk while the
    // current shard is folded. Only where the interaction columns are used in place: into the
    // page cache where it held most of them when the file was opened (the customer columns too
    // where they are contiguous), otherwise the interaction columns past it into the reader's
    // own buffers (io/direct_reader.hpp). Errors are ignored.
    void prefetch(std::uint64_t c0, std::uint64_t c1) const noexcept;

    // Collective.
    void close();

private:
    void use_columns_in_place();
    bool interactions_valid(const CustomerShard& s, std::uint64_t customers) const noexcept;
    [[noreturn]] void throw_first_bad_interaction(const CustomerShard& s, std::uint64_t customers) const;
    void check_responses(const CustomerShard& s, std::uint64_t customers) const;
    struct Columns;
    // The interaction columns' byte offsets in the file when all three can be used in place
    // (unfiltered, contiguous, native, aligned, inside the file; ENGAGE_MAP_INPUT not 0).
    // `direct`: reads the shards past the page cache (io/direct_reader.hpp) when the page cache
    // did not hold the base when it was opened; null otherwise, or where the file system
    // refuses O_DIRECT.
    struct InPlace {
        MappedFile file;
        std::uint64_t time, channel, value;
        std::unique_ptr<DirectReader> direct;
        std::vector<DirectReader::Range> ranges(std::uint64_t at, std::uint64_t m) const {
            return {{time + at * sizeof(std::int64_t), m * sizeof(std::int64_t)},
                    {channel + at, m},
                    {value + at * sizeof(double), m * sizeof(double)}};
        }
    };
    std::unique_ptr<InPlace> in_place_;
    CustomerBaseMeta meta_;
    std::unique_ptr<h5::File> file_;
    std::unique_ptr<Columns> cols_;
};

// Writes a customer base: each rank writes its own contiguous customers and interactions.
// Without a codec every column is unfiltered and contiguous (docs/data-format.md), so rows can
// be written collectively (write_customers, write_interactions: every rank calls, possibly with
// empty columns) or independently (write_customer_rows, write_interaction_rows: any rank, any
// number of calls, no other rank involved). With a codec the columns are chunked
// (kBaseChunkRows rows) and filtered, and parallel HDF5 1.10 writes them only collectively:
// independent() is false and only the collective calls may be used. The constructor and
// finish() are collective.
constexpr std::uint64_t kBaseChunkRows = 1 << 16;

class CustomerBaseWriter {
public:
    // `planted`: the names of further float64 per-customer columns of /truth (with_truth only),
    // written with write_planted or write_planted_rows; the reader ignores them.
    CustomerBaseWriter(const mpi::Comm& comm, const std::string& path, const CustomerBaseMeta& meta,
                       bool with_truth, const h5::Compression& compression = {},
                       const std::vector<std::string>& planted = {});
    ~CustomerBaseWriter();

    // Whether write_customer_rows and write_interaction_rows may be used (no codec).
    bool independent() const noexcept { return !compression_.filtered(); }

    void write_customers(const CustomerShard& s, const std::vector<double>& engagement,
                         const std::vector<kernels::Day>& churn_day);
    // Rows [s.first_interaction, ...) of the interaction columns and, for offsets, rows
    // [s.first_customer, + customers) of /interactions/offsets (absolute values).
    void write_interactions(const CustomerShard& s);
    // Collective: rows [first, first + time.size()) of the interaction columns (the three spans
    // have the same length; empty on a rank with nothing to write). A job that streams its
    // interactions calls it once per block, every rank the same number of times.
    // `initiator` and `answers` are written where the meta declares them (then with the
    // length of `time`) and must be empty otherwise.
    void write_interaction_block(std::uint64_t first, std::span<const std::int64_t> time,
                                 std::span<const std::uint8_t> channel, std::span<const double> value,
                                 std::span<const std::uint8_t> initiator = {},
                                 std::span<const std::uint32_t> answers = {});
    // Collective: /customers/name, the original (string) id of each customer, entry i for
    // customer i; `names` has meta.customers entries, the same on every rank. Fixed-length UTF-8.
    void write_names(const std::vector<std::string>& names);

    // Independent: rows [s.first_customer, + s.customers()) of every per-customer column
    // (engagement and churn_day too when the file has /truth) and of /interactions/offsets, whose
    // values are s.first_interaction + s.offsets[i]. s's interaction columns are not written.
    void write_customer_rows(const CustomerShard& s, std::span<const double> engagement,
                             std::span<const kernels::Day> churn_day);
    // Independent: rows [first, first + time.size()) of the interaction columns; the three
    // spans have the same length.
    void write_interaction_rows(std::uint64_t first, std::span<const std::int64_t> time,
                                std::span<const std::uint8_t> channel, std::span<const double> value,
                                std::span<const std::uint8_t> initiator = {},
                                std::span<const std::uint32_t> answers = {});
    // Rows [first_customer, + rows.size()) of /truth/planted[k]: collective (every rank, possibly
    // with no rows) or independent (no codec).
    void write_planted(std::size_t k, std::uint64_t first_customer, std::span<const double> rows);
    void write_planted_rows(std::size_t k, std::uint64_t first_customer, std::span<const double> rows);
    // Collective: the final row of /interactions/offsets and the time range attributes.
    void finish(std::int64_t first_time, std::int64_t last_time);

private:
    void customer_columns(const CustomerShard& s, std::span<const double> engagement,
                          std::span<const kernels::Day> churn_day, bool independent);
    void offsets_column(const CustomerShard& s, bool independent);
    void interaction_columns(std::uint64_t first, std::span<const std::int64_t> time,
                             std::span<const std::uint8_t> channel, std::span<const double> value,
                             std::span<const std::uint8_t> initiator, std::span<const std::uint32_t> answers,
                             bool independent);
    struct Columns;
    const mpi::Comm& comm_;
    CustomerBaseMeta meta_;
    h5::Compression compression_;
    std::unique_ptr<h5::File> file_;
    std::unique_ptr<Columns> cols_;
};

}  // namespace engage::io
