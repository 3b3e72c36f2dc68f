#include "core/progress.hpp"

#include <cstdio>
#include <cstdlib>

namespace engage {

Progress::Progress(bool enabled, std::string label, double interval_seconds)
    : enabled_(enabled), label_(std::move(label)), interval_(interval_seconds),
      start_(std::chrono::steady_clock::now()), last_(start_) {
    // ENGAGE_PROGRESS_SECONDS overrides the interval (0: a line at every update), for denser logs.
    if (const char* env = std::getenv("ENGAGE_PROGRESS_SECONDS")) {
        char* end = nullptr;
        const double v = std::strtod(env, &end);
        if (end != env && *end == '\0' && v >= 0) interval_ = v;
    }
}

void Progress::update(std::uint64_t done, std::uint64_t total, const char* unit) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(now - last_).count() < interval_) return;
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double pct = total ? 100.0 * double(done) / double(total) : 100.0;
    std::fprintf(stderr, "%s: %5.1f%% (%llu of %llu %s on rank 0, %.0f s)\n", label_.c_str(), pct,
                 (unsigned long long)done, (unsigned long long)total, unit, elapsed);
}

}  // namespace engage
