#pragma once
// Requests to stop a running job early and resume it later: SIGTERM (what `kill`, `scancel
// --signal=TERM` and the batch scripts of cluster/slurm send) and SIGUSR1 (Slurm's warning
// before the walltime, --signal=USR1@SECONDS). The handler only records the signal
// (async-signal-safe); the job polls stop_signal() where it can stop cleanly, and the ranks
// agree collectively on whether to stop (jobs/score_job.cpp).
#include <string>

namespace engage {

class StopRequests {
public:
    // Installs the handlers of SIGTERM and SIGUSR1; the destructor restores the earlier ones.
    StopRequests();
    ~StopRequests();
    StopRequests(const StopRequests&) = delete;
    StopRequests& operator=(const StopRequests&) = delete;

    // The signal received by this process since the handlers were installed (the first one),
    // or 0. Local, not collective.
    static int stop_signal() noexcept;
    // "SIGTERM", "SIGUSR1", or "a signal" for any other.
    static const char* signal_name(int signal) noexcept;
    // For tests of stopping at a given point: when `position` (the words of the stop message,
    // e.g. "in sweep 1 after the pass, after block 3 of 12") begins with the environment
    // variable ENGAGE_TEST_STOP_AT, this process sends itself SIGTERM, which then takes the
    // normal path. Local.
    static void raise_at(const std::string& position);
};

// For the jobs that cannot resume (generate, import), where they may stop: throws Interrupted
// (exit code 75) when this process received SIGTERM or SIGUSR1 since StopRequests was installed;
// the job's staged output is then abandoned, so nothing is written. `job` "generate",
// `output` the file it was writing, `done` how far it got ("1000 of this rank's 5000
// customers"). Also StopRequests::raise_at(job + " after " + done), for tests.
void stop_if_requested(const std::string& job, const std::string& output, const std::string& done);
// The Interrupted that stop_if_requested throws, for a stop the ranks agreed on (`signal`: the
// signal any rank received).
[[noreturn]] void throw_stopped(const std::string& job, const std::string& output, const std::string& done, int signal);

}  // namespace engage
