#include "jobs/shard_plan.hpp"

#include <algorithm>
#include <span>
#include <tuple>

#include "io/customer_base.hpp"
#include "mpi/comm.hpp"

namespace engage::jobs {

namespace {
// Half-open range of boundary indices.
struct Range {
    std::uint64_t lo = 0, hi = 0;
    bool empty() const noexcept { return lo >= hi; }
};

Range intersect(Range a, Range b) noexcept { return {std::max(a.lo, b.lo), std::min(a.hi, b.hi)}; }

// The boundary indices rank `r` receives: those of its shards [first, last] except index
// `shards` (the end of the base), which every rank knows.
Range needed_by(std::size_t shards, int r, int ranks) noexcept {
    const auto [first, last] = partition::shards_of_rank(shards, r, ranks);
    return {first, std::min<std::uint64_t>(last + 1, shards)};
}
}  // namespace

ShardPlan plan_shards_parallel(const mpi::Comm& comm, const io::CustomerBaseReader& in,
                               const partition::ShardLimits& limits, std::uint64_t block_customers) {
    const std::uint64_t customers = in.meta().customers;  // the same on every rank: read collectively
    const int rank = comm.rank(), ranks = comm.size();
    ShardPlan plan;
    if (customers == 0) {  // one empty shard, as ShardPlanner plans it
        plan.shards = 1;
        std::tie(plan.first, plan.last) = partition::shards_of_rank(1, rank, ranks);
        plan.bounds.assign(plan.last - plan.first + 1, 0);
        return plan;
    }

    // This rank's blocks: boundary indices [owned.lo, owned.hi] of the whole plan, once numbered.
    const auto [b0, b1] =
        partition::shards_of_rank(partition::plan_block_count(customers, block_customers), rank, ranks);
    std::vector<std::uint64_t> mine;
    comm.agree([&] {
        mine = partition::plan_blocks([&](std::uint64_t at, std::span<std::uint64_t> out) { in.read_offsets(at, out); },
                                      customers, b0, b1, limits, block_customers);
    });

    // Shard numbers: the exclusive prefix sum of the ranks' shard counts. All of them are gathered
    // (8 bytes per rank), because every rank must know who planned the boundaries it needs and
    // to whom its own go.
    const std::vector<std::uint64_t> counts = comm.allgather(mine.size() - 1);
    std::vector<std::uint64_t> begin(std::size_t(ranks) + 1, 0);
    for (int q = 0; q < ranks; ++q) begin[q + 1] = begin[q] + counts[q];
    plan.shards = begin[ranks];
    std::tie(plan.first, plan.last) = partition::shards_of_rank(plan.shards, rank, ranks);
    plan.bounds.assign(plan.last - plan.first + 1, 0);
    if (plan.last == plan.shards) plan.bounds.back() = customers;

    // Who sends what: rank q planned boundary indices [begin[q], begin[q + 1]) (its last one,
    // begin[q + 1], is the next rank's first or the end). Both loops are arithmetic over the
    // ranks, with no communication; boundaries this rank planned for itself are copied.
    const Range owned{begin[rank], begin[rank + 1]};
    const Range needed = needed_by(plan.shards, rank, ranks);
    std::vector<mpi::SendTo> sends;
    std::vector<mpi::ReceiveFrom> receives;
    for (int q = 0; q < ranks; ++q) {
        const Range out = intersect(owned, needed_by(plan.shards, q, ranks));
        const Range in_q = intersect(needed, {begin[q], begin[q + 1]});
        if (q == rank) {
            if (!in_q.empty())
                std::copy(mine.begin() + std::ptrdiff_t(in_q.lo - owned.lo), mine.begin() + std::ptrdiff_t(in_q.hi - owned.lo),
                          plan.bounds.begin() + std::ptrdiff_t(in_q.lo - plan.first));
            continue;
        }
        if (!out.empty())
            sends.push_back({q, std::span<const std::uint64_t>(mine).subspan(out.lo - owned.lo, out.hi - out.lo)});
        if (!in_q.empty())
            receives.push_back({q, std::span(plan.bounds).subspan(in_q.lo - plan.first, in_q.hi - in_q.lo)});
    }
    comm.exchange(sends, receives);
    return plan;
}

}  // namespace engage::jobs
