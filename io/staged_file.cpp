#include "io/staged_file.hpp"

#include <unistd.h>

#include <filesystem>

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
    });
    // Rank 0's process id names the staged file for every rank.
    staged_ = path + ".tmp-" + std::to_string(::getpid());
    comm.broadcast(staged_);
}

StagedFile::~StagedFile() {
    std::error_code ec;
    if (!committed_ && comm_.root()) fs::remove(staged_, ec);
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
