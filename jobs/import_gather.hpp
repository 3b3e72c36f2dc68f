#pragma once
// The collectives of `engage import` (jobs/import_job.cpp): how the ranks' parses of their byte
// ranges of the transaction logs, the rows dropped by the resolution of answers, the string ids
// seen and the customers of the buckets come together, on rank 0 or on every rank, in rank
// order (that is, in the files' line order), so that the import is the same at any rank count.
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "io/import_buckets.hpp"
#include "io/transactions_csv.hpp"

namespace engage::mpi { class Comm; }

namespace engage::jobs::import {

// The bad rows of one input file: the first ones, with their line numbers, and how many.
struct BadRows {
    std::string path;
    const std::vector<io::BadRow>* first;
    std::uint64_t count = 0;
    std::uint64_t data_lines = 0;
};

// One transaction log as read.
struct LogFile {
    std::string path;
    io::ParsedTransactions parsed;
    BadRows bad_rows() const { return {path, &parsed.bad, parsed.bad_rows, parsed.data_lines}; }
    std::uint64_t good() const { return parsed.data_lines - parsed.bad_rows; }
};

// Collective: rank `root` sends `lines` (strings without a newline, the first of them not
// empty) to every rank, which appends them to its own `lines`.
void broadcast_lines(const mpi::Comm& comm, std::vector<std::string>& lines, int root = 0);

// Collective: every rank's parse of its byte ranges becomes the parse of the whole files on
// rank 0: line numbers made the files' own (the lines of the ranks before added), the counts
// summed, and the first bad rows of every rank, in rank order (that is, line order), kept.
void gather_parse(const mpi::Comm& comm, std::vector<LogFile>& logs);

// Collective: per file and rank, the lines of the file before that rank's byte range
// (entry file * size + rank), on every rank: the rows' line numbers made the files' own.
std::vector<std::uint64_t> lines_before(const mpi::Comm& comm, const std::vector<LogFile>& logs);

// Collective: the rows that the resolution of answers dropped on every rank (each rank's in
// file and line order) on rank 0, reported there ("row skipped" when `skipped` is decided
// later: they are printed by the caller) and added to the files' bad rows: counts summed, the
// first ones merged in line order. Returns the number of such rows (on every rank).
std::uint64_t gather_link_bad_rows(const mpi::Comm& comm, std::vector<LogFile>& logs,
                                   const std::vector<io::LinkBadRow>& mine, std::vector<io::LinkBadRow>& first);

// Collective: the distinct ids that every rank saw, sorted in byte order, on every rank.
std::vector<std::string> gather_names(const mpi::Comm& comm, const std::unordered_set<std::string>& seen);

// Collective: every rank's words, concatenated in rank order, on rank 0 (empty elsewhere).
std::vector<std::uint64_t> gather_to_root(const mpi::Comm& comm, const std::vector<std::uint64_t>& mine);

}  // namespace engage::jobs::import
