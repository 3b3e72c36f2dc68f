#pragma once
// What the buy-till-you-die tests share: grouping a list of summaries, a stopwatch, and the
// rows of the published reference data sets (../shared/data).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "retention/rfm_summary.hpp"

namespace engage::kernels::test {

template <class S>
std::vector<Grouped<S>> grouped(const std::vector<S>& v) { return group_summaries<S>(std::span<const S>(v)); }

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
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
