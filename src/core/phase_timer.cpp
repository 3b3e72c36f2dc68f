#include "core/phase_timer.hpp"

#include <sys/resource.h>

#include <stdexcept>

namespace engage {

PhaseTimer::PhaseTimer(std::vector<std::string> phases) {
    for (auto& p : phases) phases_.emplace_back(std::move(p), 0.0);
}

void PhaseTimer::add(const std::string& phase, double seconds) {
    for (auto& [name, s] : phases_)
        if (name == phase) {
            s += seconds;
            return;
        }
    throw std::invalid_argument("PhaseTimer: undeclared phase " + phase);
}

double PhaseTimer::seconds(const std::string& phase) const {
    for (const auto& [name, s] : phases_)
        if (name == phase) return s;
    return 0.0;
}

long long peak_rss_bytes() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<long long>(u.ru_maxrss) * 1024;  // Linux reports kilobytes
}

}  // namespace engage
