#pragma once
// The scratch files of `engage import` (docs/architecture.md, "Import at scale"). Pass 1: every
// rank parses its byte ranges of the logs and appends each good row to the bucket of its
// customer, a hash of the id, so that all the rows of a customer meet in one bucket whatever
// file, rank or byte range they came from. Pass 2: a bucket is read whole (the pieces of every
// rank), sorted, and its customers' interactions are written in order. The write then reads the
// sorted buckets back customer by customer. Local: no MPI, no HDF5.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/imported_base.hpp"
#include "io/transactions_csv.hpp"
#include "features/event.hpp"

namespace engage::io {

// The bucket of a row's customer among `buckets`. Ids that are whole numbers below 2^64 (of any
// --id-type) by value, others by their bytes: "00042" and "42" share a bucket, so that they
// meet whether --id-type auto decides for numbers (one customer) or strings (two).
std::uint32_t bucket_of(const Transaction& t, std::uint32_t buckets) noexcept;

// The file of bucket `bucket` written by rank `rank`, and the bucket's sorted interactions.
std::string bucket_path(const std::string& dir, std::uint32_t bucket, int rank);
std::string sorted_path(const std::string& dir, std::uint32_t bucket);

// What the rows of an import carry beyond customer, day, amount and channel, only when the
// options ask for it (docs/data-format.md): who initiated each row (1 byte more a row), and the
// interaction ids with the file and line of each row (for the messages of io/interaction_links).
struct RowFormat {
    bool initiator = false;
    bool ids = false;
};

// Pass 1, one rank: rows buffered per bucket (`buffer_bytes` in all) and appended to the
// rank's file of the bucket (created when its first rows are written). Throws IoError naming the
// file when it cannot be written (a full disk).
class BucketWriter {
public:
    BucketWriter(std::string dir, int rank, std::uint32_t buckets, std::uint64_t buffer_bytes,
                 RowFormat format = {});
    ~BucketWriter();
    BucketWriter(const BucketWriter&) = delete;
    BucketWriter& operator=(const BucketWriter&) = delete;

