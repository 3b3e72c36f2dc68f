#include "jobs/import_gather.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <span>
#include <stdexcept>

#include "mpi/comm.hpp"

namespace engage::jobs::import {

void broadcast_lines(const mpi::Comm& comm, std::vector<std::string>& lines, int root) {
    std::string joined;
    if (comm.rank() == root)
        for (const auto& n : lines) joined += (joined.empty() ? "" : "\n") + n;
    comm.broadcast(joined, root);
    if (comm.rank() == root || joined.empty()) return;
    for (std::size_t b = 0;;) {
        const std::size_t e = joined.find('\n', b);
        lines.push_back(joined.substr(b, e == std::string::npos ? std::string::npos : e - b));
        if (e == std::string::npos) break;
        b = e + 1;
    }
}

// Collective: every rank's parse of its byte ranges becomes the parse of the whole files on
// rank 0: line numbers made the files' own (the lines of the ranks before added), the counts
// summed, and the first bad rows of every rank, in rank order (that is, line order), kept.
void gather_parse(const mpi::Comm& comm, std::vector<LogFile>& logs) {
    std::vector<std::int64_t> counts;
    for (auto& f : logs) {
        const auto lines = comm.allgather(f.parsed.lines);
        std::uint64_t before = 0;
        for (int r = 0; r < comm.rank(); ++r) before += lines[std::size_t(r)];
        for (auto& b : f.parsed.bad) b.line += before;
        counts.insert(counts.end(), {std::int64_t(f.parsed.data_lines), std::int64_t(f.parsed.bad_rows)});
    }
    comm.allreduce_sum(counts);
    for (int r = 1; r < comm.size(); ++r) {
        std::string text;  // file, line, length of the reason, the reason
        if (comm.rank() == r)
            for (std::size_t f = 0; f < logs.size(); ++f)
                for (const auto& b : logs[f].parsed.bad)
                    text += std::to_string(f) + " " + std::to_string(b.line) + " " + std::to_string(b.reason.size()) +
                            " " + b.reason;
        comm.broadcast(text, r);
        if (!comm.root()) continue;
        for (std::size_t at = 0; at < text.size();) {
            std::size_t f = 0, len = 0;
            std::uint64_t line = 0;
            int used = 0;
            unsigned long long number = 0;
            if (std::sscanf(text.c_str() + at, "%zu %llu %zu%n", &f, &number, &len, &used) != 3 || f >= logs.size())
                throw std::logic_error("gather_parse: a malformed bad-row message from rank " + std::to_string(r));
            line = number;
            at += std::size_t(used) + 1;  // the space before the reason
            auto& bad = logs[f].parsed.bad;
            if (bad.size() < io::kMaxReportedBadRows) bad.push_back({line, text.substr(at, len)});
            at += len;
        }
    }
    for (std::size_t f = 0; f < logs.size(); ++f) {
        logs[f].parsed.data_lines = std::uint64_t(counts[2 * f]);
        logs[f].parsed.bad_rows = std::uint64_t(counts[2 * f + 1]);
    }
}

// Collective: per file and rank, the lines of the file before that rank's byte range
// (entry file * size + rank), on every rank: the rows' line numbers made the files' own.
std::vector<std::uint64_t> lines_before(const mpi::Comm& comm, const std::vector<LogFile>& logs) {
    std::vector<std::uint64_t> out;
    for (const auto& f : logs) {
        const auto lines = comm.allgather(f.parsed.lines);
        std::uint64_t before = 0;
        for (int r = 0; r < comm.size(); ++r) {
            out.push_back(before);
            before += lines[std::size_t(r)];
        }
    }
    return out;
}

// Collective: the rows that the resolution of answers dropped on every rank (each rank's in
// file and line order) on rank 0, reported there ("row skipped" when `skipped` is decided
// later: they are printed by the caller) and added to the files' bad rows: counts summed, the
// first ones merged in line order. Returns the number of such rows (on every rank).
std::uint64_t gather_link_bad_rows(const mpi::Comm& comm, std::vector<LogFile>& logs,
                                   const std::vector<io::LinkBadRow>& mine, std::vector<io::LinkBadRow>& first) {
    std::vector<std::int64_t> counts(logs.size(), 0);
    for (const auto& b : mine) ++counts[b.file];
    comm.allreduce_sum(counts);
    for (int r = 0; r < comm.size(); ++r) {
        std::string text;  // file, line, length of the reason, the reason: the first ones of each file
        if (comm.rank() == r) {
            std::vector<std::size_t> shown(logs.size(), 0);
            for (const auto& b : mine)
                if (shown[b.file]++ < io::kMaxReportedBadRows)
                    text += std::to_string(b.file) + " " + std::to_string(b.line) + " " +
                            std::to_string(b.reason.size()) + " " + b.reason;
        }
        comm.broadcast(text, r);
        if (!comm.root()) continue;
        for (std::size_t at = 0; at < text.size();) {
            unsigned long long f = 0, line = 0;
            std::size_t len = 0;
            int used = 0;
            if (std::sscanf(text.c_str() + at, "%llu %llu %zu%n", &f, &line, &len, &used) != 3 || f >= logs.size())
                throw std::logic_error("gather_link_bad_rows: a malformed message from rank " + std::to_string(r));
            at += std::size_t(used) + 1;
            first.push_back({std::uint16_t(f), std::uint64_t(line), text.substr(at, len)});
            at += len;
        }
    }
    std::uint64_t total = 0;
    for (std::size_t f = 0; f < logs.size(); ++f) {
        total += std::uint64_t(counts[f]);
        logs[f].parsed.bad_rows += std::uint64_t(counts[f]);
    }
    if (!comm.root()) return total;
    std::sort(first.begin(), first.end(), [](const io::LinkBadRow& a, const io::LinkBadRow& b) {
        return a.file != b.file ? a.file < b.file : a.line < b.line;
    });
    std::vector<io::LinkBadRow> kept;
    std::vector<std::size_t> shown(logs.size(), 0);
    for (auto& b : first)
        if (shown[b.file]++ < io::kMaxReportedBadRows) kept.push_back(std::move(b));
    first = std::move(kept);
    // The files' first bad rows: those of the parse and these, in line order.
    for (std::size_t f = 0; f < logs.size(); ++f) {
        auto& bad = logs[f].parsed.bad;
        for (const auto& b : first)
            if (b.file == f) bad.push_back({b.line, b.reason});
        std::stable_sort(bad.begin(), bad.end(), [](const io::BadRow& a, const io::BadRow& b) { return a.line < b.line; });
        if (bad.size() > io::kMaxReportedBadRows) bad.resize(io::kMaxReportedBadRows);
    }
    return total;
}

// Collective: the distinct ids that every rank saw, sorted in byte order, on every rank.
std::vector<std::string> gather_names(const mpi::Comm& comm, const std::unordered_set<std::string>& seen) {
    std::vector<std::string> names;
    for (int r = 0; r < comm.size(); ++r) {
        std::vector<std::string> part;
        if (comm.rank() == r) {
            part.assign(seen.begin(), seen.end());
            std::sort(part.begin(), part.end());
        }
        broadcast_lines(comm, part, r);
        names.insert(names.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

// Collective: every rank's words, concatenated in rank order, on rank 0 (empty elsewhere).
std::vector<std::uint64_t> gather_to_root(const mpi::Comm& comm, const std::vector<std::uint64_t>& mine) {
    const auto sizes = comm.allgather(mine.size());
    std::vector<std::uint64_t> all;
    std::vector<mpi::ReceiveFrom> receives;
    if (comm.root()) {
        std::uint64_t total = 0;
        for (auto n : sizes) total += n;
        all.resize(total);
        std::uint64_t at = 0;
        for (int r = 0; r < comm.size(); ++r) {
            receives.push_back({r, std::span(all).subspan(at, sizes[std::size_t(r)])});
            at += sizes[std::size_t(r)];
        }
    }
    const mpi::SendTo send{0, mine};
    comm.exchange(std::span(&send, 1), receives);
    return all;
}

}  // namespace engage::jobs::import
