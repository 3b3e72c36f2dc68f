#pragma once
// `engage generate`: a synthetic customer base with planted ground truth (/truth), generated
// in parallel (each customer from its own random stream) and written collectively. The same
// seed gives the same file for any number of ranks and threads.
#include <string>

#include "io/h5/compression.hpp"
#include "jobs/run_record.hpp"
#include "synth/synthetic_base.hpp"

namespace engage::mpi { class Comm; }

namespace engage::jobs {

struct GenerateOptions {
    kernels::SynthConfig synth;
    std::string output;
    std::string epoch = "2021-01-01";  // day 0 of the generated history
    bool quiet = false;
    io::h5::Compression compression;  // of the base (--compression, --compression-level)
};

// Collective. Writes to a temporary name beside `output` and renames it when complete.
void run_generate(const mpi::Comm& comm, const GenerateOptions& options, const RunInfo& info);

}  // namespace engage::jobs
