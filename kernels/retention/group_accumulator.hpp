#pragma once
// Distinct buy-till-you-die summaries with their counts, built as customers stream by: the
// summaries are buffered and grouped in batches, and each batch is merged into the sorted
// groups. The result equals group_summaries() of all the summaries at once, and memory is the
// distinct summaries plus one batch, not one summary per customer.
#include <span>
#include <utility>
#include <vector>

#include "retention/rfm_summary.hpp"

namespace engage::kernels {

template <class Summary>
class GroupAccumulator {
public:
    static constexpr std::size_t kBatch = std::size_t(1) << 18;

    void add(const Summary& s) {
        pending_.push_back(s);
        if (pending_.size() == kBatch) flush();
    }
    // The groups so far, sorted ascending with their counts.
    const std::vector<Grouped<Summary>>& groups() {
        flush();
        return groups_;
    }
    // The groups, moved out; the accumulator is left empty.
    std::vector<Grouped<Summary>> take() {
        flush();
        return std::exchange(groups_, {});
    }
    // Replaces the state (checkpoint restore).
    void assign(std::vector<Grouped<Summary>> groups) {
        pending_.clear();
        groups_ = std::move(groups);
    }

private:
    void flush() {
        if (pending_.empty()) return;
        const auto batch = group_summaries<Summary>(pending_);
        groups_ = merge_groups<Summary>(groups_, batch);
        pending_.clear();
    }
    std::vector<Summary> pending_;
    std::vector<Grouped<Summary>> groups_;
};

}  // namespace engage::kernels
