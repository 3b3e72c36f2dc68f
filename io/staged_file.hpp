#pragma once
// One output file written under a temporary name beside its final path and renamed into place
// only when complete: a failed run leaves no partial file, and an earlier file at the same path
// stays as it was. One job per path: rank 0 claims it (PATH.engage-lock, io/output_claim.hpp)
// for the whole job, and removes the staged files that killed jobs left at the path
// (PATH.tmp-PID): once claimed, nobody else writes them.
#include <memory>
#include <string>

#include "io/output_claim.hpp"

namespace engage::mpi { class Comm; }

namespace engage::io {

class StagedFile {
public:
    // Collective. Throws IoError (on every rank) when the directory of `path` does not exist,
    // ConfigError when another job holds the claim on `path`.
    StagedFile(const mpi::Comm& comm, const std::string& path);
    // Rank 0 removes the staged file unless commit() succeeded.
    ~StagedFile();
    StagedFile(const StagedFile&) = delete;
    StagedFile& operator=(const StagedFile&) = delete;

    // Where to write (the same path on every rank).
    const std::string& staged() const noexcept { return staged_; }
    // Collective: rank 0 renames the staged file to the final path.
    void commit();
    // Collective, on a failure before commit(), before the HDF5 file on it is closed: rank 0
    // truncates the staged file to nothing, so that closing it (a collective flush) finds room
    // on a full disk instead of failing on one rank and leaving the others in a collective.
    void abandon() noexcept;

private:
    const mpi::Comm& comm_;
    std::string path_, staged_;
    bool committed_ = false;
    std::unique_ptr<OutputClaim> claim_;  // rank 0; released last
};

}  // namespace engage::io
