#pragma once
// The MPI layer: the only code besides io/h5/file.cpp that calls MPI. Every function here is
// collective over the communicator unless it says otherwise; every return code is checked.
#include <mpi.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace engage::mpi {

// Initialises MPI (MPI_THREAD_FUNNELED: only the main thread calls MPI and HDF5) and finalises
// it on destruction.
class Environment {
public:
    Environment(int& argc, char**& argv);
    ~Environment();
    Environment(const Environment&) = delete;
    Environment& operator=(const Environment&) = delete;
};

// What this rank handed to collective calls made through a Comm: the payload it contributes,
// independent of the algorithm MPI picks (a ring all-reduce of n bytes moves about 2n per rank on
// the wire; here it counts n). An all-reduce or scan counts its buffer on every rank, a broadcast
// counts its buffer on the root only, a barrier counts a call and no bytes. MPI-IO traffic inside
// HDF5 (io/h5/file.cpp) does not go through Comm and is not counted. A point-to-point `exchange`
// counts the words this rank sends, once, in bytes_sent and in exchange_bytes.
struct Traffic {
    std::int64_t collectives = 0;      // every collective call (MPI_Allreduce, MPI_Bcast, ...)
    std::int64_t bytes_sent = 0;       // their payload bytes from this rank, and its exchanges'
    std::int64_t allreduce_calls = 0;  // the all-reduces among them (agree's included)
    std::int64_t allreduce_bytes = 0;
    std::int64_t broadcast_calls = 0;  // the broadcasts among them (on every rank)
    std::int64_t broadcast_bytes = 0;  // bytes broadcast from this rank as the root
    std::int64_t reduce_calls = 0;     // the reductions to rank 0 among them
    std::int64_t reduce_bytes = 0;
    std::int64_t exchange_messages = 0;  // point-to-point sends of `exchange` from this rank
    std::int64_t exchange_bytes = 0;     // their payload bytes
};

// One piece of a point-to-point exchange (Comm::exchange): words to send to, or receive from, `rank`.
struct SendTo {
    int rank = 0;
    std::span<const std::uint64_t> words;
};
struct ReceiveFrom {
    int rank = 0;
    std::span<std::uint64_t> words;
};

class Comm {
public:
    static Comm world();
    // This process alone: for serial work such as a reference computation in a test.
    static Comm self();

    int rank() const noexcept { return rank_; }
    int size() const noexcept { return size_; }
    bool root() const noexcept { return rank_ == 0; }
    MPI_Comm native() const noexcept { return comm_; }

    void barrier() const;
    // In-place sums and maxima of 64-bit integers over all ranks (exact, order independent).
    void allreduce_sum(std::span<std::int64_t> values) const;
    void allreduce_max(std::span<std::int64_t> values) const;
    // The same, to rank 0 only: the values of the other ranks are left unspecified.
    void reduce_sum(std::span<std::int64_t> values) const;
    void reduce_max(std::span<std::int64_t> values) const;
    std::int64_t sum(std::int64_t v) const;
    std::int64_t max(std::int64_t v) const;
    double max(double v) const;
    // Sum of v over the ranks before this one (0 on rank 0).
    std::uint64_t exclusive_prefix_sum(std::uint64_t v) const;
    void broadcast(std::vector<std::uint64_t>& values, int root = 0) const;
    void broadcast(std::string& text, int root = 0) const;
    // Every rank's `v`, in rank order (MPI_Allgather; 8 bytes sent per rank, 8 x size received).
    std::vector<std::uint64_t> allgather(std::uint64_t v) const;

    // Point-to-point exchange of 64-bit words: sends every `sends[i].words` to `sends[i].rank`
    // (MPI_Isend, all posted first) and fills every `receives[j].words` from `receives[j].rank`
    // (in order, MPI_Mprobe + MPI_Mrecv). Not a collective, but every rank that another sends to
    // or receives from must call it in the same phase, and the pieces one rank sends to another
    // must match, in order and length, the pieces that one receives from it (a missing piece
    // waits forever; a piece of another length throws MpiError once every piece has arrived).
    // Pieces to or from this rank itself are allowed. Returns when every piece has arrived and
    // every send buffer is free.
    void exchange(std::span<const SendTo> sends, std::span<const ReceiveFrom> receives) const;

    // Runs `work` on every rank, then makes every rank agree on the outcome: if any rank threw,
    // every rank throws the error of the lowest failing rank (same type, same text). Call it
    // around each phase so that no rank enters a collective that another has abandoned.
    void agree(const std::function<void()>& work) const;

    // This rank's collective traffic through this Comm and its copies since it was created
    // (local, not collective; plain counters, updated by the main thread only).
    const Traffic& traffic() const noexcept { return *traffic_; }

private:
    explicit Comm(MPI_Comm c);
    void count_allreduce(std::size_t bytes) const;
    void reduce(std::span<std::int64_t> values, MPI_Op op, const char* what) const;
    void count_broadcast(std::size_t bytes, int root) const;
    MPI_Comm comm_;
    std::shared_ptr<Traffic> traffic_ = std::make_shared<Traffic>();
    int rank_ = 0;
    int size_ = 1;
};

// Reduces a mergeable state over all ranks in place. The state exposes its integer sums and
// maxima as flat spans (sum_words(), max_words()); integer sums make the result exact and
// independent of the reduction tree.
template <class State>
void allreduce_state(const Comm& comm, State& state) {
    comm.allreduce_sum(state.sum_words());
    comm.allreduce_max(state.max_words());
}

// The same to rank 0 only, for a state that only rank 0 reads (a report's summaries): the
// other ranks' states are left unspecified.
template <class State>
void reduce_state(const Comm& comm, State& state) {
    comm.reduce_sum(state.sum_words());
    comm.reduce_max(state.max_words());
}

// The same to rank 0 for a state that is merged rather than summed (bounded top lists per group,
// kernels/report/accounts_at_risk.hpp): the states travel up a binomial tree by point-to-point
// `exchange`, in pieces of whole groups of at most `piece_words` words, so that a rank holds at
// most one piece of another rank's state at a time. The state gives words() (the same length on
// every rank), group_words() (words per group) and merge_words(words, first_group), which must be
// associative and commutative, so that the result does not depend on the tree. The other ranks'
// states are left unspecified.
template <class State>
void reduce_merged(const Comm& comm, State& state, std::size_t piece_words = std::size_t(1) << 20) {
    const std::size_t per_group = std::max<std::size_t>(1, state.group_words());
    const std::size_t groups_per_piece = std::max<std::size_t>(1, piece_words / per_group);
    const std::size_t groups = state.words().size() / per_group;
    std::vector<std::int64_t> received;
    const int r = comm.rank();
    for (int step = 1; step < comm.size(); step *= 2) {
        const bool sends = r % (2 * step) == step, receives = r % (2 * step) == 0 && r + step < comm.size();
        if (!sends && !receives) continue;
        for (std::size_t g = 0; g < groups; g += groups_per_piece) {
            const std::size_t n = std::min(groups_per_piece, groups - g) * per_group;
            const auto words = state.words().subspan(g * per_group, n);
            if (sends) {
                const SendTo to{r - step, {reinterpret_cast<const std::uint64_t*>(words.data()), n}};
                comm.exchange({&to, 1}, {});
            } else {
                received.resize(n);
                const ReceiveFrom from{r + step, {reinterpret_cast<std::uint64_t*>(received.data()), n}};
                comm.exchange({}, {&from, 1});
                state.merge_words(received, g);
            }
        }
    }
}

}  // namespace engage::mpi
