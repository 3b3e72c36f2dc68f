#include "io/report/score_report.hpp"

#include "core/errors.hpp"
#include "features/channel_kind.hpp"
#include "io/customer_base.hpp"
#include "io/report/csv.hpp"
#include "io/report/ordered_pieces.hpp"
#include "io/text_out.hpp"
#include "report/suppression.hpp"

namespace engage::io {

namespace {

using json = nlohmann::ordered_json;
using kernels::Feature;

constexpr double kQuantiles[] = {0.10, 0.25, 0.50, 0.75, 0.90, 0.99};
constexpr const char* kQuantileNames[] = {"p10", "p25", "p50", "p75", "p90", "p99"};

// Money and channel values are kept in hundredths; reports show them in units.
double in_units(std::int64_t hundredths) { return double(hundredths) / 100.0; }

json distribution(const kernels::DistributionSums& s, const kernels::DistributionExtremes& x,
                  bool hundredths) {
    const double scale = hundredths ? 0.01 : 1.0;
    json d;
    d["count"] = s.count;
    if (s.count == 0) return d;
    d["mean"] = double(s.total) / double(s.count) * scale;
    d["min"] = double(-x.neg_min) * scale;
    for (int q = 0; q < 6; ++q) d[kQuantileNames[q]] = kernels::quantile(s, x, kQuantiles[q]) * scale;
    d["max"] = double(x.max) * scale;
    return d;
}

json group(const kernels::GroupSums& s, const kernels::GroupExtremes& x, const std::string& name,
           const CustomerBaseMeta& meta) {
    json out;
    out["name"] = name;
    out["customers"] = s.customers;
    out["acquired"] = s.acquired;
    out["active"] = s.active;
    out["purchasers"] = s.purchasers;
    out["interactions_window"] = s.interactions_window;
    out["interactions_total"] = s.interactions_total;
    // A base without amounts (engage import --amount-column none) values its purchases 0: its
    // revenue is unknown, not zero.
    if (meta.has_amounts) {
        out["revenue"] = in_units(s.revenue_cents);
        out["revenue_per_active_customer"] = s.active ? in_units(s.revenue_cents) / double(s.active) : 0.0;
    } else {
        out["revenue"] = nullptr;
        out["revenue_per_active_customer"] = nullptr;
    }
    json features;
    for (int f = 0; f < kernels::kFeatures; ++f)
        features[kernels::feature_name(Feature(f))] =
            distribution(s.features[f], x.features[f], f == int(Feature::monetary_cents));
    out["features"] = features;
    json channels = json::array();
    for (std::size_t k = 0; k < meta.channels.size(); ++k)
        channels.push_back({{"channel", meta.channels[k].name},
                            {"kind", std::string(kernels::kind_name(meta.channels[k].kind))},
                            {"customers", s.channel_customers[k]},
                            {"interactions", s.channel_interactions[k]},
                            {"value", in_units(s.channel_hundredths[k])}});
    out["channels"] = channels;
    return out;
}

}  // namespace

json build_score_report(const kernels::ScoreSummary& summary, const CustomerBaseMeta& meta,
                        const ScoreReportInfo& info) {
    json r;
    r["report"] = "engage score";
    r["input"] = info.input;
    r["as_of"] = info.as_of;
    r["currency"] = info.currency;
    r["window"] = {{"first_day", info.window_start}, {"last_day", info.as_of}, {"days", info.window_days}};
    r["data"] = {{"customers", meta.customers},
                 {"interactions", meta.interactions},
                 {"channels", meta.channels.size()},
                 {"business_units", meta.business_unit_names.size()},
                 {"regions", meta.region_names.size()},
                 {"relationship_managers", meta.rm_names.size()},
                 {"epoch", meta.epoch},
                 {"shards", info.shards}};
    r["corporate"] = group(summary.sums(0), summary.extremes(0), "corporate", meta);
    // Business units below the minimum group size are folded into one "other" row.
    std::vector<std::int64_t> sizes;
    for (std::size_t u = 0; u < meta.business_unit_names.size(); ++u) sizes.push_back(summary.sums(u + 1).customers);
    const kernels::SuppressionPlan plan = kernels::plan_suppression(sizes, info.min_group_size);
    json units = json::array();
    for (std::size_t u : plan.kept)
        units.push_back(group(summary.sums(u + 1), summary.extremes(u + 1), meta.business_unit_names[u], meta));
    if (plan.other_shown) {
        std::vector<std::size_t> groups;
        for (std::size_t u : plan.folded) groups.push_back(u + 1);
        const auto [sums, extremes] = summary.merged(groups);
        units.push_back(group(sums, extremes, "other (" + std::to_string(plan.folded.size()) + " business units)", meta));
    }
    r["business_units"] = units;
    r["suppressed_business_units"] = plan.folded.size();
    return r;
}

void write_text(const std::string& content, const std::string& path) {
    TextOut out(path);
    out << content;
    out.close();
}

std::string CsvTable::whole() const {
    std::string out = content;
    for (std::size_t i = 0; i < more_rows; ++i) out += row(i);
    return out + tail;
}

void write_table(const CsvTable& table, const std::string& path) {
    TextOut out(path);
    out << table.content;
    write_in_order(out, table.more_rows, [&](std::size_t i, std::string& text) { text += table.row(i); });
    out << table.tail;
    out.close();
}

void write_json(const json& report, const std::string& path) { write_text(report.dump(2) + "\n", path); }

std::vector<CsvTable> score_report_tables(const json& r) {
    std::vector<const json*> groups{&r["corporate"]};
    for (const auto& u : r["business_units"]) groups.push_back(&u);
    // The level of the hierarchy, as in every table (engagement.csv, claims.csv, ...).
    auto scope = [&](std::size_t i) { return i == 0 ? "corporate" : "business_unit"; };

    std::string summary = "level,group,customers,acquired,active,purchasers,interactions_window,"
                          "interactions_total,revenue,revenue_per_active_customer\n";
    std::string features = "level,group,feature,count,mean,min,p10,p25,p50,p75,p90,p99,max\n";
    std::string channels = "level,group,channel,kind,customers,interactions,value\n";
    for (std::size_t i = 0; i < groups.size(); ++i) {
        const json& g = *groups[i];
        summary += csv_row({scope(i), g["name"], g["customers"], g["acquired"], g["active"],
                            g["purchasers"], g["interactions_window"], g["interactions_total"],
                            g["revenue"], g["revenue_per_active_customer"]});
        for (const auto& [name, d] : g["features"].items()) {
            auto get = [&](const char* k) { return d.contains(k) ? d[k] : json(); };
            features += csv_row({scope(i), g["name"], name, d["count"], get("mean"), get("min"),
                                 get("p10"), get("p25"), get("p50"), get("p75"), get("p90"),
                                 get("p99"), get("max")});
        }
        for (const auto& c : g["channels"])
            channels += csv_row({scope(i), g["name"], c["channel"], c["kind"], c["customers"],
                                 c["interactions"], c["value"]});
    }
    return {{"summary.csv", summary}, {"features.csv", features}, {"channels.csv", channels}};
}

}  // namespace engage::io
