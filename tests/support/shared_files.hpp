#pragma once
// Files of an MPI test: a temporary directory that rank 0 creates and every rank knows, a
// generated customer base in it, and a whole file read back for byte-for-byte comparisons.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "jobs/generate_job.hpp"
#include "jobs/import_job.hpp"
#include "mpi/comm.hpp"

namespace engage::testing_support {

// The directories shared_temp_dir made on this rank, removed when the test program exits (after
// every rank is done with them: MPI is finalised by then), so that runs leave nothing behind.
struct TempDirs {
    std::vector<std::string> made;
    ~TempDirs() {
        std::error_code ignored;
        for (const auto& d : made) std::filesystem::remove_all(d, ignored);
    }
};
inline TempDirs& temp_dirs() {
    static TempDirs dirs;
    return dirs;
}

// Collective: a fresh directory under the test's temporary directory, named after `prefix`;
// removed with its contents when the program exits.
inline std::string shared_temp_dir(const mpi::Comm& comm, const std::string& prefix) {
    std::string dir;
    if (comm.root()) {
        std::string pattern = ::testing::TempDir() + "/" + prefix + "_XXXXXX";
        dir = ::mkdtemp(pattern.data());
        temp_dirs().made.push_back(dir);
    }
    comm.broadcast(dir);
    return dir;
}

// Collective: writes a generated customer base DIR/base.h5 and returns its path.
inline std::string generated_base(const mpi::Comm& comm, const std::string& dir, std::uint64_t customers,
                                  std::uint64_t seed, double mean_interactions = jobs::GenerateOptions{}.synth.mean_interactions) {
    jobs::GenerateOptions g;
    g.synth.customers = customers;
    g.synth.seed = seed;
    g.synth.mean_interactions = mean_interactions;
    g.output = dir + "/base.h5";
    g.quiet = true;
    jobs::run_generate(comm, g, {"test", "test"});
    return g.output;
}

// Collective: imports the CDNOW sample (the text file at `sample`: master id, id, date, quantity,
// amount) into DIR/sample.h5 with the sample's own customer ids and purchases merged per day, as
// the published fits use it, and returns its path.
inline std::string imported_cdnow_sample(const mpi::Comm& comm, const std::string& dir, const std::string& sample) {
    jobs::ImportOptions im;
    im.transactions = {sample};
    im.output = dir + "/sample.h5";
    // Columns by number (GCC 12 warns, wrongly, of overlapping copies when short literals are
    // assigned here: PR 105651).
    im.csv.id_column = std::to_string(2);
    im.csv.date_column = std::to_string(3);
    im.csv.amount_column = std::to_string(5);
    im.merge_same_day = true;
    im.quiet = true;
    jobs::run_import(comm, im, {"test", "test"});
    return im.output;
}

inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace engage::testing_support
