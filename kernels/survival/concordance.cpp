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

}  // namespace engage::kernels
