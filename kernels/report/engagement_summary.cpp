#include "report/engagement_summary.hpp"

#include "report/accounts_at_risk.hpp"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include "stats/round.hpp"

namespace engage::kernels {

static_assert(std::is_trivially_copyable_v<EngagementGroup> && sizeof(EngagementGroup) % 8 == 0);

EngagementGroup::Contribution EngagementGroup::contribution(const ScoredCustomer& c) noexcept {
    Contribution k{};
    k.acquired = c.now.acquired;
    if (!k.acquired) return k;
    k.tier = int(c.now.tier);
    k.score_milli = round_half_away(c.now.composite * 1000.0);
    k.point = int(round_half_away(c.now.composite));
    for (int d = 0; d < kDimensions; ++d) {
        k.dimension_known[d] = !std::isnan(c.now.dimension[d]);
        if (k.dimension_known[d]) k.dimension_milli[d] = round_half_away(c.now.dimension[d] * 1000.0);
    }
    k.acquired_previous = c.previous.acquired;
    if (k.acquired_previous) {
        k.tier_previous = int(c.previous.tier);
        k.score_milli_previous = round_half_away(c.previous.composite * 1000.0);
    }
    // NPS classes (Reichheld 2003): promoters 9-10, passives 7-8, detractors 0-6.
    k.nps_class = c.last_nps >= 9 ? 0 : c.last_nps >= 7 ? 1 : c.last_nps >= 0 ? 2 : -1;
    k.revenue_cents = c.revenue_cents;
    k.at_risk = at_risk_tier(c.now.tier);
    if (c.wallet_cents > 0) {
        k.wallet_cents = c.wallet_cents;
        k.wallet_spend_cents = std::min(c.yearly_spend_cents, c.wallet_cents);
    }
    return k;
}

void EngagementGroup::add(const Contribution& c) noexcept {
    if (!c.acquired) return;
    ++customers;
    ++tiers[c.tier];
    score_milli += c.score_milli;
    ++score_points[std::size_t(c.point)];
    for (int d = 0; d < kDimensions; ++d) {
        if (!c.dimension_known[d]) continue;
        dimension_milli[d] += c.dimension_milli[d];
        ++dimension_known[d];
    }
    if (c.acquired_previous) {
        ++customers_previous;
        ++tiers_previous[c.tier_previous];
        ++migration[c.tier_previous * kTiers + c.tier];
        score_milli_previous += c.score_milli_previous;
    }
    if (c.nps_class == 0) ++promoters;
    else if (c.nps_class == 1) ++passives;
    else if (c.nps_class == 2) ++detractors;
    revenue_cents += c.revenue_cents;
    if (c.at_risk) revenue_at_risk_cents += c.revenue_cents;
    if (c.wallet_cents > 0) {
        ++wallet_customers;
        wallet_spend_cents += c.wallet_spend_cents;
        wallet_cents += c.wallet_cents;
    }
}

void EngagementGroup::merge(const EngagementGroup& g) noexcept {
    auto* a = reinterpret_cast<std::int64_t*>(this);
    const auto* b = reinterpret_cast<const std::int64_t*>(&g);
    for (std::size_t i = 0; i < sizeof(EngagementGroup) / 8; ++i) a[i] += b[i];
}

EngagementSummary::EngagementSummary(std::size_t business_units, std::size_t regions, std::size_t rms,
                                     std::size_t first_rm)
    : first_rm_(first_rm) {
    offset_ = {0, 1, 1 + business_units, 1 + business_units + regions, 1 + business_units + regions + rms};
    groups_.resize(offset_[kLevels]);
}

void EngagementSummary::drop_managers() {
    const std::size_t managers = offset_[int(Level::relationship_manager)];
    groups_.resize(managers);
    groups_.shrink_to_fit();
    offset_[kLevels] = managers;
}

std::size_t EngagementSummary::member_of(Level level, const ScoredCustomer& c) const noexcept {
    return level == Level::business_unit ? c.business_unit : level == Level::region ? c.region : c.rm - first_rm_;
}

void EngagementSummary::add(const EngagementGroup::Contribution& k, const ScoredCustomer& c) noexcept {
    if (!k.acquired) return;
    if (groups(Level::business_unit) == 0) return groups_[0].add(k);  // a summary of the corporation only
    for (Level level : kAddedLevels)
        if (counts(level, c)) groups_[offset_[int(level)] + member_of(level, c)].add(k);
}

const EngagementGroup& EngagementSummary::group(Level level, std::size_t g) const noexcept {
    if (level != Level::corporate || groups(Level::business_unit) == 0) return groups_[offset_[int(level)] + g];
    corporate_ = groups_[0];  // empty: only summaries without units add to it
    for (std::size_t u = 0; u < groups(Level::business_unit); ++u) corporate_.merge(group(Level::business_unit, u));
    return corporate_;
}

void EngagementSummary::update(const ScoredCustomer& c) noexcept { add(EngagementGroup::contribution(c), c); }

void EngagementSummary::update(std::span<const ScoredCustomer> block) {
    prepare(block);
    for (Level level : kAddedLevels) add_level(level, block);
}

void EngagementSummary::prepare(std::span<const ScoredCustomer> block) {
    contributions_.resize(block.size());
    const auto n = std::int64_t(block.size());
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < n; ++i) contributions_[std::size_t(i)] = EngagementGroup::contribution(block[std::size_t(i)]);
}

