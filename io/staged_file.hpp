#pragma once
// One output file written under a temporary name beside its final path and renamed into place
// only when complete: a failed run leaves no partial file, and an earlier file at the same path
// stays as it was.
#include <string>

namespace engage::mpi { class Comm; }

namespace engage::io {

class StagedFile {
public:
    // Collective. Throws IoError (on every rank) when the directory of `path` does not exist.
    StagedFile(const mpi::Comm& comm, const std::string& path);
    // Rank 0 removes the staged file unless commit() succeeded.
    ~StagedFile();
    StagedFile(const StagedFile&) = delete;
    StagedFile& operator=(const StagedFile&) = delete;

    // Where to write (the same path on every rank).
    const std::string& staged() const noexcept { return staged_; }
    // Collective: rank 0 renames the staged file to the final path.
    void commit();

private:
    const mpi::Comm& comm_;
    std::string path_, staged_;
    bool committed_ = false;
};

}  // namespace engage::io
