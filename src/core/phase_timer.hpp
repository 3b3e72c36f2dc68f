#pragma once
// Wall-clock time per named phase (read, compute, write, ...), accumulated over a run.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace engage {

class PhaseTimer {
public:
    // The phases of a job, in report order. Every rank declares the same list, so that
    // reductions over phases match across ranks even where a rank never entered one.
    explicit PhaseTimer(std::vector<std::string> phases);

    // Adds the time until the returned guard is destroyed to `phase`.
    class Scope {
    public:
        Scope(PhaseTimer& t, std::string phase) : t_(t), phase_(std::move(phase)), start_(clock::now()) {}
        ~Scope() { t_.add(phase_, std::chrono::duration<double>(clock::now() - start_).count()); }
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;
    private:
        PhaseTimer& t_;
        std::string phase_;
        std::chrono::steady_clock::time_point start_;
    };

    Scope measure(std::string phase) { return Scope(*this, std::move(phase)); }
    // Adds seconds to a declared phase (std::invalid_argument for an undeclared one).
    void add(const std::string& phase, double seconds);
    // The declared phases, in order, with their accumulated seconds.
    const std::vector<std::pair<std::string, double>>& phases() const noexcept { return phases_; }
    double seconds(const std::string& phase) const;
    // Wall-clock seconds since construction.
    double elapsed() const { return std::chrono::duration<double>(clock::now() - start_).count(); }

private:
    using clock = std::chrono::steady_clock;
    std::vector<std::pair<std::string, double>> phases_;
    clock::time_point start_ = clock::now();
};

// Peak resident memory of this process in bytes (getrusage).
long long peak_rss_bytes();

}  // namespace engage
