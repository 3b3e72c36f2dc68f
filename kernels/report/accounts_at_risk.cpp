#include "report/accounts_at_risk.hpp"

#include <algorithm>
#include <cstddef>
#include <type_traits>

#include "stats/round.hpp"

namespace engage::kernels {

static_assert(std::is_trivially_copyable_v<AtRiskAccount> && sizeof(AtRiskAccount) % 8 == 0);

bool is_at_risk(const ScoredCustomer& c) noexcept { return c.now.acquired && at_risk_tier(c.now.tier); }

AtRiskAccount at_risk_account(const ScoredCustomer& c) noexcept {
    AtRiskAccount a;
    a.id = c.id;
    a.revenue_cents = c.revenue_cents;
    a.score_milli = std::int32_t(round_half_away(c.now.composite * 1000.0));
    a.business_unit = c.business_unit;
    a.rm = c.rm;
    a.tier = std::int32_t(c.now.tier);
    if (c.previous.acquired) {
        a.tier_previous = std::int32_t(c.previous.tier);
        a.score_milli_previous = std::int32_t(round_half_away(c.previous.composite * 1000.0));
    }
    return a;
}

TopAccounts::TopAccounts(std::size_t groups, std::size_t n) : groups_(groups), n_(n), slots_(groups * n) {}

// Insertion into a sorted list of n slots: n is small (10-25), and most offers are rejected by
// the comparison with the last slot.
void TopAccounts::offer(std::size_t group, const AtRiskAccount& a) noexcept {
    if (n_ == 0) return;
    AtRiskAccount* s = slots_.data() + group * n_;
    if (!s[n_ - 1].empty() && !a.before(s[n_ - 1])) return;
    std::size_t i = n_ - 1;
    while (i > 0 && (s[i - 1].empty() || a.before(s[i - 1]))) {
        s[i] = s[i - 1];
        --i;
    }
    s[i] = a;
}

void TopAccounts::merge_words(std::span<const std::int64_t> words, std::size_t first_group) noexcept {
    if (n_ == 0) return;
    const auto* from = reinterpret_cast<const AtRiskAccount*>(words.data());
    const std::size_t groups = std::min(groups_ - std::min(first_group, groups_), words.size() * 8 / sizeof(AtRiskAccount) / n_);
    merged_.resize(n_);
    for (std::size_t k = 0; k < groups; ++k) {
        const std::size_t g = first_group + k;
        const AtRiskAccount* a = slots_.data() + g * n_;
        const AtRiskAccount* b = from + k * n_;
        auto has = [this](const AtRiskAccount* s, std::size_t i) { return i < n_ && !s[i].empty(); };
        std::size_t i = 0, j = 0;
        for (std::size_t k = 0; k < n_; ++k) {
            if (has(a, i) && (!has(b, j) || a[i].before(b[j]))) merged_[k] = a[i++];
            else if (has(b, j)) merged_[k] = b[j++];
            else merged_[k] = AtRiskAccount{};
        }
        std::copy(merged_.begin(), merged_.end(), slots_.begin() + std::ptrdiff_t(g * n_));
    }
}

std::span<const AtRiskAccount> TopAccounts::group(std::size_t g) const noexcept {
    return filled({slots_.data() + g * n_, n_});
}

std::span<const AtRiskAccount> TopAccounts::filled(std::span<const AtRiskAccount> slots) noexcept {
    std::size_t n = 0;
    while (n < slots.size() && !slots[n].empty()) ++n;
    return slots.first(n);
}

std::span<std::int64_t> TopAccounts::words() noexcept {
    return {reinterpret_cast<std::int64_t*>(slots_.data()), slots_.size() * sizeof(AtRiskAccount) / 8};
}

std::span<const std::int64_t> TopAccounts::slots_words() const noexcept {
    return {reinterpret_cast<const std::int64_t*>(slots_.data()), slots_.size() * sizeof(AtRiskAccount) / 8};
}

void AccountsAtRisk::update(std::span<const ScoredCustomer> block) noexcept {
    for (List list : {List::corporate, List::business_units, List::rms}) update(block, list);
}

void AccountsAtRisk::update(std::span<const ScoredCustomer> block, List list) noexcept {
    TopAccounts& to = list == List::corporate ? corporate : list == List::business_units ? business_units : rms;
    for (const ScoredCustomer& c : block) {
        if (!is_at_risk(c)) continue;
        if (list == List::rms && c.rm - first_rm >= rms.groups()) continue;  // another range's manager
        to.offer(list == List::corporate ? 0 : list == List::business_units ? c.business_unit : c.rm - first_rm,
                 at_risk_account(c));
    }
}

}  // namespace engage::kernels
