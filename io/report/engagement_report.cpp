#include "io/report/engagement_report.hpp"

#include <charconv>
#include <cmath>
#include <memory>
#include <optional>

#include "core/dates.hpp"
#include "io/customer_base.hpp"
#include "io/report/csv.hpp"
#include "io/report/html/sections.hpp"
#include "io/report/json_text.hpp"

namespace engage::io {

namespace {

using json = nlohmann::ordered_json;
using namespace kernels;

// a / b, or nothing (undefined: null in report.json, an empty field in engagement.csv) when nobody
// is behind the denominator.
std::optional<double> ratio(std::int64_t a, std::int64_t b, double scale = 1.0) {
    if (b == 0) return std::nullopt;
    return double(a) / double(b) * scale;
}

// What report.json and engagement.csv print of a group beyond its counts, computed once for both.
// `amounts`: false for a base without amounts, whose revenue is unknown (null), not 0.
struct Figures {
    std::array<std::optional<double>, kTiers> tier_shares;
    std::optional<double> mean, nps, revenue, revenue_at_risk, wallet_share, mean_previous, change;
    std::array<std::optional<double>, kDimensions> dimension_means;
    std::int64_t respondents;
    int median;
    MeanInterval ci;

    Figures(const EngagementGroup& g, bool amounts)
        : mean(ratio(g.score_milli, g.customers, 1e-3)),
          revenue(amounts ? std::optional(double(g.revenue_cents) / 100.0) : std::nullopt),
          revenue_at_risk(amounts ? std::optional(double(g.revenue_at_risk_cents) / 100.0) : std::nullopt),
          wallet_share(ratio(g.wallet_spend_cents, g.wallet_cents)),
          mean_previous(ratio(g.score_milli_previous, g.customers_previous, 1e-3)),
          respondents(g.promoters + g.passives + g.detractors),
          median(median_points(g)),
          ci(mean_score_interval(g)) {
        for (int i = 0; i < kTiers; ++i) tier_shares[i] = ratio(g.tiers[i], g.customers);
        for (int d = 0; d < kDimensions; ++d) dimension_means[d] = ratio(g.dimension_milli[d], g.dimension_known[d], 1e-3);
        nps = ratio(g.promoters - g.detractors, respondents, 100.0);
        // The change of the mean score; both means are over the customers acquired at each date.
        if (g.customers && g.customers_previous)
            change = double(g.score_milli) / double(g.customers) / 1000.0 -
                     double(g.score_milli_previous) / double(g.customers_previous) / 1000.0;
    }
};

void tier_counts(JsonText& j, const std::array<std::int64_t, kTiers>& t) {
    j.object();
    for (int i = 0; i < kTiers; ++i) j.member(kTierNames[i], t[i]);
    j.end();
}

// A group's entry of report.json.
void write_group(JsonText& j, const EngagementGroup& g, std::string_view name, bool with_migration, bool amounts) {
    const Figures f(g, amounts);
    j.object().member("name", name).member("customers", g.customers);
    j.key("tiers");
    tier_counts(j, g.tiers);
    j.key("tier_shares").object();
    for (int i = 0; i < kTiers; ++i) j.member(kTierNames[i], f.tier_shares[i]);
    j.end().member("mean_score", f.mean).member("median_score", f.median).key("mean_score_ci95");
    if (f.ci.known()) j.object().member("low", f.ci.low).member("high", f.ci.high).end();
    else j.null();
    j.key("dimensions").object();
    for (int d = 0; d < kDimensions; ++d)
        j.key(kDimensionNames[d]).object().member("customers", g.dimension_known[d]).member("mean", f.dimension_means[d]).end();
    j.end().key("nps").object();
    j.member("respondents", f.respondents).member("promoters", g.promoters).member("passives", g.passives);
    j.member("detractors", g.detractors).member("nps", f.nps).end();
    j.member("revenue", f.revenue).member("revenue_at_risk", f.revenue_at_risk);
    j.key("share_of_wallet").object().member("customers", g.wallet_customers).member("share", f.wallet_share).end();
    j.key("trend").object().member("customers_previous", g.customers_previous);
    j.member("mean_score_previous", f.mean_previous).member("change", f.change).key("tiers_previous");
    tier_counts(j, g.tiers_previous);
    if (with_migration) {
        j.key("migration_from_previous_to_now").array();
        for (int from = 0; from < kTiers; ++from) {
            j.array();
            for (int to = 0; to < kTiers; ++to) j.number(g.migration[from * kTiers + to]);
            j.end();
        }
        j.end();
    }
    j.end().end();
}

json group_json(const EngagementGroup& g, const std::string& name, bool with_migration, bool amounts) {
    std::string text;
    JsonText j(text);
    write_group(j, g, name, with_migration, amounts);
    return json::parse(text);
}

// A group's row of engagement.csv: the numbers report.json prints, null as an empty field.
std::string group_row(const char* level, const EngagementGroup& g, const std::string& name, bool amounts) {
    const Figures f(g, amounts);
    std::string row = level;
    row += ',';
    row += csv_field(name);
    auto integer = [&row](std::int64_t v) {
        char buf[24];
        row += ',';
        row.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    };
    auto real = [&row](std::optional<double> v) {
        char buf[64];
        row += ',';
        if (v) row += json_number(*v, buf);
    };
    integer(g.customers);
    for (int i = 0; i < kTiers; ++i) integer(g.tiers[i]);
    real(f.mean);
    integer(f.median);
    real(f.nps);
    integer(f.respondents);
    real(f.revenue);
    real(f.revenue_at_risk);
    real(f.wallet_share);
    integer(g.wallet_customers);
    integer(g.customers_previous);
    real(f.mean_previous);
    real(f.change);
    real(f.ci.known() ? std::optional(f.ci.low) : std::nullopt);
    real(f.ci.known() ? std::optional(f.ci.high) : std::nullopt);
    return row + '\n';
}

// A group's rows of tier_migration.csv.
std::string migration_rows(const char* level, const EngagementGroup& g, const std::string& name) {
    std::string rows;
    for (int from = 0; from < kTiers; ++from)
        for (int to = 0; to < kTiers; ++to)
            rows += csv_row({level, name, kTierNames[from], kTierNames[to], g.migration[from * kTiers + to]});
    return rows;
}

// engagement.csv (a row per group of every level) and tier_migration.csv (the corporation's and
// the business units' migrations), filled level by level with report.json's section.
struct Tables {
    std::string rows =
        "level,group,customers,fully_engaged,engaged,not_engaged,actively_disengaged,mean_score,"
        "median_score,nps,nps_respondents,revenue,revenue_at_risk,share_of_wallet,wallet_customers,"
        "customers_previous,mean_score_previous,score_change,mean_score_ci95_low,mean_score_ci95_high\n";
    std::string migration = "level,group,from_tier,to_tier,customers\n";

