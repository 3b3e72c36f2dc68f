#pragma once
// The predictions of every distinct summary of a buy-till-you-die model, computed once per
// summary instead of once per customer: customers with the same summary get the same
// predictions, and a rank's distinct summaries (the groups of the fits, rfm_summary.hpp) are far
// fewer than its customers. RfmPredictions (BG/NBD, Pareto/NBD) and BgbbPredictions (BG/BB) are
// this class with their own summary, prediction and predict function.
#include <algorithm>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "retention/rfm_summary.hpp"

namespace engage::kernels {

template <class Summary, class Prediction>
class PredictionsBySummary {
public:
    PredictionsBySummary() = default;
    // `groups`: sorted ascending and distinct (group_summaries, GroupAccumulator), consumed: they
    // are freed once their summaries are copied, before the predictions are computed, so that
    // the two lists are never both in memory (at 100 M customers, 200 and 400 MB per rank).
    // `predict(summary)` gives a summary's prediction; each OpenMP thread calls a copy of its own,
    // in ascending order of the summaries, so that it may keep what consecutive summaries share.
    template <class Predict>
    PredictionsBySummary(std::vector<Grouped<Summary>>&& groups, const Predict& predict) : summaries_(groups.size()) {
        for (std::size_t i = 0; i < groups.size(); ++i) summaries_[i] = groups[i].summary;
        std::vector<Grouped<Summary>>().swap(groups);
        values_.resize(summaries_.size());
        const auto n = std::int64_t(summaries_.size());
#pragma omp parallel
        {
            Predict local = predict;
#pragma omp for schedule(dynamic, 64)
            for (std::int64_t i = 0; i < n; ++i) values_[std::size_t(i)] = local(summaries_[std::size_t(i)]);
        }
    }
    // The predictions of `s`, which must be one of the summaries.
    const Prediction& at(const Summary& s) const noexcept {
        const auto it = std::lower_bound(summaries_.begin(), summaries_.end(), s);
        return values_[std::size_t(it - summaries_.begin())];
    }
    // The distinct summaries, sorted.
    std::span<const Summary> summaries() const noexcept { return summaries_; }
    bool empty() const noexcept { return summaries_.empty(); }
    std::uint64_t bytes() const noexcept { return summaries_.size() * (sizeof(Summary) + sizeof(Prediction)); }

private:
    std::vector<Summary> summaries_;
    std::vector<Prediction> values_;
};

}  // namespace engage::kernels