void EngagementSummary::add_level(Level level, std::span<const ScoredCustomer> block) noexcept {
    if (groups(Level::business_unit) == 0) {  // a summary of the corporation only
        if (level == Level::business_unit)
            for (const auto& k : contributions_) groups_[0].add(k);
        return;
    }
    EngagementGroup* const first = groups_.data() + offset_[int(level)];
    // At 400,000 relationship managers their groups (470 MB) are far out of cache: each
    // customer's update misses in several lines of its manager's group. Prefetching the lines a
    // customer a few places ahead will touch overlaps those misses instead of taking them in turn.
    constexpr std::size_t kAhead = 8;
    const bool prefetch = level == Level::relationship_manager;
    for (std::size_t i = 0; i < block.size(); ++i) {
        if (prefetch && i + kAhead < block.size() && contributions_[i + kAhead].acquired && counts(level, block[i + kAhead])) {
            const auto& k = contributions_[i + kAhead];
            const EngagementGroup& g = first[member_of(level, block[i + kAhead])];
            for (const void* field : {static_cast<const void*>(&g.customers), static_cast<const void*>(&g.migration[0]),
                                      static_cast<const void*>(&g.migration[kTiers * kTiers - 1]),
                                      static_cast<const void*>(&g.score_milli),
                                      static_cast<const void*>(&g.score_points[std::size_t(k.point)]),
                                      static_cast<const void*>(&g.dimension_milli[0]),
                                      static_cast<const void*>(&g.dimension_known[kDimensions - 1]),
                                      static_cast<const void*>(&g.revenue_cents), static_cast<const void*>(&g.wallet_cents)})
                __builtin_prefetch(field, 1);
        }
        if (counts(level, block[i])) first[member_of(level, block[i])].add(contributions_[i]);
    }
}

std::span<std::int64_t> EngagementSummary::sum_words() noexcept {
    return {reinterpret_cast<std::int64_t*>(groups_.data()), groups_.size() * sizeof(EngagementGroup) / 8};
}

MeanInterval mean_score_interval(const EngagementGroup& g) noexcept {
    if (g.customers < 2) return {};
    // Integer sums of the histogram: exact, so the interval is the same for any number of ranks.
    std::int64_t sum = 0, squares = 0;
    for (std::int64_t p = 0; p <= 100; ++p) {
        sum += g.score_points[std::size_t(p)] * p;
        squares += g.score_points[std::size_t(p)] * p * p;
    }
    const double n = double(g.customers);
    const double variance = std::max(0.0, (double(squares) - double(sum) * double(sum) / n) / (n - 1));
    return t_interval(double(g.score_milli) / n / 1000.0, std::sqrt(variance), g.customers);
}

int median_points(const EngagementGroup& g) noexcept {
    if (g.customers == 0) return -1;
    const std::int64_t rank = (g.customers + 1) / 2;
    std::int64_t seen = 0;
    for (int p = 0; p <= 100; ++p)
        if ((seen += g.score_points[p]) >= rank) return p;
    return 100;
}

LevelGroups LevelGroups::of(const EngagementSummary& s, Level level) {
    return {s.groups(level), [&s, level](std::size_t g, EngagementGroup&) -> const EngagementGroup& { return s.group(level, g); }};
}

SuppressedLevel suppress_small_groups(const EngagementSummary& s, Level level, std::int64_t min_size) {
    return suppress_small_groups(LevelGroups::of(s, level), min_size);
}

SuppressedLevel suppress_small_groups(const LevelGroups& groups, std::int64_t min_size) {
    std::vector<std::int64_t> sizes(groups.count);
    EngagementGroup buffer;
    for (std::size_t g = 0; g < sizes.size(); ++g) sizes[g] = groups.read(g, buffer).customers;
    const SuppressionPlan plan = plan_suppression(sizes, min_size);
    SuppressedLevel out;
    out.kept = plan.kept;
    for (std::size_t g : plan.folded) out.other.merge(groups.read(g, buffer));
    out.other_groups = std::int64_t(plan.folded.size());
    out.other_shown = plan.other_shown;
    return out;
}

}  // namespace engage::kernels
