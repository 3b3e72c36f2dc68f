// The MPI layer at 1-4 ranks: agreement on errors, prefix sums and the state all-reduce.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/errors.hpp"
#include "mpi/comm.hpp"
#include "report/accounts_at_risk.hpp"
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

TEST(Comm, AllgatherIsInRankOrder) {
    const auto comm = Comm::world();
    const std::vector<std::uint64_t> all = comm.allgather(std::uint64_t(10 * comm.rank() + 1));
    ASSERT_EQ(all.size(), std::size_t(comm.size()));
    for (int q = 0; q < comm.size(); ++q) EXPECT_EQ(all[q], std::uint64_t(10 * q + 1));
}

TEST(Comm, ExchangeMatchesPiecesInOrderIncludingToItself) {
    const auto comm = Comm::world();
    const int p = comm.size(), r = comm.rank(), next = (r + 1) % p, prev = (r + p - 1) % p;
    // Two pieces to the next rank (lengths 3 and 1), then one to itself (length 2): at one rank all
    // three go to itself, and are received in the order sent.
    const std::vector<std::uint64_t> a{std::uint64_t(r), 100u + r, 200u + r}, b{300u + r}, self{7, 8};
    std::vector<std::uint64_t> got_a(3), got_b(1), got_self(2);
    const SendTo sends[] = {{next, a}, {next, b}, {r, self}};
    const ReceiveFrom receives[] = {{prev, got_a}, {prev, got_b}, {r, got_self}};
    const std::int64_t before = comm.traffic().exchange_bytes;
    comm.exchange(sends, receives);
    EXPECT_EQ(got_a, (std::vector<std::uint64_t>{std::uint64_t(prev), 100u + prev, 200u + prev}));
    EXPECT_EQ(got_b, (std::vector<std::uint64_t>{300u + prev}));
    EXPECT_EQ(got_self, self);
    EXPECT_EQ(comm.traffic().exchange_bytes - before, 8 * 6);
    comm.exchange({}, {});  // nothing to do: returns at once
}

TEST(Comm, ExchangeThrowsWhenPiecesDoNotMatch) {
    const auto comm = Comm::world();  // each rank with itself only, so no rank waits on another
    const std::vector<std::uint64_t> three{1, 2, 3}, one{4};
    std::vector<std::uint64_t> two(2);
    const SendTo longer[] = {{comm.rank(), three}}, shorter[] = {{comm.rank(), one}};
    const ReceiveFrom receive[] = {{comm.rank(), two}};
    EXPECT_THROW(comm.exchange(longer, receive), MpiError);
    EXPECT_THROW(comm.exchange(shorter, receive), MpiError);
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

// Top lists merged up the tree (reduce_merged): the accounts of a hand-made base dealt round-robin
// to the ranks give, at rank 0, exactly the serial list at any number of ranks.
TEST(Comm, ReduceMergedTopListsEqualTheSerialList) {
    const auto comm = Comm::world();
    kernels::TopAccounts mine(2, 4);
    for (std::uint64_t id = 0; id < 40; ++id) {
        if (int(id % std::uint64_t(comm.size())) != comm.rank()) continue;
        kernels::AtRiskAccount a;
        a.id = id;
        a.revenue_cents = std::int64_t(id % 7) * 100;  // ties: ids 6, 13, 20, 27, 34 all hold 600
        mine.offer(id % 2, a);
    }
    reduce_merged(comm, mine);
    if (!comm.root()) return;
    auto ids = [&](std::size_t g) {
        std::vector<std::uint64_t> out;
        for (const auto& a : mine.group(g)) out.push_back(a.id);
        return out;
    };
    // Even ids with id % 7 == 6: 6, 20, 34; then 5: 12, 26 (the first by id). Odd: 13, 27, then 5: 5, 19.
    EXPECT_EQ(ids(0), (std::vector<std::uint64_t>{6, 20, 34, 12}));
    EXPECT_EQ(ids(1), (std::vector<std::uint64_t>{13, 27, 5, 19}));
}

}  // namespace
}  // namespace engage::mpi
