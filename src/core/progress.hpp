#pragma once
// Progress lines on stderr, from rank 0 only, at most one per `interval` seconds.
#include <chrono>
#include <cstdint>
#include <string>

namespace engage {

class Progress {
public:
    Progress(bool enabled, std::string label, double interval_seconds = 2.0);
    // done / total units of work so far (interactions, customers); prints when due.
    void update(std::uint64_t done, std::uint64_t total, const char* unit);

private:
    bool enabled_;
    std::string label_;
    double interval_;
    std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace engage
