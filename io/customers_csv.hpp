#pragma once
// customers.csv, the per-customer table of `engage score` (docs/data-format.md, section 4): one
// row per customer, in the input's order, with the original id, the attributes, the features,
// the raw signals, the engagement scores, tiers and trend, and the retention predictions (empty
// without --retention). Written after customers.h5 is complete, from it, in blocks of rows:
// block k is read back and formatted by rank k mod P and written at the byte offset that block
// k - 1 ends at, which its rank passes on (16 bytes per block). No rank holds more than a block
// of rows and its text, and no text goes through a scratch file; the file is the same bytes for
// any number of ranks, threads and block size.
#include <cstdint>
#include <string>
#include <vector>

namespace engage::mpi { class Comm; }

namespace engage::io {

// The header line's fields, in order; with `touches`, the /touches columns last (a customers.h5
// with the /touches group).
std::vector<std::string> customers_csv_columns(bool touches = false);
// accounts_at_risk.csv's (docs/data-format.md): the customers at risk only
// (kernels/report/accounts_at_risk.hpp), in the input's order, from the same customers.h5.
std::vector<std::string> accounts_at_risk_csv_columns();

struct CustomersCsvJob {
    std::string customers_h5;  // the complete customers.h5 (closed)
    std::string input;         // the customer base scored: its /customers/name, when present, is the id column
    std::string csv;           // where to write (the staged path)
    std::uint64_t block_rows = 65536;  // rows read back and formatted at a time
    bool accounts_at_risk = false;  // accounts_at_risk.csv rather than customers.csv
    std::uint64_t write_queue_bytes = 0;  // this rank's writes queued behind it (0: two stages, io/direct_file.hpp)
};

// Collective: every rank of `comm` calls it with the same job. Returns the file's size in bytes.
// Throws IoError or DataError on every rank.
std::uint64_t write_customers_csv(const mpi::Comm& comm, const CustomersCsvJob& job);

}  // namespace engage::io
