#pragma once
// `engage import`: transaction logs (CSV or whitespace-separated text: customer id, date or
// timestamp, optionally amount and channel) converted into a customer base
// (docs/data-format.md). Every rank parses a byte range of every log into buckets of customers
// in scratch files, sorts its share of the buckets, and takes part in the collective write
// (docs/architecture.md, "engage import"): the logs need not be sorted nor fit in memory, and
// any number of ranks and any --memory-per-rank give the same file. A log carries no hierarchy:
// without an attribute file every customer gets the relationship manager "unassigned", the
// region "all", the business unit "all", the segment "unknown" and an unknown wallet (NaN);
// acquisition_day is the customer's first transaction day. An attribute file (--attributes,
// rank 0 reads it) gives these per customer (io/imported_hierarchy.hpp).
#include <string>
#include <vector>

#include "io/attributes_csv.hpp"
#include "io/bad_row_limit.hpp"
#include "io/transactions_csv.hpp"
#include "io/h5/compression.hpp"
#include "jobs/run_record.hpp"

namespace engage::mpi { class Comm; }

namespace engage::jobs {

struct ImportOptions {
    std::vector<std::string> transactions;  // the transaction logs to read, their rows merged
    std::string output;              // the customer base to write (HDF5)
    io::TransactionsCsvOptions csv;  // separator, header, columns, date format
    std::string channel_map;         // --channel-map: source labels to channels; empty: built-in
    // --attributes: the customer attribute file (hierarchy, wallet, acquisition date); empty:
    // none. Its id type, date format and plausible dates are set from `csv` by run_import.
    std::string attributes;
    io::AttributesCsvOptions attributes_csv;
    bool merge_same_day = false;     // one purchase per customer and day, amounts summed
    std::string epoch;               // YYYY-MM-DD; empty: January 1st of the earliest date's year
    bool quiet = false;              // no progress or summary (bad rows are still reported)
    io::BadRowLimit max_bad_rows;    // more bad rows than this: the import fails (default 1%)
    io::h5::Compression compression;  // of the base (--compression, --compression-level)
    // --memory-per-rank: the rows a rank sorts at once, its buffers and its write blocks are
    // sized to it; the rest waits in scratch files beside the output (the result does not change).
    std::uint64_t memory_per_rank = std::uint64_t(1) << 30;
};

// Collective. Each log is read with the same options, in any row order, (columns by name are looked up in each
// file's own header) and their good rows are merged. Bad rows are reported on stderr (rank 0),
// by file and line, and skipped while they stay within `max_bad_rows` (counted over all files).
// String ids (options.csv.id_type, io/transactions_csv.hpp): customers numbered 0..N-1 in byte
// order of their ids, which go to /customers/name. A file with no data rows, or none of them
// good, fails the import. The attribute file's bad rows are counted on their own against
// `max_bad_rows`; two rows of one customer in it fail the import. Throws DataError when no row is good or there are more bad rows than allowed, IoError when the log cannot be read or the output written, ConfigError when the
// options do not fit the file. Writes to a temporary name beside `output` and renames it when
// complete: on failure no partial file is left and an earlier file at `output` is untouched.
void run_import(const mpi::Comm& comm, const ImportOptions& options, const RunInfo& info);

}  // namespace engage::jobs
