// The bytes each rank hands to collectives (mpi::Traffic) and their summary in run.json, at 1-4
// ranks: known collectives must count exactly their payload.
#include <gtest/gtest.h>

#include <numeric>
#include <vector>

#include "core/phase_timer.hpp"
#include "jobs/run_record.hpp"
#include "mpi/comm.hpp"

namespace engage::mpi {
namespace {

TEST(Traffic, AnAllreduceOf1000WordsCounts8000BytesOnEveryRank) {
    const auto comm = Comm::world();  // a fresh Comm starts from zero
    EXPECT_EQ(comm.traffic().bytes_sent, 0);
    std::vector<std::int64_t> words(1000);
    std::iota(words.begin(), words.end(), std::int64_t(comm.rank()));
    comm.allreduce_sum(words);
    EXPECT_EQ(words[999], 999 * comm.size() + comm.size() * (comm.size() - 1) / 2);  // it did reduce
    const Traffic& t = comm.traffic();
    EXPECT_EQ(t.bytes_sent, 8000);
    EXPECT_EQ(t.allreduce_bytes, 8000);
    EXPECT_EQ(t.allreduce_calls, 1);
    EXPECT_EQ(t.collectives, 1);
    comm.allreduce_max(std::span(words.data(), 10));
    EXPECT_EQ(comm.max(1.5), 1.5);
    EXPECT_EQ(t.bytes_sent, 8000 + 80 + 8);
    EXPECT_EQ(t.allreduce_calls, 3);
}

TEST(Traffic, ABroadcastCountsOnItsRootOnly) {
    const auto comm = Comm::world();
    std::vector<std::uint64_t> v;
    if (comm.root()) v = {3, 1, 4, 1, 5};
    comm.broadcast(v);  // the length (8 bytes), then 5 words
    const Traffic& t = comm.traffic();
    EXPECT_EQ(t.broadcast_calls, 2);
    EXPECT_EQ(t.collectives, 2);
    EXPECT_EQ(t.bytes_sent, comm.root() ? 8 + 40 : 0);
    EXPECT_EQ(t.broadcast_bytes, t.bytes_sent);
    std::string text = comm.rank() == comm.size() - 1 ? "from the last rank" : "";
    comm.broadcast(text, comm.size() - 1);
    EXPECT_EQ(text, "from the last rank");
    EXPECT_EQ(t.bytes_sent, (comm.root() ? 48 : 0) + (comm.rank() == comm.size() - 1 ? 8 + 18 : 0));
    EXPECT_EQ(t.collectives, 4);
}

TEST(Traffic, AgreeScanAndBarrierAndCopiesShareTheCounter) {
    const auto comm = Comm::world();
    const Comm copy = comm;
    copy.agree([] {});                        // one all-reduce of an int
    (void)comm.exclusive_prefix_sum(7);        // 8 bytes
    copy.barrier();                            // a call, no bytes
    EXPECT_EQ(comm.traffic().bytes_sent, 4 + 8);
    EXPECT_EQ(comm.traffic().collectives, 3);
    EXPECT_EQ(comm.traffic().allreduce_calls, 1);
    EXPECT_EQ(&comm.traffic(), &copy.traffic());
}

TEST(Traffic, RunRecordReportsTheLargestAndMeanBytesPerRank) {
    const auto comm = Comm::world();
    std::vector<std::int64_t> words(1000, 1);
    comm.allreduce_sum(words);
    std::vector<std::uint64_t> v(10, 2);
    comm.broadcast(v);  // the root sends 8 + 80 bytes more
    PhaseTimer timer({"work"});
    const auto record = jobs::run_record(comm, {"test", "0"}, timer, nlohmann::ordered_json::object());
    const auto& c = record["communication"];
    const int p = comm.size();
    EXPECT_EQ(c["bytes_sent_per_rank_max"].get<std::int64_t>(), 8088);
    EXPECT_EQ(c["bytes_sent_per_rank_mean"].get<double>(), double(8088 + 8000 * (p - 1)) / p);
    EXPECT_EQ(c["allreduce_bytes_per_rank_max"].get<std::int64_t>(), 8000);
    EXPECT_EQ(c["broadcast_bytes_max_rank"].get<std::int64_t>(), 88);
    EXPECT_EQ(c["collectives"].get<std::int64_t>(), 3);
    EXPECT_EQ(c["allreduce_calls"].get<std::int64_t>(), 1);
    EXPECT_EQ(c["broadcast_calls"].get<std::int64_t>(), 2);
}

}  // namespace
}  // namespace engage::mpi
