#include "survival/concordance.hpp"

#include <limits>

namespace engage::kernels {

Concordance harrell_concordance(const ConcordanceCounts& s) {
    Concordance r;
    const int k = s.keys();
    // later[key]: subjects whose time is after the day being looked at, per key.
    std::vector<std::int64_t> later(std::size_t(k), 0), below(std::size_t(k) + 1, 0);
    for (std::int32_t t = s.max_day(); t >= 0; --t) {
        std::int64_t events = 0;
        // below[j]: comparable subjects (later, or censored on day t) with a key < j.
        for (int j = 0; j < k; ++j) {
            below[std::size_t(j) + 1] = below[std::size_t(j)] + later[std::size_t(j)] + s.censored(t, j);
            events += s.events(t, j);
        }
        if (events > 0) {
            const std::int64_t all = below[std::size_t(k)];
            std::int64_t seen = 0;
            for (int j = 0; j < k; ++j) {
                const std::int64_t e = s.events(t, j);
                if (e == 0) continue;
                const std::int64_t same = below[std::size_t(j) + 1] - below[std::size_t(j)];
                r.concordant += e * below[std::size_t(j)];
                r.tied_x += e * same;
                r.discordant += e * (all - below[std::size_t(j) + 1]);
                r.tied_y += e * seen + e * (e - 1) / 2;  // pairs of events on this day
                seen += e;
            }
        }
        for (int j = 0; j < k; ++j) later[std::size_t(j)] += s.events(t, j) + s.censored(t, j);
    }
    const std::int64_t pairs = r.concordant + r.discordant + r.tied_x;
    r.c = pairs > 0 ? (double(r.concordant) + double(r.tied_x) / 2) / double(pairs)
                    : std::numeric_limits<double>::quiet_NaN();
    return r;
}

double cumulative_auc(const ConcordanceCounts& s, std::int32_t tau) {
    const int k = s.keys();
    std::vector<std::int64_t> cases(std::size_t(k), 0), controls(std::size_t(k), 0);
    for (std::int32_t t = 0; t <= s.max_day(); ++t)
        for (int j = 0; j < k; ++j) {
            // Still a customer at tau: churned after it, or never (censored, at the end of
            // follow-up, which is >= tau).
            if (t <= tau) cases[std::size_t(j)] += s.events(t, j);
            else controls[std::size_t(j)] += s.events(t, j);
            controls[std::size_t(j)] += s.censored(t, j);
        }
    // Pairs with the case above: 2 per case over a control below, 1 per tie (exact integers).
    std::int64_t below = 0, twice = 0, n_cases = 0, n_controls = 0;
    for (int j = 0; j < k; ++j) {
        const auto c = cases[std::size_t(j)], o = controls[std::size_t(j)];
        twice += c * (2 * below + o);
        below += o;
        n_cases += c;
        n_controls += o;
    }
    if (n_cases == 0 || n_controls == 0) return std::numeric_limits<double>::quiet_NaN();
    return double(twice) / 2.0 / (double(n_cases) * double(n_controls));
}

}  // namespace engage::kernels
