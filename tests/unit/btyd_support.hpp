#pragma once
// What the buy-till-you-die tests share: grouping a list of summaries, a stopwatch, and the
// rows of the published reference data sets (../shared/data).
#include <gtest/gtest.h>

#include <barrier>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "retention/ml_fit.hpp"
#include "retention/rfm_summary.hpp"

namespace engage::kernels::test {

template <class S>
std::vector<Grouped<S>> grouped(const std::vector<S>& v) { return group_summaries<S>(std::span<const S>(v)); }

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Runs `fit(local[k], allreduce)` on local.size() threads standing for ranks, each with its own
// groups; the ExactSum words of `allreduce` are summed through a barrier, as MPI_Allreduce
// (MPI_SUM) does. Returns each rank's result.
template <class Fit, class Group, class FitFn>
std::vector<Fit> fit_on_simulated_ranks(const std::vector<std::vector<Group>>& local, FitFn fit) {
    const std::size_t parts = local.size();
    std::vector<std::vector<std::int64_t>> slots(parts);
    std::barrier sync{std::ptrdiff_t(parts)};
    std::vector<Fit> out(parts);
    std::vector<std::thread> ranks;
    for (std::size_t k = 0; k < parts; ++k)
        ranks.emplace_back([&, k] {
            const AllReduceWords allreduce = [&](std::span<std::int64_t> words) {
                slots[k].assign(words.begin(), words.end());
                sync.arrive_and_wait();
                for (std::size_t w = 0; w < words.size(); ++w) {
                    words[w] = 0;
                    for (std::size_t j = 0; j < parts; ++j) words[w] += slots[j][w];
                }
                sync.arrive_and_wait();
            };
            out[k] = fit(local[k], allreduce);
        });
    for (auto& t : ranks) t.join();
    return out;
}

// The data rows of a reference CSV file (its header line skipped, blank lines skipped, commas
// read as spaces), each as a stream to read numbers from; empty when the file is missing.
inline std::vector<std::istringstream> reference_rows(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::istringstream> rows;
    std::string line;
    if (!in || !std::getline(in, line)) return rows;
    while (std::getline(in, line)) {
        if (line.empty() || line == "\r") continue;
        for (char& ch : line) ch = ch == ',' ? ' ' : ch;
        rows.emplace_back(line);
    }
    return rows;
}

}  // namespace engage::kernels::test

// Skips a test whose reference data (../shared next to the source tree) is missing.
#define SKIP_WITHOUT_REFERENCE(rows, where)                                                        \
    do {                                                                                           \
        if ((rows).empty())                                                                        \
            GTEST_SKIP() << "reference data not found: " << (where)                               \
                         << " (the shared data checkout, ../shared next to the source tree)";      \
    } while (0)
