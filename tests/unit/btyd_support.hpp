#pragma once
// What the buy-till-you-die tests share: grouping a list of summaries, and a stopwatch.
#include <chrono>
#include <span>
#include <vector>

#include "retention/rfm_summary.hpp"

namespace engage::kernels::test {

template <class S>
std::vector<Grouped<S>> grouped(const std::vector<S>& v) { return group_summaries<S>(std::span<const S>(v)); }

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace engage::kernels::test
