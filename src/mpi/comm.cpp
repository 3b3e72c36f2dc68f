#include "mpi/comm.hpp"

#include <algorithm>
#include <climits>

#include "core/errors.hpp"

namespace engage::mpi {

namespace {
void check(int rc, const char* what) {
    if (rc == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    MPI_Error_string(rc, text, &len);
    throw MpiError(std::string("MPI error in ") + what + ": " + std::string(text, len));
}

// Large spans go in pieces of 16 MB: MPI counts are int, and a reduction's temporary buffers
// are as large as its message (Open MPI's root of an MPI_Reduce holds a second copy: 470 MB at
// 400,000 relationship managers in one piece).
template <class F>
void in_pieces(std::size_t n, F&& f) {
    constexpr std::size_t kPiece = std::size_t(1) << 21;
    for (std::size_t at = 0; at < n; at += kPiece) f(at, int(std::min(kPiece, n - at)));
}
}  // namespace

Environment::Environment(int& argc, char**& argv) {
    int provided = 0;
    check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    // Errors come back as return codes, which check() turns into MpiError.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

Environment::~Environment() { MPI_Finalize(); }

Comm::Comm(MPI_Comm c) : comm_(c) {
    check(MPI_Comm_rank(c, &rank_), "MPI_Comm_rank");
    check(MPI_Comm_size(c, &size_), "MPI_Comm_size");
}

void Comm::count_allreduce(std::size_t bytes) const {
    ++traffic_->collectives;
    ++traffic_->allreduce_calls;
    traffic_->bytes_sent += std::int64_t(bytes);
    traffic_->allreduce_bytes += std::int64_t(bytes);
}

void Comm::count_broadcast(std::size_t bytes, int root) const {
    ++traffic_->collectives;
    ++traffic_->broadcast_calls;
    if (rank_ != root) return;
    traffic_->bytes_sent += std::int64_t(bytes);
    traffic_->broadcast_bytes += std::int64_t(bytes);
}

Comm Comm::world() { return Comm(MPI_COMM_WORLD); }

Comm Comm::self() { return Comm(MPI_COMM_SELF); }

void Comm::barrier() const {
    check(MPI_Barrier(comm_), "MPI_Barrier");
    ++traffic_->collectives;
}

void Comm::allreduce_sum(std::span<std::int64_t> v) const {
    in_pieces(v.size(), [&](std::size_t at, int n) {
        check(MPI_Allreduce(MPI_IN_PLACE, v.data() + at, n, MPI_INT64_T, MPI_SUM, comm_),
              "MPI_Allreduce(sum)");
        count_allreduce(std::size_t(n) * sizeof(std::int64_t));
    });
}

void Comm::allreduce_max(std::span<std::int64_t> v) const {
    in_pieces(v.size(), [&](std::size_t at, int n) {
        check(MPI_Allreduce(MPI_IN_PLACE, v.data() + at, n, MPI_INT64_T, MPI_MAX, comm_),
              "MPI_Allreduce(max)");
        count_allreduce(std::size_t(n) * sizeof(std::int64_t));
    });
}

void Comm::reduce(std::span<std::int64_t> v, MPI_Op op, const char* what) const {
    in_pieces(v.size(), [&](std::size_t at, int n) {
        void* send = rank_ == 0 ? MPI_IN_PLACE : static_cast<void*>(v.data() + at);
        check(MPI_Reduce(send, v.data() + at, n, MPI_INT64_T, op, 0, comm_), what);
        ++traffic_->collectives;
        ++traffic_->reduce_calls;
        traffic_->bytes_sent += std::int64_t(n) * std::int64_t(sizeof(std::int64_t));
        traffic_->reduce_bytes += std::int64_t(n) * std::int64_t(sizeof(std::int64_t));
    });
}

void Comm::reduce_sum(std::span<std::int64_t> v) const { reduce(v, MPI_SUM, "MPI_Reduce(sum)"); }
void Comm::reduce_max(std::span<std::int64_t> v) const { reduce(v, MPI_MAX, "MPI_Reduce(max)"); }

std::int64_t Comm::sum(std::int64_t v) const {
    allreduce_sum({&v, 1});
    return v;
}

std::int64_t Comm::max(std::int64_t v) const {
    allreduce_max({&v, 1});
    return v;
}

double Comm::max(double v) const {
    check(MPI_Allreduce(MPI_IN_PLACE, &v, 1, MPI_DOUBLE, MPI_MAX, comm_), "MPI_Allreduce(max)");
    count_allreduce(sizeof v);
    return v;
}

std::uint64_t Comm::exclusive_prefix_sum(std::uint64_t v) const {
    std::uint64_t out = 0;
    check(MPI_Exscan(&v, &out, 1, MPI_UINT64_T, MPI_SUM, comm_), "MPI_Exscan");
    ++traffic_->collectives;
    traffic_->bytes_sent += std::int64_t(sizeof v);
    return rank_ == 0 ? 0 : out;
}

void Comm::broadcast(std::vector<std::uint64_t>& values, int root) const {
    std::uint64_t n = values.size();
    check(MPI_Bcast(&n, 1, MPI_UINT64_T, root, comm_), "MPI_Bcast");
    count_broadcast(sizeof n, root);
    values.resize(n);
    in_pieces(n, [&](std::size_t at, int k) {
        check(MPI_Bcast(values.data() + at, k, MPI_UINT64_T, root, comm_), "MPI_Bcast");
        count_broadcast(std::size_t(k) * sizeof(std::uint64_t), root);
    });
}

void Comm::broadcast(std::string& text, int root) const {
    std::uint64_t n = text.size();
    check(MPI_Bcast(&n, 1, MPI_UINT64_T, root, comm_), "MPI_Bcast");
    count_broadcast(sizeof n, root);
    text.resize(n);
    check(MPI_Bcast(text.data(), int(n), MPI_CHAR, root, comm_), "MPI_Bcast");
    count_broadcast(n, root);
}

std::vector<std::uint64_t> Comm::allgather(std::uint64_t v) const {
    std::vector<std::uint64_t> all(static_cast<std::size_t>(size_));
    check(MPI_Allgather(&v, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, comm_), "MPI_Allgather");
    ++traffic_->collectives;
    traffic_->bytes_sent += std::int64_t(sizeof v);
    return all;
}

void Comm::exchange(std::span<const SendTo> sends, std::span<const ReceiveFrom> receives) const {
    // One tag for every piece: MPI keeps messages between two ranks on one communicator and tag
    // in the order they were sent (non-overtaking), so pieces match in order, and a piece over
    // 2^28 words goes as several messages, received in the same order.
    constexpr int kTag = 7001;
    std::vector<MPI_Request> requests;
    try {
        for (const SendTo& s : sends)
            in_pieces(s.words.size(), [&](std::size_t at, int n) {
                MPI_Request q = MPI_REQUEST_NULL;
                const int rc = MPI_Isend(s.words.data() + at, n, MPI_UINT64_T, s.rank, kTag, comm_, &q);
                check(rc, "MPI_Isend(exchange)");
                requests.push_back(q);
                ++traffic_->exchange_messages;
                traffic_->exchange_bytes += std::int64_t(n) * std::int64_t(sizeof(std::uint64_t));
                traffic_->bytes_sent += std::int64_t(n) * std::int64_t(sizeof(std::uint64_t));
            });
    } catch (...) {
        // A failed post: the sends already posted still reference the buffers, and their
        // receivers may never come. Cancel them; a wait on a cancelled request is guaranteed to
        // return (MPI 4.0, section 3.8.4), after which the buffers may go.
        for (MPI_Request& r : requests) MPI_Cancel(&r);
        MPI_Waitall(int(requests.size()), requests.data(), MPI_STATUSES_IGNORE);
        throw;
    }
    // Receives one by one, each matched first (MPI_Mprobe) so that its length is known before it
    // lands: Open MPI truncates a longer message without reporting it through MPI_Waitall. A
    // piece of the wrong length is still received (into scratch), so that every send completes,
    // and reported once all are done. The sends are all posted above: no blocking receive here
    // can wait on a send that this rank has not started.
    std::string mismatch;
    std::vector<std::uint64_t> scratch;
    for (const ReceiveFrom& r : receives)
        in_pieces(r.words.size(), [&](std::size_t at, int n) {
            MPI_Message message = MPI_MESSAGE_NULL;
            MPI_Status status;
            check(MPI_Mprobe(r.rank, kTag, comm_, &message, &status), "MPI_Mprobe(exchange)");
            int got = 0;
            check(MPI_Get_count(&status, MPI_UINT64_T, &got), "MPI_Get_count(exchange)");
            std::uint64_t* into = r.words.data() + at;
            if (got != n) {
                if (mismatch.empty())
                    mismatch = "exchange: a piece of " + std::to_string(got) + " words came from rank " +
                               std::to_string(r.rank) + " where " + std::to_string(n) +
                               " were expected; the pieces sent and received do not match";
                scratch.resize(std::size_t(got));
                into = scratch.data();
            }
            check(MPI_Mrecv(into, got, MPI_UINT64_T, &message, MPI_STATUS_IGNORE), "MPI_Mrecv(exchange)");
        });
    check(MPI_Waitall(int(requests.size()), requests.data(), MPI_STATUSES_IGNORE), "MPI_Waitall(exchange)");
    if (!mismatch.empty()) throw MpiError(mismatch);
}

void Comm::agree(const std::function<void()>& work) const {
    int code = 0;
    std::string message;
    try {
        work();
    } catch (const Error& e) {
        code = int(e.exit_code());
        message = e.what();
    } catch (const std::exception& e) {
        code = int(ExitCode::internal);
        message = std::string("internal error: ") + e.what();
    }
    // The lowest failing rank speaks for all: its rank wins a MIN over (failed ? rank : size).
    int candidate = code != 0 ? rank_ : size_;
    int speaker = size_;
    check(MPI_Allreduce(&candidate, &speaker, 1, MPI_INT, MPI_MIN, comm_), "MPI_Allreduce(agree)");
    count_allreduce(sizeof candidate);
    if (speaker == size_) return;
    check(MPI_Bcast(&code, 1, MPI_INT, speaker, comm_), "MPI_Bcast(agree)");
    count_broadcast(sizeof code, speaker);
    broadcast(message, speaker);
    throw_error(ExitCode(code), message);
}

}  // namespace engage::mpi
