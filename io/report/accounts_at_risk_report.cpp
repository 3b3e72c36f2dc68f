#include "io/report/accounts_at_risk_report.hpp"

#include <algorithm>
#include <memory>
#include <numeric>
#include <optional>

#include "io/customer_base.hpp"
#include "io/report/json_text.hpp"

namespace engage::io {

namespace {

using json = nlohmann::ordered_json;
using namespace kernels;

void write_account(JsonText& j, const AtRiskAccount& a, const CustomerBaseMeta& meta) {
    j.object().member("customer_id", a.id);
    j.member("business_unit", meta.business_unit_names[a.business_unit]).member("relationship_manager", meta.rm_names[a.rm]);
    // A base without amounts (imported with --amount-column none) has no revenue: null, not 0.
    j.member("revenue_at_risk", meta.has_amounts ? std::optional(double(a.revenue_cents) / 100.0) : std::nullopt);
    j.member("tier", kTierNames[a.tier]).member("score", double(a.score_milli) / 1000.0);
    const bool before = a.tier_previous >= 0;
    j.key("tier_previous");
    if (before) j.string(kTierNames[a.tier_previous]);
    else j.null();
    j.member("score_previous", before ? std::optional(double(a.score_milli_previous) / 1000.0) : std::nullopt);
    // The change of the score since the trend date, in whole thousandths (exact).
    j.member("score_change", before ? std::optional(double(a.score_milli - a.score_milli_previous) / 1000.0) : std::nullopt);
    j.member("newly_at_risk", a.newly_at_risk()).end();
}

// What a group's line shows of its EngagementGroup.
struct GroupAtRisk {
    std::int64_t customers = 0, at_risk = 0, at_risk_previous = 0, revenue_at_risk_cents = 0;
    explicit GroupAtRisk(const EngagementGroup& g)
        : customers(g.customers),
          at_risk(g.tiers[int(Tier::not_engaged)] + g.tiers[int(Tier::actively_disengaged)]),
          at_risk_previous(g.tiers_previous[int(Tier::not_engaged)] + g.tiers_previous[int(Tier::actively_disengaged)]),
          revenue_at_risk_cents(g.revenue_at_risk_cents) {}
};

// A group's line: its accounts at risk, their revenue and their change since the trend date.
void write_group(JsonText& j, const GroupAtRisk& g, const std::string& name, std::span<const AtRiskAccount> top,
                 const CustomerBaseMeta& meta) {
    j.object().member("name", name).member("customers", g.customers);
    j.member("customers_at_risk", g.at_risk);
    j.member("customers_at_risk_previous", g.at_risk_previous);
    j.member("revenue_at_risk", meta.has_amounts ? std::optional(double(g.revenue_at_risk_cents) / 100.0) : std::nullopt);
    j.key("top_accounts").array();
    for (const auto& a : top) write_account(j, a, meta);
    j.end().end();
}

json group_json(const EngagementGroup& g, const std::string& name, std::span<const AtRiskAccount> top,
                const CustomerBaseMeta& meta) {
    std::string text;
    JsonText j(text);
    write_group(j, GroupAtRisk(g), name, top, meta);
    return json::parse(text);
}

// The groups of a level with at least one account at risk, most revenue at risk first (ties:
// the group's index, the input's order of names), with what their lines show: read once, in
// the groups' order (at 400,000 managers rank 0 reads the groups from a scratch file, where a
// read in the ranking's order was a system call each: docs/performance.md, "The report's rows
// read in chunks").
struct RankedGroup {
    std::size_t index;
    GroupAtRisk figures;
};
std::vector<RankedGroup> ranked_groups(const LevelGroups& level, const ManagerLists& top) {
    std::vector<RankedGroup> groups;
    EngagementGroup buffer;
    ManagerSlots slots;
    for (std::size_t g = 0; g < level.count; ++g)
        if (!top(g, slots).empty()) groups.push_back({g, GroupAtRisk(level.read(g, buffer))});
    std::stable_sort(groups.begin(), groups.end(), [](const RankedGroup& a, const RankedGroup& b) {
        return a.figures.revenue_at_risk_cents > b.figures.revenue_at_risk_cents;
    });
    return groups;
}

}  // namespace

AccountsAtRiskReport accounts_at_risk_report(const AccountsAtRisk& risk, const EngagementSummary& summary,
                                             const LevelGroups& managers, const ManagerLists& lists,
                                             const CustomerBaseMeta& meta) {
    AccountsAtRiskReport out;
    json& r = out.section;
    r["definition"] = "customers whose tier at the as-of date is not_engaged or actively_disengaged; revenue at "
                      "risk: their purchase revenue in the window; ranked by revenue at risk, then customer id";
    r["top_accounts_per_business_unit"] = AccountsAtRisk::kPerUnit;
    r["top_accounts_per_relationship_manager"] = AccountsAtRisk::kPerManager;
    const EngagementGroup& corporate = summary.group(Level::corporate, 0);
    r["corporate"] = group_json(corporate, "corporate", risk.corporate.group(0), meta);
    json units = json::array();
    const ManagerLists unit_lists = [&risk](std::size_t g, ManagerSlots&) { return risk.business_units.group(g); };
    for (const RankedGroup& u : ranked_groups(LevelGroups::of(summary, Level::business_unit), unit_lists))
        units.push_back(group_json(summary.group(Level::business_unit, u.index), meta.business_unit_names[u.index],
                                   risk.business_units.group(u.index), meta));
    r["business_units"] = std::move(units);
    auto ranked = std::make_shared<const std::vector<RankedGroup>>(ranked_groups(managers, lists));
    Splice& splice = out.relationship_managers;
    splice.pointer = "/accounts_at_risk/relationship_managers";
    splice.count = ranked->size();
    splice.entry = [lists, &meta, ranked](std::size_t i, JsonText& j) {
        const RankedGroup& m = (*ranked)[i];
        ManagerSlots slots;
        write_group(j, m.figures, meta.rm_names[m.index], lists(m.index, slots), meta);
    };
    // report.html shows the managers' totals, not their lists, and at most kPageManagers of them.
    constexpr std::size_t kPageManagers = 2000;
    json shown = json::array();
    for (std::size_t i = 0; i < std::min(splice.count, kPageManagers); ++i) {
        json e = splice.entry_json(i);
        e.erase("top_accounts");
        shown.push_back(std::move(e));
    }
    splice.shown = std::move(shown);
    r["relationship_managers_at_risk"] = splice.count;
    r["relationship_managers"] = splice.marker();
    return out;
}

}  // namespace engage::io
