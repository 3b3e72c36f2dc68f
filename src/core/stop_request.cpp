#include "core/stop_request.hpp"

#include <csignal>
#include <cstdlib>

#include "core/errors.hpp"

namespace engage {

namespace {

// Written by the handler, read by the main thread: a lock-free atomic int is async-signal-safe.
volatile std::sig_atomic_t g_signal = 0;
struct sigaction g_previous_term, g_previous_usr1;

extern "C" void record_stop_request(int signal) {
    if (g_signal == 0) g_signal = signal;
}

}  // namespace

StopRequests::StopRequests() {
    g_signal = 0;
    struct sigaction action {};
    action.sa_handler = record_stop_request;
    sigemptyset(&action.sa_mask);
    // Interrupted system calls (file I/O, MPI progress) resume instead of failing with EINTR.
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, &g_previous_term);
    sigaction(SIGUSR1, &action, &g_previous_usr1);
}

StopRequests::~StopRequests() {
    sigaction(SIGTERM, &g_previous_term, nullptr);
    sigaction(SIGUSR1, &g_previous_usr1, nullptr);
}

int StopRequests::stop_signal() noexcept { return g_signal; }

void StopRequests::raise_at(const std::string& position) {
    static const char* const wanted = std::getenv("ENGAGE_TEST_STOP_AT");
    if (wanted && *wanted && position.starts_with(wanted)) std::raise(SIGTERM);
}

void throw_stopped(const std::string& job, const std::string& output, const std::string& done, int signal) {
    throw Interrupted(job + " stopped on request (" + StopRequests::signal_name(signal) + ") after " + done +
                      ": nothing was written (the partial file was removed; " + output +
                      " is as it was before); it cannot resume: run the same command again to start over");
}

void stop_if_requested(const std::string& job, const std::string& output, const std::string& done) {
    StopRequests::raise_at(job + " after " + done);
    if (const int signal = StopRequests::stop_signal()) throw_stopped(job, output, done, signal);
}

const char* StopRequests::signal_name(int signal) noexcept {
    switch (signal) {
    case SIGTERM: return "SIGTERM";
    case SIGUSR1: return "SIGUSR1";
    default: return "a signal";
    }
}

}  // namespace engage
