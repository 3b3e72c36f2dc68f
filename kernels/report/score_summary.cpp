#include "report/score_summary.hpp"

#include <omp.h>

#include <algorithm>
#include <type_traits>

namespace engage::kernels {

// The flat views reinterpret these structs as arrays of int64: they must hold nothing else.
static_assert(std::is_trivially_copyable_v<GroupSums> && sizeof(GroupSums) % 8 == 0);
static_assert(std::is_trivially_copyable_v<GroupExtremes> && sizeof(GroupExtremes) % 8 == 0);
static_assert(sizeof(DistributionSums) == (2 + 2 * LogHistogram::kBins) * 8);

const char* feature_name(Feature f) noexcept {
    static constexpr const char* names[kFeatures] = {
        "tenure_days", "recency_days", "last_interaction_days", "frequency", "monetary",
        "interactions", "interactions_total", "breadth", "active_weeks", "active_months"};
    return names[int(f)];
}

std::int64_t feature_value(const CustomerFeatures& c, Feature f) noexcept {
    switch (f) {
    case Feature::tenure_days: return c.tenure_days;
    case Feature::recency_days: return c.recency_days;
    case Feature::last_interaction_days: return c.last_interaction_days;
    case Feature::frequency: return c.frequency;
    case Feature::monetary_cents: return c.monetary_cents;
    case Feature::interactions: return c.interactions;
    case Feature::interactions_total: return c.interactions_total;
    case Feature::breadth: return c.breadth;
    case Feature::active_weeks: return c.active_weeks;
    case Feature::active_months: return c.active_months;
    }
    return -1;
}

ScoreSummary::ScoreSummary(std::size_t business_units) : units_(business_units), unit_extremes_(business_units) {}

void ScoreSummary::update(const CustomerFeatures& c, std::uint32_t business_unit) noexcept {
    GroupSums& s = units_[business_unit];
    ++s.customers;
    if (c.tenure_days < 0) return;  // not yet a customer on the as-of date
    ++s.acquired;
    s.active += c.interactions > 0;
    s.purchasers += c.frequency > 0;
    s.interactions_window += c.interactions;
    s.interactions_total += c.interactions_total;
    s.revenue_cents += c.monetary_cents;
    GroupExtremes& e = unit_extremes_[business_unit];
    for (int f = 0; f < kFeatures; ++f) {
        const std::int64_t v = feature_value(c, Feature(f));
        if (v < 0 && (f == int(Feature::recency_days) || f == int(Feature::last_interaction_days)))
            continue;  // undefined for customers without a purchase / interaction
        s.features[f].add(v);
        e.features[f].add(v);
    }
    for (int k = 0; k < kMaxChannels; ++k) {
        s.channel_customers[k] += c.channel_count[k] > 0;
        s.channel_interactions[k] += c.channel_count[k];
        s.channel_hundredths[k] += c.channel_hundredths[k];
    }
}

GroupSums ScoreSummary::sums(std::size_t g) const noexcept {
    return g > 0 ? units_[g - 1] : merged(std::span(&g, 1)).first;
}

GroupExtremes ScoreSummary::extremes(std::size_t g) const noexcept {
    return g > 0 ? unit_extremes_[g - 1] : merged(std::span(&g, 1)).second;
}

void ScoreSummary::combine(const ScoreSummary& other) noexcept {
    auto a = sum_words();
    auto b = other.sum_words();
    for (std::size_t i = 0; i < a.size(); ++i) a[i] += b[i];
    auto x = max_words();
    auto y = other.max_words();
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::max(x[i], y[i]);
}

void ScoreSummary::clear() noexcept {
    std::fill(units_.begin(), units_.end(), GroupSums{});
    std::fill(unit_extremes_.begin(), unit_extremes_.end(), GroupExtremes{});
}

void add_customers(ScoreSummary& into, std::span<const CustomerFeatures> f, std::span<const std::uint32_t> units,
                   std::vector<ScoreSummary>& scratch, std::size_t scratch_bytes) {
    constexpr std::size_t kMinCustomersPerThread = 4096;
    const std::size_t n = f.size();
    const std::size_t affordable = 1 + scratch_bytes / std::max<std::size_t>(1, into.bytes());
    const int threads = int(std::min({std::size_t(omp_get_max_threads()), affordable, n / kMinCustomersPerThread}));
    if (threads <= 1) {
        for (std::size_t k = 0; k < n; ++k) into.update(f[k], units[k]);
        return;
    }
    while (scratch.size() < std::size_t(threads - 1)) scratch.emplace_back(into.groups() - 1);
#pragma omp parallel num_threads(threads)
    {
        const std::size_t t = std::size_t(omp_get_thread_num()), T = std::size_t(omp_get_num_threads());
        ScoreSummary& s = t == 0 ? into : scratch[t - 1];
        for (std::size_t k = n * t / T; k < n * (t + 1) / T; ++k) s.update(f[k], units[k]);
    }
    for (int t = 1; t < threads; ++t) {
        into.combine(scratch[std::size_t(t - 1)]);
        scratch[std::size_t(t - 1)].clear();
    }
}

std::pair<GroupSums, GroupExtremes> ScoreSummary::merged(std::span<const std::size_t> groups) const noexcept {
    std::pair<GroupSums, GroupExtremes> out;
    auto* sums = reinterpret_cast<std::int64_t*>(&out.first);
    auto* maxima = reinterpret_cast<std::int64_t*>(&out.second);
    auto add = [&](std::size_t u) {
        const auto* a = reinterpret_cast<const std::int64_t*>(&units_[u]);
        const auto* b = reinterpret_cast<const std::int64_t*>(&unit_extremes_[u]);
        for (std::size_t i = 0; i < sizeof(GroupSums) / 8; ++i) sums[i] += a[i];
        for (std::size_t i = 0; i < sizeof(GroupExtremes) / 8; ++i) maxima[i] = std::max(maxima[i], b[i]);
    };
    for (std::size_t g : groups)
        if (g > 0) add(g - 1);
        else for (std::size_t u = 0; u < units_.size(); ++u) add(u);  // the corporation: every unit
    return out;
}

std::span<std::int64_t> ScoreSummary::sum_words() noexcept {
    return {reinterpret_cast<std::int64_t*>(units_.data()), units_.size() * sizeof(GroupSums) / 8};
}

std::span<std::int64_t> ScoreSummary::max_words() noexcept {
    return {reinterpret_cast<std::int64_t*>(unit_extremes_.data()),
            unit_extremes_.size() * sizeof(GroupExtremes) / 8};
}

std::span<const std::int64_t> ScoreSummary::sum_words() const noexcept {
    return const_cast<ScoreSummary*>(this)->sum_words();
}

std::span<const std::int64_t> ScoreSummary::max_words() const noexcept {
    return const_cast<ScoreSummary*>(this)->max_words();
}

}  // namespace engage::kernels
