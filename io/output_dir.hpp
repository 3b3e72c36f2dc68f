#pragma once
// An output directory filled atomically: files are written into a hidden temporary directory
// beside them and renamed into place only when the whole run has succeeded. On failure the
// temporary directory is removed, and so are the directories the run created, and earlier
// outputs at the same path stay as they were. Files are renamed one by one: a run killed in the
// middle of the commit can leave new and earlier files side by side (run.json is moved last).
// A run killed outright (SIGKILL) leaves its temporary directory behind; the next successful
// commit in the same directory removes it. One run at a time: rank 0 claims the directory
// (DIR/.engage-lock, io/output_claim.hpp) and a second run there fails at once (ConfigError).
#include <memory>
#include <string>
#include <vector>

#include "io/output_claim.hpp"

namespace engage::mpi { class Comm; }

namespace engage::io {

class OutputDir {
public:
    // Collective. Rank 0 creates `dir` (and parents), claims it and creates a temporary
    // directory inside it; throws IoError on every rank when that is not possible, ConfigError
    // when another job holds the claim (the directories this run created are removed again).
    OutputDir(const mpi::Comm& comm, const std::string& dir);
    // Rank 0 removes the temporary directory unless commit() succeeded.
    ~OutputDir();
    OutputDir(const OutputDir&) = delete;
    OutputDir& operator=(const OutputDir&) = delete;

    // Where to write `name` before the commit (the same path on every rank).
    std::string staged(const std::string& name) const { return tmp_ + "/" + name; }
    // The temporary directory itself (also for scratch files that are never committed).
    const std::string& staging_dir() const noexcept { return tmp_; }
    // Where `name` lands.
    std::string final_path(const std::string& name) const { return dir_ + "/" + name; }

    // Collective. Rank 0 renames every staged file into place.
    void commit(const std::vector<std::string>& names);
    // Collective, on a failure before commit(), before the HDF5 files being staged are closed:
    // rank 0 truncates every staged file to nothing, so that closing them (a collective flush)
    // finds room on a full disk instead of failing on one rank and leaving the others waiting.
    void abandon() noexcept;

private:
    const mpi::Comm& comm_;
    std::string dir_, tmp_;
    std::vector<std::string> created_;  // directories this run created, innermost first (rank 0)
    bool committed_ = false;
    std::unique_ptr<OutputClaim> claim_;  // rank 0; released last
};

}  // namespace engage::io
