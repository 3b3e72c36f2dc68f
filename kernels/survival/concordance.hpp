#pragma once
// Harrell's concordance index (Harrell, Califf, Pryor, Lee & Rosati 1982; Harrell, Lee & Mark
// 1996) of a risk predictor (here the Cox model's linear predictor b'x) with right-censored
// survival times, from integer counts: the predictor is keyed into `keys` equal bins between its
// smallest and largest value, and the state counts, per day and key, the events and the
// censorings. Mergeable by adding words, so the result is the same for any split of the subjects.
//
// Pairs, as R's survival::concordance counts them: a subject with an event on day t and one
// whose time is later, or the same day but censored (at risk when the event happened), form a
// comparable pair; it is concordant when the event's predictor key is the larger (higher risk,
// earlier churn), discordant when smaller, tied in x when equal. Two events on the same day are
// tied in y and left out. C = (concordant + tied_x / 2) / (concordant + discordant + tied_x).
// Keyed predictor: the C of the keys, which R reproduces when given the same keys.
#include <cstdint>
#include <vector>

namespace engage::kernels {

class ConcordanceCounts {
public:
    ConcordanceCounts() = default;
    ConcordanceCounts(std::int32_t max_day, int keys)
        : max_day_(max_day), keys_(keys), words_(std::size_t(max_day + 1) * std::size_t(keys) * 2, 0) {}

    // The key of predictor `x` between lo and hi: floor((x - lo) / (hi - lo) * keys), in
    // 0..keys-1 (0 for every x when hi <= lo).
    static int key(double x, double lo, double hi, int keys) noexcept {
        if (!(hi > lo)) return 0;
        const double k = (x - lo) / (hi - lo) * double(keys);
        return k <= 0 ? 0 : k >= double(keys - 1) ? keys - 1 : int(k);
    }
    void add(std::int32_t day, bool event, int key) noexcept {
        ++words_[(std::size_t(day) * std::size_t(keys_) + std::size_t(key)) * 2 + (event ? 0 : 1)];
    }
    std::int64_t events(std::int32_t day, int key) const noexcept { return words_[(std::size_t(day) * std::size_t(keys_) + std::size_t(key)) * 2]; }
    std::int64_t censored(std::int32_t day, int key) const noexcept { return words_[(std::size_t(day) * std::size_t(keys_) + std::size_t(key)) * 2 + 1]; }
    std::int32_t max_day() const noexcept { return max_day_; }
    int keys() const noexcept { return keys_; }
    std::vector<std::int64_t>& sum_words() noexcept { return words_; }
    const std::vector<std::int64_t>& sum_words() const noexcept { return words_; }

private:
    std::int32_t max_day_ = -1;
    int keys_ = 0;
    std::vector<std::int64_t> words_;  // [day][key][events, censored]
};

struct Concordance {
    std::int64_t concordant = 0, discordant = 0, tied_x = 0, tied_y = 0;
    double c = 0;  // NaN without a comparable pair
};

Concordance harrell_concordance(const ConcordanceCounts& counts);

// The cumulative/dynamic AUC at horizon tau (Heagerty, Lumley & Pepe 2000) of the keyed
// predictor: cases churned on a day <= tau, controls not churned by tau (churned later, or
// censored: the landmark analysis censors only at the end of follow-up, >= tau); the share of
// (case, control) pairs where the case's key is larger, ties counting half. Without censoring
// before tau (the landmark analysis censors only at the end of follow-up) it needs no weights.
// NaN without a case or a control.
double cumulative_auc(const ConcordanceCounts& counts, std::int32_t tau);

}  // namespace engage::kernels
