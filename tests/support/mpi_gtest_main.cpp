// GoogleTest under mpirun: MPI initialised once, results printed by rank 0 only, and the
// run fails on every rank if a test failed on any rank.
#include <gtest/gtest.h>

#include "mpi/comm.hpp"

int main(int argc, char** argv) {
    engage::mpi::Environment env(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    const auto comm = engage::mpi::Comm::world();
    if (!comm.root()) {
        auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
        delete listeners.Release(listeners.default_result_printer());
    }
    const int failed = RUN_ALL_TESTS() != 0 ? 1 : 0;
    const auto any = comm.max(std::int64_t(failed));
    if (any && comm.root() && !failed) std::fprintf(stderr, "a test failed on another rank\n");
    return any ? 1 : 0;
}
