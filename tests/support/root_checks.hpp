#pragma once
// Checks that only rank 0 makes, in a test run by every rank: a failed ASSERT (which returns)
// or an exception fails the test on rank 0 without skipping the collective calls that follow
// the checks, so that a failure is reported instead of hanging the other ranks.
#include <gtest/gtest.h>

#include <exception>

#include "mpi/comm.hpp"

namespace engage::testing_support {

template <class Checks>
void on_root(const mpi::Comm& comm, Checks&& checks) {
    if (!comm.root()) return;
    try {
        checks();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "exception: " << e.what();
    }
}

}  // namespace engage::testing_support
