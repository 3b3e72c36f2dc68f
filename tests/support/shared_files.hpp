#pragma once
// Files of an MPI test: a temporary directory that rank 0 creates and every rank knows, and a
// whole file read back for byte-for-byte comparisons.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "mpi/comm.hpp"

namespace engage::testing_support {

// Collective: a fresh directory under the test's temporary directory, named after `prefix`.
inline std::string shared_temp_dir(const mpi::Comm& comm, const std::string& prefix) {
    std::string dir;
    if (comm.root()) {
        std::string pattern = ::testing::TempDir() + "/" + prefix + "_XXXXXX";
        dir = ::mkdtemp(pattern.data());
    }
    comm.broadcast(dir);
    return dir;
}

inline std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace engage::testing_support
