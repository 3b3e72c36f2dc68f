#include "io/report/engagement_report.hpp"

#include <cmath>
#include <memory>

#include "core/dates.hpp"
#include "io/customer_base.hpp"
#include "io/report/csv.hpp"
#include "io/report/html/sections.hpp"

namespace engage::io {

namespace {

using json = nlohmann::ordered_json;
using namespace kernels;

// a / b, or null (undefined) when nobody is behind the denominator.
json ratio(std::int64_t a, std::int64_t b, double scale = 1.0) { return b == 0 ? json() : json(double(a) / double(b) * scale); }

json tier_counts(const std::array<std::int64_t, kTiers>& t) {
    json out;
    for (int i = 0; i < kTiers; ++i) out[kTierNames[i]] = t[i];
    return out;
}

// `amounts`: false for a base without amounts, whose revenue is unknown (null), not 0.
json group_json(const EngagementGroup& g, const std::string& name, bool with_migration, bool amounts) {
    json out;
    out["name"] = name;
    out["customers"] = g.customers;
    out["tiers"] = tier_counts(g.tiers);
    json shares;
    for (int i = 0; i < kTiers; ++i) shares[kTierNames[i]] = ratio(g.tiers[i], g.customers);
    out["tier_shares"] = shares;
    out["mean_score"] = ratio(g.score_milli, g.customers, 1e-3);
    out["median_score"] = median_points(g);
    const MeanInterval ci = mean_score_interval(g);
    out["mean_score_ci95"] = ci.known() ? json{{"low", ci.low}, {"high", ci.high}} : json();
    json dims;
    for (int d = 0; d < kDimensions; ++d)
        dims[kDimensionNames[d]] = {{"customers", g.dimension_known[d]},
                                    {"mean", ratio(g.dimension_milli[d], g.dimension_known[d], 1e-3)}};
    out["dimensions"] = dims;
    const std::int64_t respondents = g.promoters + g.passives + g.detractors;
    out["nps"] = {{"respondents", respondents},
                  {"promoters", g.promoters},
                  {"passives", g.passives},
                  {"detractors", g.detractors},
                  {"nps", ratio(g.promoters - g.detractors, respondents, 100.0)}};
    out["revenue"] = amounts ? json(double(g.revenue_cents) / 100.0) : json();
    out["revenue_at_risk"] = amounts ? json(double(g.revenue_at_risk_cents) / 100.0) : json();
    out["share_of_wallet"] = {{"customers", g.wallet_customers},
                              {"share", ratio(g.wallet_spend_cents, g.wallet_cents)}};
    json trend;
    trend["customers_previous"] = g.customers_previous;
    trend["mean_score_previous"] = ratio(g.score_milli_previous, g.customers_previous, 1e-3);
    // The change of the mean score; both means are over the customers acquired at each date.
    trend["change"] = g.customers && g.customers_previous
                          ? json(double(g.score_milli) / double(g.customers) / 1000.0 -
                                 double(g.score_milli_previous) / double(g.customers_previous) / 1000.0)
                          : json();
    trend["tiers_previous"] = tier_counts(g.tiers_previous);
    if (with_migration) {
        json m = json::array();
        for (int from = 0; from < kTiers; ++from) {
            json row = json::array();
            for (int to = 0; to < kTiers; ++to) row.push_back(g.migration[from * kTiers + to]);
            m.push_back(row);
        }
        trend["migration_from_previous_to_now"] = m;
    }
    out["trend"] = trend;
    return out;
}

// The groups of one level after suppression, and "other". With `splice` (the relationship
// managers: one entry per manager), the groups are left to it, built when written, and it keeps
// for report.html the groups that page shows.
json level_json(const EngagementSummary& s, Level level, const std::vector<std::string>& names,
                std::int64_t min_size, bool amounts, Splice* splice = nullptr) {
    const SuppressedLevel sl = suppress_small_groups(s, level, min_size);
    const bool migration = level == Level::business_unit;
    json out;
    if (splice) {
        auto kept = std::make_shared<const std::vector<std::size_t>>(sl.kept);
        splice->count = kept->size();
        splice->entry = [&s, &names, kept, level, migration, amounts](std::size_t i) {
            return group_json(s.group(level, (*kept)[i]), names[(*kept)[i]], migration, amounts);
        };
        std::vector<double> means;
        means.reserve(kept->size());
        for (std::size_t g : *kept) {
            const json m = ratio(s.group(level, g).score_milli, s.group(level, g).customers, 1e-3);
            means.push_back(m.is_null() ? std::nan("") : m.get<double>());
        }
        json shown = json::array();
        for (std::size_t i : html::shown_groups(means)) shown.push_back(splice->entry(i));
        splice->shown = {{"total", splice->count}, {"shown", std::move(shown)}};
        out["groups"] = splice->marker();
    } else {
        json groups = json::array();
        for (std::size_t g : sl.kept) groups.push_back(group_json(s.group(level, g), names[g], migration, amounts));
        out["groups"] = std::move(groups);
    }
    out["suppressed_groups"] = sl.other_groups;
    out["other"] = sl.other_shown ? group_json(sl.other, "other (" + std::to_string(sl.other_groups) + " groups)", migration, amounts)
                                  : json();
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

EngagementReport engagement_report(const EngagementSummary& summary, const TierScoreHistogram& score_by_tier,
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
    r["corporate"] = group_json(summary.group(Level::corporate, 0), "corporate", true, meta.has_amounts);
    json distribution;
    distribution["scores"] = "customers per rounded composite score 0, 1, ..., 100, by tier at the as-of date";
    for (int t = 0; t < kTiers; ++t) {
        json counts = json::array();
        for (int p = 0; p < TierScoreHistogram::kPoints; ++p) counts.push_back(score_by_tier.count(t, p));
        distribution[kTierNames[t]] = std::move(counts);
    }
    r["corporate"]["score_distribution"] = std::move(distribution);
    const auto min = std::int64_t(config.min_group_size);
    r["business_units"] = level_json(summary, Level::business_unit, meta.business_unit_names, min, meta.has_amounts);
    r["regions"] = level_json(summary, Level::region, meta.region_names, min, meta.has_amounts);
    out.relationship_managers.pointer = "/engagement/relationship_managers/groups";
    r["relationship_managers"] =
        level_json(summary, Level::relationship_manager, meta.rm_names, min, meta.has_amounts, &out.relationship_managers);
    if (truth.count() > 0) {
        const double rho = truth.rho();
        r["validation"] = {{"customers", truth.count()},
                           {"spearman_composite_vs_planted_engagement", std::isnan(rho) ? json() : json(rho)}};
    }
    return out;
}

std::vector<CsvTable> engagement_tables(const EngagementReport& report) {
    const json& e = report.section;
    std::string distribution = "score";
    for (const char* t : kTierNames) distribution += std::string(",") + t;
    distribution += "\n";
    const json& d = e["corporate"]["score_distribution"];
    for (int p = 0; p < TierScoreHistogram::kPoints; ++p)
        distribution += csv_row({p, d[kTierNames[0]][p], d[kTierNames[1]][p], d[kTierNames[2]][p], d[kTierNames[3]][p]});
    std::string rows =
        "level,group,customers,fully_engaged,engaged,not_engaged,actively_disengaged,mean_score,"
        "median_score,nps,nps_respondents,revenue,revenue_at_risk,share_of_wallet,wallet_customers,"
        "customers_previous,mean_score_previous,score_change,mean_score_ci95_low,mean_score_ci95_high\n";
    std::string migration = "level,group,from_tier,to_tier,customers\n";
    auto row = [](const char* level, const json& g) {
        const json& t = g["tiers"];
        const json& ci = g["mean_score_ci95"];
        return csv_row({level, g["name"], g["customers"], t["fully_engaged"], t["engaged"], t["not_engaged"],
                        t["actively_disengaged"], g["mean_score"], g["median_score"], g["nps"]["nps"],
                        g["nps"]["respondents"], g["revenue"], g["revenue_at_risk"], g["share_of_wallet"]["share"],
                        g["share_of_wallet"]["customers"], g["trend"]["customers_previous"],
                        g["trend"]["mean_score_previous"], g["trend"]["change"],
                        ci.is_null() ? json() : ci["low"], ci.is_null() ? json() : ci["high"]});
    };
    auto migration_rows = [&](const char* level, const json& g) {
        if (!g["trend"].contains("migration_from_previous_to_now")) return;
        const json& m = g["trend"]["migration_from_previous_to_now"];
        for (int from = 0; from < kTiers; ++from)
            for (int to = 0; to < kTiers; ++to)
                migration += csv_row({level, g["name"], kTierNames[from], kTierNames[to], m[from][to]});
    };
    auto rows_of = [&](const char* level, const json& g) {
        rows += row(level, g);
        migration_rows(level, g);
    };
    rows_of("corporate", e["corporate"]);
    for (const char* level : {"business_units", "regions"}) {
        const std::string singular = std::string(level).substr(0, std::string(level).size() - 1);
        for (const auto& g : e[level]["groups"]) rows_of(singular.c_str(), g);
        if (!e[level]["other"].is_null()) rows_of(singular.c_str(), e[level]["other"]);
    }
    // The relationship managers: a row each, printed when written; they have no migration rows.
    CsvTable engagement{"engagement.csv", std::move(rows)};
    engagement.more_rows = report.relationship_managers.count;
    engagement.row = [entry = report.relationship_managers.entry, row](std::size_t i) {
        return row("relationship_manager", entry(i));
    };
    const json& other = e["relationship_managers"]["other"];
    if (!other.is_null()) engagement.tail = row("relationship_manager", other);
    std::vector<CsvTable> tables;
    tables.push_back(std::move(engagement));
    tables.push_back({"tier_migration.csv", migration});
    tables.push_back({"score_distribution.csv", distribution});
    return tables;
}

}  // namespace engage::io
