#pragma once
// Small-group suppression for reports (statistical disclosure control): groups with fewer
// customers than a minimum are not shown on their own but folded into one "other" row. When
// that row would itself be too small, the smallest shown groups join it (secondary
// suppression), since otherwise it could be recovered as the total minus the rows shown.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace engage::kernels {

struct SuppressionPlan {
    std::vector<std::size_t> kept;    // groups shown on their own, in order
    std::vector<std::size_t> folded;  // groups in the "other" row, in order
    bool other_shown = false;         // the "other" row reaches the minimum
};

// Empty groups are neither shown nor folded.
inline SuppressionPlan plan_suppression(std::span<const std::int64_t> sizes, std::int64_t min_size) {
    SuppressionPlan p;
    std::int64_t other = 0;
    for (std::size_t g = 0; g < sizes.size(); ++g) {
        if (sizes[g] >= min_size) p.kept.push_back(g);
        else if (sizes[g] > 0) {
            p.folded.push_back(g);
            other += sizes[g];
        }
    }
    while (!p.folded.empty() && other < min_size && !p.kept.empty()) {
        const auto smallest = std::min_element(p.kept.begin(), p.kept.end(),
                                               [&](std::size_t a, std::size_t b) { return sizes[a] < sizes[b]; });
        other += sizes[*smallest];
        p.folded.push_back(*smallest);
        p.kept.erase(smallest);
    }
    std::sort(p.folded.begin(), p.folded.end());
    p.other_shown = !p.folded.empty() && other >= min_size;
    return p;
}

}  // namespace engage::kernels