    void append(const Transaction& t);
    // With RowFormat::ids: the row's ids ("" none); its file is the one set by file().
    void append(const Transaction& t, std::string_view interaction, std::string_view answers);
    void file(std::uint16_t index) noexcept { file_ = index; }
    // Writes every buffer out and closes the files.
    void flush();
    std::uint64_t bytes() const noexcept { return bytes_; }  // encoded so far

private:
    void write_out(std::uint32_t bucket);
    std::string dir_;
    int rank_;
    std::size_t buffer_bytes_;  // per bucket
    std::vector<std::vector<char>> buffers_;
    std::vector<int> fds_;
    std::uint64_t bytes_ = 0;
    RowFormat format_;
    std::uint16_t file_ = 0;
};

// Pass 2: the rows of `bucket` from the files of ranks 0 .. ranks - 1 (a rank without rows there
// has no file); each file is removed once read. Rows carry id (by value when numeric), name,
// unix_day, amount and channel; not their line.
std::vector<Transaction> read_bucket(const std::string& dir, std::uint32_t bucket, int ranks);

// The same for rows written with `format`. With ids: each row's interaction id and answer, its
// file, and its line made the file's: `lines_before[file * ranks + rank]` is the number of lines
// of that file before the byte range of that rank.
struct BucketRows {
    std::vector<Transaction> rows;
    std::vector<std::string> interaction, answers;  // with ids
    std::vector<std::uint16_t> file;                // with ids
};
BucketRows read_bucket(const std::string& dir, std::uint32_t bucket, int ranks, RowFormat format,
                       const std::vector<std::uint64_t>& lines_before);

// One interaction of a sorted bucket, as written and read back.
struct SortedRows {
    std::vector<std::int64_t> time;
    std::vector<std::uint8_t> channel;
    std::vector<double> value;
    std::vector<std::uint8_t> initiator;  // when the base has them
    std::vector<std::uint32_t> answers;   // when the base has them
    void clear() noexcept {
        time.clear();
        channel.clear();
        value.clear();
        initiator.clear();
        answers.clear();
    }
};

// Writes a bucket's interactions, customers in order, to `path` (17 bytes a row, 1 more with
// initiators, 4 more with answers: non-empty spans, of the length of `time`).
void write_sorted(const std::string& path, std::span<const std::int64_t> time,
                  std::span<const std::uint8_t> channel, std::span<const double> value,
                  std::span<const std::uint8_t> initiator = {}, std::span<const std::uint32_t> answers = {});

// Reads a sorted bucket back from its start, `n` rows at a time, through a buffer of
// `buffer_bytes`. Removes the file when destroyed.
class SortedReader {
public:
    SortedReader(std::string path, std::size_t buffer_bytes, bool initiator = false, bool answers = false);
    ~SortedReader();
    SortedReader(const SortedReader&) = delete;
    SortedReader& operator=(const SortedReader&) = delete;
    // Appends the next `n` rows to `out`; throws IoError when the file ends before.
    void read(std::uint64_t n, SortedRows& out);

private:
    std::string path_;
    std::FILE* file_ = nullptr;
    std::vector<char> buffer_;
    bool initiator_, answers_;
};

// Pass 2 of one bucket: its rows (read_bucket) numbered (numeric ids by value; string ids, when
// `names` is not empty, by their rank in the sorted `names`), sorted by customer, day, channel
// and amount (a total order of what is kept, so that neither the order of the input nor the
// ranks' byte ranges change the result), built into customers by build_customer_base with
// `epoch_unix_day`, and their interactions written to sorted_path. Returns the customers in id
// order. A bucket without rows returns none and writes nothing.
//
// With `links`: rows carry initiators (written to the sorted file) and/or ids. With ids, each
// customer's rows are resolved (io/interaction_links.hpp): its bad rows are dropped and listed
// in `bad`, and the rows of one day are ordered by their depth first (every answer after what
// it answers), then as above, then by interaction id and answered id; the sorted file gets
// the answers (with links.answers).
struct BucketLinks {
    RowFormat format;
    bool answers = false;                      // the base stores answers
    std::vector<std::uint64_t> lines_before;   // see read_bucket
    std::vector<std::string> files;            // for messages
    std::string interaction_column, answers_column;
};
// A row dropped by the resolution: its file (index), line and why.
struct LinkBadRow {
    std::uint16_t file = 0;
    std::uint64_t line = 0;
    std::string reason;
};
struct BucketCustomers {
    std::vector<std::uint64_t> id;
    std::vector<kernels::Day> acquisition_day;
    std::vector<std::uint64_t> interactions;
    std::uint64_t merged_rows = 0;
    std::vector<LinkBadRow> bad;  // in file and line order
    std::int64_t first_unix_day = 0;  // earliest and latest date of the rows kept (with customers)
    std::int64_t last_unix_day = 0;
};
BucketCustomers sort_bucket(const std::string& dir, std::uint32_t bucket, int ranks,
                            const std::vector<std::string>& names, bool merge_same_day,
                            std::int64_t epoch_unix_day, const std::vector<Channel>& channels,
                            const BucketLinks& links = {});

// The interactions of every customer in the order of the output: customer k's `counts[k]` rows
// are the next ones of bucket `buckets[k]`'s sorted file (customers without interactions have a
// count of 0). Each sorted file is read through a buffer of `buffer_bytes` and removed at the end.
class BucketMerge {
public:
    BucketMerge(const std::string& dir, std::uint32_t buckets, std::size_t buffer_bytes,
                std::vector<std::uint32_t> bucket_of_customer, std::vector<std::uint64_t> counts,
                bool initiator = false, bool answers = false);
    // The next `n` rows (fewer at the end) into `out`, which is cleared first.
    void next(std::uint64_t n, SortedRows& out);

private:
    std::vector<std::unique_ptr<SortedReader>> readers_;
    std::vector<std::uint32_t> bucket_;
    std::vector<std::uint64_t> counts_;
    std::size_t customer_ = 0;
    std::uint64_t done_ = 0;  // rows of customer_ already read
};

}  // namespace engage::io