    void add(Level level, const EngagementGroup& g, const std::string& name, bool with_migration, bool amounts) {
        rows += group_row(kLevelNames[int(level)], g, name, amounts);
        if (with_migration) migration += migration_rows(kLevelNames[int(level)], g, name);
    }
};

// The groups of one level after suppression, and "other". With `splice` (the relationship
// managers: one entry per manager), the groups are left to it and to `streamed`'s rows, printed
// when written, and the splice keeps for report.html the groups that page shows.
json level_json(const LevelGroups& groups, Level level, const std::vector<std::string>& names, std::int64_t min_size,
                bool amounts, Tables& tables, Splice* splice = nullptr, CsvTable* streamed = nullptr) {
    const SuppressedLevel sl = suppress_small_groups(groups, min_size);
    const bool migration = level == Level::business_unit;
    const std::string other_name = "other (" + std::to_string(sl.other_groups) + " groups)";
    json out;
    EngagementGroup buffer;
    if (splice) {
        auto kept = std::make_shared<const std::vector<std::size_t>>(sl.kept);
        splice->count = streamed->more_rows = kept->size();
        splice->entry = [groups, &names, kept, migration, amounts](std::size_t i, JsonText& j) {
            EngagementGroup buffer;
            write_group(j, groups.read((*kept)[i], buffer), names[(*kept)[i]], migration, amounts);
        };
        streamed->row = [groups, &names, kept, level, amounts](std::size_t i) {
            EngagementGroup buffer;
            return group_row(kLevelNames[int(level)], groups.read((*kept)[i], buffer), names[(*kept)[i]], amounts);
        };
        if (sl.other_shown) streamed->tail = group_row(kLevelNames[int(level)], sl.other, other_name, amounts);
        std::vector<double> means;
        means.reserve(kept->size());
        for (std::size_t g : *kept) {
            const EngagementGroup& group = groups.read(g, buffer);
            means.push_back(ratio(group.score_milli, group.customers, 1e-3).value_or(std::nan("")));
        }
        json shown = json::array();
        for (std::size_t i : html::shown_groups(means)) shown.push_back(splice->entry_json(i));
        splice->shown = {{"total", splice->count}, {"shown", std::move(shown)}};
        out["groups"] = splice->marker();
    } else {
        json groups_json = json::array();
        for (std::size_t g : sl.kept) {
            const EngagementGroup& group = groups.read(g, buffer);
            groups_json.push_back(group_json(group, names[g], migration, amounts));
            tables.add(level, group, names[g], migration, amounts);
        }
        out["groups"] = std::move(groups_json);
    }
    out["suppressed_groups"] = sl.other_groups;
    out["other"] = json();
    if (sl.other_shown) {
        out["other"] = group_json(sl.other, other_name, migration, amounts);
        if (!splice) tables.add(level, sl.other, other_name, migration, amounts);
    }
    return out;
}

// When the base's wallets were known, and whether this date used them (a date before they were
// known is scored without them: jobs/score_stages.cpp).
json wallets_json(const CustomerBaseMeta& meta, const std::string& as_of) {
    if (!meta.has_wallet) return {{"known_from", nullptr}, {"used", false}};
    const std::int64_t from = meta.wallet_known_from.value_or(0);
    const auto day = parse_iso_date(as_of);
    return {{"known_from", format_iso_date(meta.epoch_unix_day + from)},
            {"used", day && *day - meta.epoch_unix_day >= from}};
}

}  // namespace

EngagementReport engagement_report(const EngagementSummary& summary, const LevelGroups& managers,
                                   const TierScoreHistogram& score_by_tier,
                       const RankCorrelation& truth,
                       const EngagementConfig& config, const std::array<bool, kDimensions>& signal,
                       const CustomerBaseMeta& meta, const std::string& as_of,
                       const std::string& previous_as_of) {
    EngagementReport out;
    json& r = out.section;
    r["as_of"] = as_of;
    r["previous_as_of"] = previous_as_of;
    // The configured weights, and those the composite uses where a customer's every dimension
    // is known: renormalised over the dimensions with signal in the base (kernels/engagement/scoring.hpp).
    json weights, effective, without = json::array();
    double kept = 0;
    for (int d = 0; d < kDimensions; ++d) kept += signal[d] ? config.dimension_weight[d] : 0.0;
    for (int d = 0; d < kDimensions; ++d) {
        weights[kDimensionNames[d]] = config.dimension_weight[d];
        effective[kDimensionNames[d]] = signal[d] && kept > 0 ? config.dimension_weight[d] / kept : 0.0;
        if (!signal[d]) without.push_back(kDimensionNames[d]);
    }
    r["model"] = {{"dimension_weights", weights},
                  {"dimensions_without_signal", without},
                  {"effective_dimension_weights", effective},
                  {"fully_engaged_min", config.fully_engaged_min},
                  {"engaged_min", config.engaged_min},
                  {"half_life_days", config.half_life_days},
                  {"trend_days", config.trend_days},
                  {"min_group_size", config.min_group_size},
                  {"reference_population", kReferencePopulationNames[int(config.reference)]},
                  {"wallets", wallets_json(meta, as_of)}};
    Tables tables;
    const EngagementGroup& corporate = summary.group(Level::corporate, 0);
    r["corporate"] = group_json(corporate, "corporate", true, meta.has_amounts);
    tables.add(Level::corporate, corporate, "corporate", true, meta.has_amounts);
    json distribution;
    distribution["scores"] = "customers per rounded composite score 0, 1, ..., 100, by tier at the as-of date";
    std::string distribution_csv = "score";
    for (const char* t : kTierNames) distribution_csv += std::string(",") + t;
    distribution_csv += "\n";
    for (int t = 0; t < kTiers; ++t) {
        json counts = json::array();
        for (int p = 0; p < TierScoreHistogram::kPoints; ++p) counts.push_back(score_by_tier.count(t, p));
        distribution[kTierNames[t]] = std::move(counts);
    }
    for (int p = 0; p < TierScoreHistogram::kPoints; ++p)
        distribution_csv += csv_row({p, score_by_tier.count(0, p), score_by_tier.count(1, p), score_by_tier.count(2, p),
                                     score_by_tier.count(3, p)});
    r["corporate"]["score_distribution"] = std::move(distribution);
    const auto min = std::int64_t(config.min_group_size);
    r["business_units"] =
        level_json(LevelGroups::of(summary, Level::business_unit), Level::business_unit, meta.business_unit_names,
                   min, meta.has_amounts, tables);
    r["regions"] = level_json(LevelGroups::of(summary, Level::region), Level::region, meta.region_names, min,
                              meta.has_amounts, tables);
    // The relationship managers: an entry and a row each, printed when written; no migration rows.
    CsvTable rows{"engagement.csv", ""};
    out.relationship_managers.pointer = "/engagement/relationship_managers/groups";
    r["relationship_managers"] = level_json(managers, Level::relationship_manager, meta.rm_names, min,
                                            meta.has_amounts, tables, &out.relationship_managers, &rows);
    rows.content = std::move(tables.rows);
    out.tables.push_back(std::move(rows));
    out.tables.push_back({"tier_migration.csv", std::move(tables.migration)});
    out.tables.push_back({"score_distribution.csv", std::move(distribution_csv)});
    if (truth.count() > 0) {
        const double rho = truth.rho();
        r["validation"] = {{"customers", truth.count()},
                           {"spearman_composite_vs_planted_engagement", std::isnan(rho) ? json() : json(rho)}};
    }
    return out;
}

}  // namespace engage::io
