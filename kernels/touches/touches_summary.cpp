#include "touches/touches_summary.hpp"

#include <algorithm>
#include <type_traits>

namespace engage::kernels {

static_assert(std::is_trivially_copyable_v<TouchesGroup> && sizeof(TouchesGroup) % 8 == 0);

int ResponseBins::bin(std::int64_t seconds) noexcept {
    for (int b = 0; b < kBins - 1; ++b)
        if (seconds <= upper(b)) return b;
    return kBins - 1;
}

void TouchesGroup::merge(const TouchesGroup& g) noexcept {
    const auto* from = reinterpret_cast<const std::int64_t*>(&g);
    auto* into = reinterpret_cast<std::int64_t*>(this);
    for (std::size_t i = 0; i < sizeof(TouchesGroup) / 8; ++i) into[i] += from[i];
}

TouchesContribution touches_contribution(const CustomerTouches& t, bool acquired, std::span<const std::int64_t> delays) {
    TouchesContribution c;
    c.acquired = acquired;
    c.touches = t;
    for (std::int64_t d : delays) {
        ++c.bins[ResponseBins::bin(d)];
        c.longest = std::max(c.longest, d);
    }
    return c;
}

TouchesSummary::TouchesSummary(std::size_t business_units, std::size_t regions, std::size_t rms, std::size_t segments,
                               std::size_t first_rm)
    : first_rm_(first_rm) {
    const std::size_t sizes[kTouchesLevels] = {1, business_units, regions, rms, segments};
    for (int l = 0; l < kTouchesLevels; ++l) offset_[l + 1] = offset_[l] + sizes[l];
    groups_.resize(2 * offset_[kTouchesLevels]);
    longest_.assign(groups_.size(), -1);
}

std::span<std::int64_t> TouchesSummary::sum_words() noexcept {
    return {reinterpret_cast<std::int64_t*>(groups_.data()), groups_.size() * sizeof(TouchesGroup) / 8};
}

void TouchesSummary::update(const TouchesContribution& now, const TouchesContribution& previous,
                            std::uint32_t business_unit, std::uint32_t region, std::uint32_t rm,
                            std::uint32_t segment) noexcept {
    const std::size_t member[kTouchesLevels] = {0, business_unit, region, rm, segment};
    for (int p = 0; p < 2; ++p) {
        const TouchesContribution& c = p ? previous : now;
        if (!c.acquired) continue;
        const CustomerTouches& t = c.touches;
        for (int l = 0; l < kTouchesLevels; ++l) {
            const std::size_t in = group_of(l, member[l]);
            if (in == groups(l)) continue;  // not a group of this summary
            const std::size_t i = index(p != 0, l, in);
            TouchesGroup& g = groups_[i];
            ++g.customers;
            g.offers += t.offers;
            g.customers_offered += t.offers > 0;
            g.interactions += t.interactions;
            g.customer_initiated += t.customer_initiated;
            g.tickets += t.tickets;
            g.customers_with_tickets += t.tickets > 0;
            g.ideas += t.ideas;
            g.ideas_to_date += t.ideas_to_date;
            g.customers_with_ideas += t.ideas > 0;
            g.idea_votes += t.idea_votes;
            for (int s = 0; s < kEngagementStages; ++s) g.stage[s] += t.stage[s];
            if (t.answers_known) {
                g.offers_answered += t.offers_answered;
                g.tickets_answered += t.tickets_answered;
                g.tickets_resolved += t.tickets_resolved;
                for (int w = 0; w < 3; ++w) g.within[w] += t.within[w];
                g.ideas_commented += t.ideas_commented;
                g.ideas_evaluated += t.ideas_evaluated;
                g.ideas_implemented += t.ideas_implemented;
                if (c.longest >= 0) {  // else no answered ticket: every bin 0
                    for (int b = 0; b < ResponseBins::kBins; ++b) g.first_response[b] += c.bins[b];
                    longest_[i] = std::max(longest_[i], c.longest);
                }
            }
        }
    }
}

void TouchesSummary::update(std::span<const TouchesContribution> now, std::span<const TouchesContribution> previous,
                            std::span<const std::uint32_t> business_unit, std::span<const std::uint32_t> region,
                            std::span<const std::uint32_t> rm, std::span<const std::uint8_t> segment) noexcept {
    // With 40,000 relationship managers their groups at the two dates (56 MB) are out of cache,
    // and most of the update's time went to the first miss in each. Fetching the groups of the
    // customer a few places ahead overlaps those misses instead of taking them in turn.
    constexpr std::size_t kAhead = 8;
    const std::size_t n = now.size();
    for (std::size_t k = 0; k < n; ++k) {
        const std::size_t ahead = k + kAhead < n ? group_of(kTouchesManagerLevel, rm[k + kAhead]) : groups(kTouchesManagerLevel);
        if (ahead < groups(kTouchesManagerLevel))
            for (int p = 0; p < 2; ++p) {
                const auto* g = reinterpret_cast<const char*>(&groups_[index(p != 0, kTouchesManagerLevel, ahead)]);
                for (std::size_t line = 0; line < sizeof(TouchesGroup); line += 64) __builtin_prefetch(g + line, 1);
            }
        update(now[k], previous[k], business_unit[k], region[k], rm[k], segment[k]);
    }
}

std::int64_t binned_percentile(const TouchesGroup& g, std::int64_t longest, int percent) noexcept {
    std::int64_t n = 0;
    for (std::int64_t c : g.first_response) n += c;
    if (n == 0) return -1;
    std::int64_t rank = (std::int64_t(percent) * n + 99) / 100;  // nearest rank: ceil(percent n / 100)
    if (rank < 1) rank = 1;
    std::int64_t seen = 0;
    for (int b = 0; b < ResponseBins::kBins; ++b)
        if ((seen += g.first_response[b]) >= rank) return b == ResponseBins::kBins - 1 ? longest : ResponseBins::upper(b);
    return longest;
}

}  // namespace engage::kernels
