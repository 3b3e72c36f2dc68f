#include "io/output_dir.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/errors.hpp"
#include "mpi/comm.hpp"

namespace engage::io {

namespace fs = std::filesystem;

OutputDir::OutputDir(const mpi::Comm& comm, const std::string& dir) : comm_(comm), dir_(dir) {
    std::string tmp;
    comm.agree([&] {
        if (!comm.root()) return;
        std::error_code ec;
        // Remember which directories this run creates, to remove them again if it fails.
        for (fs::path p = fs::absolute(dir, ec); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
            created_.push_back(p.string());
            if (p == p.parent_path()) break;
        }
        try {
            fs::create_directories(dir, ec);
            if (ec || !fs::is_directory(dir))
                throw IoError(dir + ": cannot create the output directory (" +
                              (ec ? ec.message() : std::string("a file of that name exists")) +
                              "); choose a writable path for --output");
            claim_ = std::make_unique<OutputClaim>(dir + "/.engage-lock", "output directory " + dir);
            tmp = dir + "/.engage-tmp-" + std::to_string(::getpid());
            fs::remove_all(tmp, ec);
            fs::create_directory(tmp, ec);
            const std::string probe = tmp + "/.probe";
            if (ec || !std::ofstream(probe).good())
                throw IoError(dir + ": output directory is not writable (" +
                              (ec ? ec.message() : std::string("permission denied")) +
                              "); choose a writable path for --output or fix its permissions");
            fs::remove(probe, ec);
        } catch (...) {
            // The destructor does not run for a constructor that throws: undo here.
            if (!tmp.empty()) fs::remove_all(tmp, ec);
            claim_.reset();
            for (const auto& d : created_) fs::remove(d, ec);
            throw;
        }
    });
    comm.broadcast(tmp);
    tmp_ = tmp;
}

namespace {
// Removes a directory tree. After a failure the other ranks may still be removing their scratch
// files from it (io/spill_store.hpp), and a file that vanishes under remove_all makes it fail:
// it is retried until the tree is gone, for up to a second.
void remove_tree(const std::string& path) {
    for (int attempt = 0; attempt < 50; ++attempt) {
        std::error_code ec;
        fs::remove_all(path, ec);
        if (!fs::exists(path, ec) && !ec) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}
}  // namespace

OutputDir::~OutputDir() {
    if (committed_ || !comm_.root()) return;
    std::error_code ec;
    if (!tmp_.empty()) remove_tree(tmp_);
    claim_.reset();  // its file too, before the directories this run created
    for (const auto& d : created_) fs::remove(d, ec);  // innermost first; only while empty
}

void OutputDir::abandon() noexcept {
    if (comm_.root() && !tmp_.empty()) {
        std::error_code ec;
        for (const auto& e : fs::recursive_directory_iterator(tmp_, ec))
            if (e.is_regular_file(ec)) (void)::truncate(e.path().c_str(), 0);
    }
    try {
        comm_.barrier();
    } catch (...) {
    }
}

void OutputDir::commit(const std::vector<std::string>& names) {
    comm_.agree([&] {
        if (!comm_.root()) return;
        for (const auto& n : names) {
            std::error_code ec;
            fs::rename(staged(n), final_path(n), ec);
            if (ec)
                throw IoError(final_path(n) + ": cannot move the finished output into place (" +
                              ec.message() + ")");
        }
        std::error_code ec;
        fs::remove_all(tmp_, ec);
        // Staging directories of earlier runs that were killed (SIGKILL, a node lost) and could
        // not clean up: their partial files would otherwise stay for ever.
        for (const auto& e : fs::directory_iterator(dir_, ec))
            if (e.path().filename().string().starts_with(".engage-tmp-")) fs::remove_all(e.path(), ec);
    });
    committed_ = true;
}

}  // namespace engage::io
