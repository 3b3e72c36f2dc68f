#include "core/progress.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>

#include "core/helper_thread.hpp"

namespace engage {

Progress::Progress(bool enabled, std::string label, double interval_seconds)
    : enabled_(enabled), label_(std::move(label)), interval_(interval_seconds), start_(Clock::now()),
      last_line_(start_), exceptions_(std::uncaught_exceptions()) {
    if (!enabled_) return;
    // ENGAGE_PROGRESS_SECONDS overrides the interval (0: a line at every update), for denser logs.
    if (const char* env = std::getenv("ENGAGE_PROGRESS_SECONDS")) {
        char* end = nullptr;
        const double v = std::strtod(env, &end);
        if (end != env && *end == '\0' && v >= 0) interval_ = v;
    }
    if (interval_ > 0) reporter_ = helper_thread([this] { report(); });
}

Progress::~Progress() {
    if (!enabled_) return;
    {
        std::lock_guard lock(mutex_);
        // A job that unwinds (an error, a stop on request) says so itself: no "done" line.
        if (std::uncaught_exceptions() <= exceptions_) end_locked(Clock::now());
        stopping_ = true;
    }
    wake_.notify_all();
    if (reporter_.joinable()) reporter_.join();
}

void Progress::phase(std::string name, std::uint64_t total, std::string unit) {
    if (!enabled_) return;
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    end_locked(now);
    name_ = std::move(name);
    unit_ = std::move(unit);
    done_ = 0;
    total_ = total;
    phase_start_ = now;
    shown_ = false;
    // At interval 0 every phase shows at its start, even one that gets no update (a close, a
    // table written in one call): a log then names every phase the job went through.
    if (interval_ <= 0) print_locked(now, false);
}

void Progress::update(std::uint64_t done) {
    if (!enabled_) return;
    std::lock_guard lock(mutex_);
    done_ = done;
    const auto now = Clock::now();
    if (!name_.empty() && std::chrono::duration<double>(now - last_line_).count() >= interval_) print_locked(now, false);
}

void Progress::update(std::uint64_t done, std::uint64_t total, const char* unit) {
    if (!enabled_) return;
    {
        std::lock_guard lock(mutex_);
        if (name_.empty()) {
            name_ = label_;
            phase_start_ = Clock::now();
        }
        total_ = total;
        unit_ = unit;
    }
    update(done);
}

void Progress::end() {
    if (!enabled_) return;
    std::lock_guard lock(mutex_);
    end_locked(Clock::now());
}

void Progress::end_locked(Clock::time_point now) {
    if (!name_.empty() && shown_) print_locked(now, true);
    name_.clear();
    shown_ = false;
}

void Progress::print_locked(Clock::time_point now, bool last) {
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double in_phase = std::chrono::duration<double>(now - phase_start_).count();
    char count[160];
    if (total_ > 0 && !last)
        std::snprintf(count, sizeof count, "%5.1f %% (%llu of %llu %s, %.0f s)", 100.0 * double(done_) / double(total_),
                      (unsigned long long)done_, (unsigned long long)total_, unit_.c_str(), in_phase);
    else if (total_ > 0)
        std::snprintf(count, sizeof count, "done (%llu of %llu %s, %.1f s)", (unsigned long long)done_,
                      (unsigned long long)total_, unit_.c_str(), in_phase);
    else if (!unit_.empty())
        std::snprintf(count, sizeof count, "%s%llu %s (%.*f s)", last ? "done, " : "", (unsigned long long)done_,
                      unit_.c_str(), last ? 1 : 0, in_phase);
    else
        std::snprintf(count, sizeof count, "%s (%.*f s)", last ? "done" : "running", last ? 1 : 0, in_phase);
    if (name_ == label_)
        std::fprintf(stderr, "%s [%7.1f s] %s\n", label_.c_str(), elapsed, count);
    else
        std::fprintf(stderr, "%s [%7.1f s] %s: %s\n", label_.c_str(), elapsed, name_.c_str(), count);
    last_line_ = now;
    shown_ = true;
}

void Progress::report() {
    std::unique_lock lock(mutex_);
    const auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval_));
    while (!stopping_) {
        auto deadline = last_line_ + interval;  // whoever printed the last line
        const auto now = Clock::now();
        if (now >= deadline) {
            if (!name_.empty()) {
                print_locked(now, false);
                continue;
            }
            deadline = now + std::chrono::milliseconds(100);  // between phases: look again shortly
        }
        wake_.wait_until(lock, deadline, [&] { return stopping_; });
    }
}

}  // namespace engage
