#pragma once
// customers.csv, the per-customer table of `engage score` (docs/data-format.md, section 4): one
// row per customer, in the input's order, with the original id, the attributes, the features,
// the raw signals, the engagement scores, tiers and trend, and the retention predictions (empty
// without --retention). Written after customers.h5 is complete, from it: each rank reads its own
// contiguous range of customers back block by block, formats it, and writes its bytes at the
// offset the ranks before it leave (a prefix sum of byte counts), through MPI-IO. No rank holds
// more than a block of rows and at most `keep_bytes` of text (the rest waits in a scratch file of
// the rank); the file is the same bytes for any number of ranks, threads and block size.
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
    std::uint64_t first = 0;   // this rank's customers [first, last)
    std::uint64_t last = 0;
    std::uint64_t block_rows = 65536;
    std::uint64_t keep_bytes = 64 << 20;  // text of the first blocks kept between the count and the write
    std::string scratch;       // this rank's scratch file for the rest (local, removed when done)
    bool accounts_at_risk = false;  // accounts_at_risk.csv rather than customers.csv
};

// Collective: every rank of `comm` calls it, with its own range (contiguous, in rank order,
// covering the file's rows). Returns the file's size in bytes. Throws IoError or DataError on
// every rank.
std::uint64_t write_customers_csv(const mpi::Comm& comm, const CustomersCsvJob& job);

}  // namespace engage::io
