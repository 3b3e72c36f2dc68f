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
#include <vector>

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

// Pass 1, one rank: rows buffered per bucket (`buffer_bytes` in all) and appended to the
// rank's file of the bucket (created when its first rows are written). Throws IoError naming the
// file when it cannot be written (a full disk).
class BucketWriter {
public:
    BucketWriter(std::string dir, int rank, std::uint32_t buckets, std::uint64_t buffer_bytes);
    ~BucketWriter();
    BucketWriter(const BucketWriter&) = delete;
    BucketWriter& operator=(const BucketWriter&) = delete;

    void append(const Transaction& t);
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
};

// Pass 2: the rows of `bucket` from the files of ranks 0 .. ranks - 1 (a rank without rows there
// has no file); each file is removed once read. Rows carry id (by value when numeric), name,
// unix_day, amount and channel; not their line.
std::vector<Transaction> read_bucket(const std::string& dir, std::uint32_t bucket, int ranks);

// One interaction of a sorted bucket, as written and read back.
struct SortedRows {
    std::vector<std::int64_t> time;
    std::vector<std::uint8_t> channel;
    std::vector<double> value;
    void clear() noexcept {
        time.clear();
        channel.clear();
        value.clear();
    }
};

// Writes a bucket's interactions, customers in order, to `path` (17 bytes a row).
void write_sorted(const std::string& path, std::span<const std::int64_t> time,
                  std::span<const std::uint8_t> channel, std::span<const double> value);

// Reads a sorted bucket back from its start, `n` rows at a time, through a buffer of
// `buffer_bytes`. Removes the file when destroyed.
class SortedReader {
public:
    SortedReader(std::string path, std::size_t buffer_bytes);
    ~SortedReader();
    SortedReader(const SortedReader&) = delete;
    SortedReader& operator=(const SortedReader&) = delete;
    // Appends the next `n` rows to `out`; throws IoError when the file ends before.
    void read(std::uint64_t n, SortedRows& out);

private:
    std::string path_;
    std::FILE* file_ = nullptr;
    std::vector<char> buffer_;
};

// Pass 2 of one bucket: its rows (read_bucket) numbered (numeric ids by value; string ids, when
// `names` is not empty, by their rank in the sorted `names`), sorted by customer, day, channel
// and amount (a total order of what is kept, so that neither the order of the input nor the
// ranks' byte ranges change the result), built into customers by build_customer_base with
// `epoch_unix_day`, and their interactions written to sorted_path. Returns the customers in id
// order. A bucket without rows returns none and writes nothing.
struct BucketCustomers {
    std::vector<std::uint64_t> id;
    std::vector<kernels::Day> acquisition_day;
    std::vector<std::uint64_t> interactions;
    std::uint64_t merged_rows = 0;
};
BucketCustomers sort_bucket(const std::string& dir, std::uint32_t bucket, int ranks,
                            const std::vector<std::string>& names, bool merge_same_day,
                            std::int64_t epoch_unix_day, const std::vector<Channel>& channels);

// The interactions of every customer in the order of the output: customer k's `counts[k]` rows
// are the next ones of bucket `buckets[k]`'s sorted file (customers without interactions have a
// count of 0). Each sorted file is read through a buffer of `buffer_bytes` and removed at the end.
class BucketMerge {
public:
    BucketMerge(const std::string& dir, std::uint32_t buckets, std::size_t buffer_bytes,
                std::vector<std::uint32_t> bucket_of_customer, std::vector<std::uint64_t> counts);
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
