// engage: environment -> command line -> job -> exit code.
#include <cstdio>
#include <string>

#include "cli/command_line.hpp"
#include "core/errors.hpp"
#include "core/heap.hpp"
#include "core/version.hpp"
#include "io/h5/filters.hpp"
#include "io/h5/library.hpp"
#include "mpi/comm.hpp"

namespace {

template <class... F>
struct Visitor : F... { using F::operator()...; };

std::string joined(int argc, char** argv) {
    std::string s;
    for (int i = 0; i < argc; ++i) s += (i ? " " : "") + std::string(argv[i]);
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    engage::keep_freed_memory();  // before MPI and HDF5 allocate (core/heap.hpp)
    engage::mpi::Environment env(argc, argv);
    const auto comm = engage::mpi::Comm::world();
    engage::io::h5::silence_automatic_error_printing();
    const engage::jobs::RunInfo info{joined(argc, argv), engage::kVersion};
    try {
        engage::io::h5::register_filters();  // zstd and LZ4 (io/h5/filters.hpp)
        const auto command = engage::cli::parse_command_line(argc, argv);
        std::visit(Visitor{
                       [&](const engage::cli::HelpRequest& h) { if (comm.root()) std::fputs(h.text.c_str(), stdout); },
                       [&](const engage::jobs::GenerateOptions& o) { engage::jobs::run_generate(comm, o, info); },
                       [&](const engage::jobs::ScoreOptions& o) { engage::jobs::run_score(comm, o, info); },
                       [&](const engage::jobs::ImportOptions& o) { engage::jobs::run_import(comm, o, info); },
                   },
                   command);
        return 0;
    } catch (const engage::Interrupted& e) {  // stopped on request at a checkpoint: not an error
        if (comm.root()) std::fprintf(stderr, "engage: %s\n", e.what());
        return int(e.exit_code());
    } catch (const engage::Error& e) {
        if (comm.root()) std::fprintf(stderr, "engage: error: %s\n", e.what());
        return int(e.exit_code());
    } catch (const std::exception& e) {
        if (comm.root()) std::fprintf(stderr, "engage: internal error: %s\n", e.what());
        return int(engage::ExitCode::internal);
    }
}
