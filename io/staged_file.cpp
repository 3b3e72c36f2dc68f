#include "io/staged_file.hpp"

#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <vector>

#include "core/errors.hpp"
#include "mpi/comm.hpp"

namespace engage::io {

namespace fs = std::filesystem;

StagedFile::StagedFile(const mpi::Comm& comm, const std::string& path) : comm_(comm), path_(path) {
    comm.agree([&] {
        const auto parent = fs::path(path).parent_path();
        std::error_code ec;
        if (!parent.empty() && !fs::is_directory(parent, ec))
            throw IoError(path + ": directory " + parent.string() + " does not exist; create it or choose "
                                 "another --output");
        if (!comm.root()) return;
        claim_ = std::make_unique<OutputClaim>(path + ".engage-lock", "output file " + path);
        // Staged files of earlier jobs at this path that were killed before they could remove
        // them (PATH.tmp-PID, and the PATH.tmp-PID-*.lock of Open MPI's shared file pointers):
        // nobody else writes them while we hold the claim.
        const std::string prefix = fs::path(path).filename().string() + ".tmp-";
        std::vector<fs::path> stale;
        for (const auto& e : fs::directory_iterator(parent.empty() ? fs::path(".") : parent, ec)) {
            const std::string name = e.path().filename().string();
            if (name.starts_with(prefix) && name.size() > prefix.size() &&
                std::isdigit(static_cast<unsigned char>(name[prefix.size()])))
                stale.push_back(e.path());
        }
        for (const auto& p : stale) fs::remove(p, ec);
    });
    // Rank 0's process id names the staged file for every rank.
    staged_ = path + ".tmp-" + std::to_string(::getpid());
    comm.broadcast(staged_);
}

StagedFile::~StagedFile() {
    std::error_code ec;
    if (!committed_ && comm_.root()) fs::remove(staged_, ec);
}

void StagedFile::abandon() noexcept {
    if (comm_.root()) (void)::truncate(staged_.c_str(), 0);
    try {
        comm_.barrier();
    } catch (...) {
    }
}

void StagedFile::commit() {
    comm_.agree([&] {
        if (!comm_.root()) return;
        std::error_code ec;
        fs::rename(staged_, path_, ec);
        if (ec) throw IoError(path_ + ": cannot move the finished file into place (" + ec.message() + ")");
    });
    committed_ = true;
}

}  // namespace engage::io
