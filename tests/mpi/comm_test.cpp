// The MPI layer at 1-4 ranks: agreement on errors, prefix sums and the state all-reduce.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/errors.hpp"
#include "mpi/comm.hpp"
#include "report/score_summary.hpp"

namespace engage::mpi {
namespace {

TEST(Comm, AgreeRethrowsTheLowestFailingRanksErrorEverywhere) {
    const auto comm = Comm::world();
    EXPECT_NO_THROW(comm.agree([] {}));
    const int failing = comm.size() - 1;
    try {
        comm.agree([&] {
            if (comm.rank() == failing) throw DataError("bad row on rank " + std::to_string(comm.rank()));
            if (comm.rank() > failing) throw IoError("later rank");
        });
        FAIL() << "agree did not throw";
    } catch (const DataError& e) {
        EXPECT_EQ(std::string(e.what()), "bad row on rank " + std::to_string(failing));
    }
}

TEST(Comm, ExclusivePrefixSumAndBroadcast) {
    const auto comm = Comm::world();
    const std::uint64_t before = comm.exclusive_prefix_sum(std::uint64_t(comm.rank() + 1));
    EXPECT_EQ(before, std::uint64_t(comm.rank() * (comm.rank() + 1) / 2));
    std::vector<std::uint64_t> v;
    if (comm.root()) v = {3, 1, 4, 1, 5};
    comm.broadcast(v);
    EXPECT_EQ(v, (std::vector<std::uint64_t>{3, 1, 4, 1, 5}));
}

kernels::CustomerFeatures customer(int k) {
    kernels::CustomerFeatures c;
    c.tenure_days = k % 400 - 3;
    c.recency_days = k % 13 - 1;
    c.last_interaction_days = k % 7 - 1;
    c.frequency = std::uint32_t(k % 5);
    c.monetary_cents = 1999LL * (k % 37);
    c.interactions = std::uint32_t(k % 23);
    c.channel_count[k % 14] = 1;
    return c;
}

TEST(AllreduceState, EqualsTheSerialFoldExactly) {
    const auto comm = Comm::world();
    constexpr int kCustomers = 1001;
    kernels::ScoreSummary serial(3), mine(3);
    for (int k = 0; k < kCustomers; ++k) {
        serial.update(customer(k), std::uint32_t(k % 3));
        if (k * comm.size() / kCustomers == comm.rank()) mine.update(customer(k), std::uint32_t(k % 3));
    }
    allreduce_state(comm, mine);
    EXPECT_TRUE(std::ranges::equal(mine.sum_words(), serial.sum_words()));
    EXPECT_TRUE(std::ranges::equal(mine.max_words(), serial.max_words()));
}

}  // namespace
}  // namespace engage::mpi
