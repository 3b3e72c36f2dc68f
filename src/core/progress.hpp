#pragma once
// Progress lines on stderr for batch logs (rank 0 only: the caller passes enabled = rank 0 and
// not -q). A job is a sequence of phases; the line of the current phase is printed at most once
// per `interval` seconds, and a reporter thread prints it when the job itself is inside one long
// call (a fit, a collective, a file's close), so that a log never stays silent for much longer
// than the interval. A phase that got a line gets a last one when it ends. Every line starts with
// the label and the seconds since the Progress was made, and ends in a newline (never a carriage
// return: a log file is not a terminal):
//
//   score [   12.3 s] pass over the data:  45.2 % (900 of 2000 shards of all ranks, 7 s)
//   score [   17.3 s] retention fits as of 2025-07-03: Pareto/NBD: 137 likelihood evaluations (5 s)
//   score [   18.0 s] retention fits as of 2025-07-03: Pareto/NBD: done, 160 likelihood evaluations (5.9 s)
//   score [   23.0 s] committing the outputs: running (2 s)
//
// The reporter thread reads the counters under a mutex and writes to stderr; it calls neither
// MPI nor HDF5 and changes nothing that a result depends on. Nothing is printed, and no thread
// runs, when disabled.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace engage {

class Progress {
public:
    // `interval_seconds`: the least time between two lines (ENGAGE_PROGRESS_SECONDS overrides
    // it; 0 prints a line at the start of every phase and at every update, from the calling
    // thread, and starts no reporter).
    Progress(bool enabled, std::string label, double interval_seconds = 5.0);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    // Ends the current phase (its last line if it got one) and begins `name`, of `total` units
    // (0: not counted in advance; the lines then give the units done without a percentage).
    void phase(std::string name, std::uint64_t total = 0, std::string unit = {});
    // `done` units of the current phase so far (all ranks' work where the caller knows it).
    void update(std::uint64_t done);
    // The same with the total and unit given at each call, in a phase named by the label (the
    // form of engage generate and engage import).
    void update(std::uint64_t done, std::uint64_t total, const char* unit);
    // Ends the current phase without beginning another.
    void end();

private:
    using Clock = std::chrono::steady_clock;
    void print_locked(Clock::time_point now, bool last);
    void end_locked(Clock::time_point now);
    void report();  // the reporter thread

    bool enabled_;
    std::string label_;
    double interval_;
    Clock::time_point start_, last_line_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    const int exceptions_;  // uncaught exceptions at construction: an unwinding job ends silently
    // The current phase (empty name: none).
    std::string name_, unit_;
    std::uint64_t done_ = 0, total_ = 0;
    Clock::time_point phase_start_;
    bool shown_ = false;  // the current phase has had a line
    std::thread reporter_;
};

}  // namespace engage
