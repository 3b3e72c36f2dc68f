#include "io/report/touches_report.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include "io/customer_base.hpp"
#include "io/report/csv.hpp"
#include "report/suppression.hpp"

namespace engage::io {

namespace {
using json = nlohmann::ordered_json;
using namespace kernels;

json ratio(std::int64_t a, std::int64_t b) { return b == 0 ? json() : json(double(a) / double(b)); }
json seconds(std::int64_t s) { return s < 0 ? json() : json(s); }

// A group at one date. `known`: the base has an answers column (else every count of answers,
// and what is derived from them, is null).
json measures(const TouchesGroup& g, std::int64_t longest, bool known) {
    auto k = [known](json v) { return known ? v : json(); };
    json out;
    out["customers"] = g.customers;
    out["offered_vs_chosen"] = {{"offers", g.offers},
                                {"customers_offered", g.customers_offered},
                                {"offers_answered", k(g.offers_answered)},
                                {"response_rate", k(ratio(g.offers_answered, g.offers))},
                                {"interactions", g.interactions},
                                {"customer_initiated", g.customer_initiated},
                                {"customer_initiated_share", ratio(g.customer_initiated, g.interactions)}};
    json within;
    for (int w = 0; w < 3; ++w) within[kWithinNames[w]] = k(ratio(g.within[w], g.tickets));
    out["support"] = {{"tickets", g.tickets},
                      {"customers_with_tickets", g.customers_with_tickets},
                      {"answered", k(g.tickets_answered)},
                      {"unanswered", k(g.tickets - g.tickets_answered)},
                      {"resolved", k(g.tickets_resolved)},
                      {"first_response_median_seconds", k(seconds(binned_percentile(g, longest, 50)))},
                      {"first_response_p90_seconds", k(seconds(binned_percentile(g, longest, 90)))},
                      {"answered_within_share", within}};
    out["ideas"] = {{"submitted", g.ideas},
                    {"submitted_to_date", g.ideas_to_date},
                    {"customers_with_ideas", g.customers_with_ideas},
                    {"commented", k(g.ideas_commented)},
                    {"evaluated", k(g.ideas_evaluated)},
                    {"implemented", k(g.ideas_implemented)},
                    {"votes_and_comments_on_ideas", g.idea_votes}};
    std::int64_t staged = 0;
    for (std::int64_t s : g.stage) staged += s;
    json counts, shares;
    for (int s = 0; s < kEngagementStages; ++s) {
        counts[kEngagementStageNames[s]] = g.stage[s];
        shares[kEngagementStageNames[s]] = ratio(g.stage[s], staged);
    }
    out["stage_mix"] = {{"interactions", counts}, {"shares", shares}};
    return out;
}

// "up", "down" or "same" from the previous value to the current one; null when either is.
json direction(const json& now, const json& before) {
    if (now.is_null() || before.is_null()) return json();
    const double a = now.get<double>(), b = before.get<double>();
    return a > b ? "up" : a < b ? "down" : "same";
}

json group_json(const std::string& name, const TouchesGroup& now, std::int64_t longest_now, const TouchesGroup& before,
                std::int64_t longest_before, bool known) {
    json out;
    out["name"] = name;
    json current = measures(now, longest_now, known);  // held: items() refers to it
    for (auto& [key, v] : current.items()) out[key] = std::move(v);
    json previous = measures(before, longest_before, known);
    json trend;
    auto compare = [&](const char* part, const char* key, const char* as) {
        trend[as] = direction(out[part][key], previous[part][key]);
    };
    compare("offered_vs_chosen", "response_rate", "response_rate");
    compare("offered_vs_chosen", "customer_initiated_share", "customer_initiated_share");
    compare("support", "tickets", "tickets");
    compare("support", "first_response_median_seconds", "first_response_median_seconds");
    compare("support", "first_response_p90_seconds", "first_response_p90_seconds");
    for (int w = 0; w < 3; ++w)
        trend[std::string("answered_within_") + kWithinNames[w] + "_share"] =
            direction(out["support"]["answered_within_share"][kWithinNames[w]],
                      previous["support"]["answered_within_share"][kWithinNames[w]]);
    compare("ideas", "submitted", "ideas_submitted");
    compare("ideas", "implemented", "ideas_implemented");
    for (int s = 0; s < kEngagementStages; ++s)
        trend[std::string(kEngagementStageNames[s]) + "_share"] =
            direction(out["stage_mix"]["shares"][kEngagementStageNames[s]],
                      previous["stage_mix"]["shares"][kEngagementStageNames[s]]);
    out["previous"] = std::move(previous);
    out["trend"] = std::move(trend);
    return out;
}

json both_json(const std::string& name, const TouchesGroups& g, bool known) {
    return group_json(name, g.now, g.longest_now, g.previous, g.longest_previous, known);
}

// A group's row of touches.csv: the numbers of its entry in report.json.
std::string csv_group_row(const char* level, const json& g) {
    const json& o = g["offered_vs_chosen"];
    const json& s = g["support"];
    const json& w = s["answered_within_share"];
    const json& i = g["ideas"];
    const json& m = g["stage_mix"]["shares"];
    const json& p = g["previous"];
    return csv_row({level, g["name"], g["customers"], o["offers"], o["customers_offered"], o["offers_answered"],
                    o["response_rate"], o["customer_initiated_share"], s["tickets"], s["answered"], s["unanswered"],
                    s["resolved"], s["first_response_median_seconds"], s["first_response_p90_seconds"], w["5min"],
                    w["1h"], w["1d"], i["submitted"], i["submitted_to_date"], i["commented"], i["evaluated"],
                    i["implemented"], i["votes_and_comments_on_ideas"], m["customer_to_company"],
                    m["customer_to_content"], m["customer_to_community"], p["customers"],
                    p["offered_vs_chosen"]["response_rate"], p["support"]["first_response_median_seconds"],
                    p["support"]["answered_within_share"]["5min"], p["ideas"]["submitted"]});
}

// The groups of one level after suppression, and "other", into the section and the table's
// rows. With `splice` (the relationship managers: one entry per manager), the shown groups are
// left to it and to the table's streamed rows, each printed from `groups` when written, and
// the level's "other" row goes to `other_row`.
json level_json(const TouchesLevelGroups& groups, int level, const std::vector<std::string>& names,
                std::int64_t min_size, bool known, std::string& rows, Splice* splice = nullptr, CsvTable* table = nullptr,
                std::string* other_row = nullptr) {
    std::vector<std::int64_t> sizes(groups.count);
    for (std::size_t g = 0; g < sizes.size(); ++g) sizes[g] = groups.read(g).now.customers;
    const SuppressionPlan plan = plan_suppression(sizes, min_size);
    json out;
    if (splice) {
        auto kept = std::make_shared<const std::vector<std::size_t>>(plan.kept);
        splice->count = table->more_rows = kept->size();
        splice->entry = [groups, &names, kept, known](std::size_t i, JsonText& j) {
            const std::size_t g = (*kept)[i];
            j.value(both_json(names[g], groups.read(g), known));
        };
        table->row = [groups, &names, kept, level, known](std::size_t i) {
            const std::size_t g = (*kept)[i];
            return csv_group_row(kTouchesLevelNames[level], both_json(names[g], groups.read(g), known));
        };
        splice->shown = {{"total", splice->count}};  // report.html shows the business units only
        out["groups"] = splice->marker();
    } else {
        json list = json::array();
        for (std::size_t g : plan.kept) {
            list.push_back(both_json(names[g], groups.read(g), known));
            rows += csv_group_row(kTouchesLevelNames[level], list.back());
        }
        out["groups"] = std::move(list);
    }
    out["suppressed_groups"] = std::int64_t(plan.folded.size());
    if (plan.other_shown) {
        TouchesGroups other;
        for (std::size_t g : plan.folded) {
            const TouchesGroups one = groups.read(g);
            other.now.merge(one.now);
            other.previous.merge(one.previous);
            other.longest_now = std::max(other.longest_now, one.longest_now);
            other.longest_previous = std::max(other.longest_previous, one.longest_previous);
        }
        out["other"] = both_json("other (" + std::to_string(plan.folded.size()) + " groups)", other, known);
        (other_row ? *other_row : rows) += csv_group_row(kTouchesLevelNames[level], out["other"]);
    } else {
        out["other"] = json();
    }
    return out;
}

constexpr const char* kLevelKeys[kTouchesLevels] = {"corporate", "business_units", "regions", "relationship_managers",
                                                    "segments"};
}  // namespace

TouchesLevelGroups TouchesLevelGroups::of(const TouchesSummary& s, int level) {
    return {s.groups(level), [&s, level](std::size_t g) { return s.both(level, g); }};
}

TouchesReport touches_report(const TouchesSummary& summary, const TouchesLevelGroups& managers,
                             const CustomerBaseMeta& meta, const std::string& as_of, const std::string& previous_as_of,
                             std::int64_t min_group_size) {
    const bool known = meta.has_answers;
    TouchesReport out;
    json& r = out.section;
    r["as_of"] = as_of;
    r["previous_as_of"] = previous_as_of;
    r["initiator"] = meta.has_initiator ? "column" : "by kind (offer, support_reply, idea_feedback: the company's)";
    r["answers_known"] = known;
    r["expectation"] = {{"first_response_seconds", kWithinSeconds[0]},
                        {"source", "71 % of customers expect help online within five minutes (as quoted in issue 18)"}};
    r["response_time_bins"] =
        "group percentiles are the upper edge of a fixed bin: 1 minute to 5 minutes, 10 minutes to 1 hour, "
        "1 hour to 1 day, 1 day to 30 days; beyond, the group's longest time";
    r["corporate"] = both_json("corporate", summary.both(0, 0), known);
    std::string& rows = out.table.content;
    rows =
        "level,group,customers,offers,customers_offered,offers_answered,response_rate,customer_initiated_share,"
        "tickets,tickets_answered,tickets_unanswered,tickets_resolved,first_response_median_seconds,"
        "first_response_p90_seconds,answered_within_5min_share,answered_within_1h_share,answered_within_1d_share,"
        "ideas,ideas_to_date,ideas_commented,ideas_evaluated,ideas_implemented,idea_votes,"
        "customer_to_company_share,customer_to_content_share,customer_to_community_share,"
        "customers_previous,response_rate_previous,first_response_median_seconds_previous,"
        "answered_within_5min_share_previous,ideas_previous\n";
    rows += csv_group_row(kTouchesLevelNames[0], r["corporate"]);
    const std::vector<std::string>* names[kTouchesLevels] = {nullptr, &meta.business_unit_names, &meta.region_names,
                                                             &meta.rm_names, &meta.segment_names};
    // The levels in the table's order; the managers' rows are printed when written, so the
    // levels after them go to the table's tail.
    out.relationship_managers.pointer = std::string("/touches/") + kLevelKeys[kTouchesManagerLevel] + "/groups";
    for (int l = 1; l < kTouchesLevels; ++l) {
        std::string& level_rows = l > kTouchesManagerLevel ? out.table.tail : rows;
        r[kLevelKeys[l]] = l == kTouchesManagerLevel
                               ? level_json(managers, l, *names[l], min_group_size, known, rows, &out.relationship_managers,
                                            &out.table, &out.table.tail)
                               : level_json(TouchesLevelGroups::of(summary, l), l, *names[l], min_group_size, known,
                                            level_rows);
    }
    return out;
}

}  // namespace engage::io
