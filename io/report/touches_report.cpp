#include "io/report/touches_report.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <memory>
#include <optional>
#include <type_traits>
#include <vector>

#include "io/customer_base.hpp"
#include "io/report/csv.hpp"
#include "io/report/json_text.hpp"
#include "report/suppression.hpp"

namespace engage::io {

namespace {
using json = nlohmann::ordered_json;
using namespace kernels;

using Real = std::optional<double>;
using Count = std::optional<std::int64_t>;

Real ratio(std::int64_t a, std::int64_t b) { return b == 0 ? Real() : Real(double(a) / double(b)); }
Count seconds(std::int64_t s) { return s < 0 ? Count() : Count(s); }

// A group's measures at one date, as report.json prints them (none: null). `known`: the base
// has an answers column (else every count of answers, and what is derived from them, is null).
struct Measures {
    std::int64_t customers, offers, customers_offered;
    Count offers_answered;
    Real response_rate;
    std::int64_t interactions, customer_initiated;
    Real customer_initiated_share;
    std::int64_t tickets, customers_with_tickets;
    Count answered, unanswered, resolved, median_s, p90_s;
    std::array<Real, 3> within;
    std::int64_t ideas, ideas_to_date, customers_with_ideas;
    Count commented, evaluated, implemented;
    std::int64_t votes;
    std::array<std::int64_t, kEngagementStages> stage;
    std::array<Real, kEngagementStages> shares;

    Measures(const TouchesGroup& g, std::int64_t longest, bool known) {
        auto k = [known](auto v) { return known ? v : decltype(v)(); };
        customers = g.customers;
        offers = g.offers;
        customers_offered = g.customers_offered;
        offers_answered = k(Count(g.offers_answered));
        response_rate = k(ratio(g.offers_answered, g.offers));
        interactions = g.interactions;
        customer_initiated = g.customer_initiated;
        customer_initiated_share = ratio(g.customer_initiated, g.interactions);
        tickets = g.tickets;
        customers_with_tickets = g.customers_with_tickets;
        answered = k(Count(g.tickets_answered));
        unanswered = k(Count(g.tickets - g.tickets_answered));
        resolved = k(Count(g.tickets_resolved));
        median_s = k(seconds(binned_percentile(g, longest, 50)));
        p90_s = k(seconds(binned_percentile(g, longest, 90)));
        for (int w = 0; w < 3; ++w) within[w] = k(ratio(g.within[w], g.tickets));
        ideas = g.ideas;
        ideas_to_date = g.ideas_to_date;
        customers_with_ideas = g.customers_with_ideas;
        commented = k(Count(g.ideas_commented));
        evaluated = k(Count(g.ideas_evaluated));
        implemented = k(Count(g.ideas_implemented));
        votes = g.idea_votes;
        std::int64_t staged = 0;
        for (std::int64_t n : g.stage) staged += n;
        for (int s = 0; s < kEngagementStages; ++s) {
            stage[s] = g.stage[s];
            shares[s] = ratio(g.stage[s], staged);
        }
    }
};

// The measures' members, into the object being written.
void write_measures(JsonText& j, const Measures& m) {
    j.member("customers", m.customers);
    j.key("offered_vs_chosen").object().member("offers", m.offers).member("customers_offered", m.customers_offered);
    j.key("offers_answered").number(m.offers_answered).key("response_rate").number(m.response_rate);
    j.member("interactions", m.interactions).member("customer_initiated", m.customer_initiated);
    j.key("customer_initiated_share").number(m.customer_initiated_share).end();
    j.key("support").object().member("tickets", m.tickets).member("customers_with_tickets", m.customers_with_tickets);
    j.key("answered").number(m.answered).key("unanswered").number(m.unanswered).key("resolved").number(m.resolved);
    j.key("first_response_median_seconds").number(m.median_s).key("first_response_p90_seconds").number(m.p90_s);
    j.key("answered_within_share").object();
    for (int w = 0; w < 3; ++w) j.key(kWithinNames[w]).number(m.within[w]);
    j.end().end();
    j.key("ideas").object().member("submitted", m.ideas).member("submitted_to_date", m.ideas_to_date);
    j.member("customers_with_ideas", m.customers_with_ideas).key("commented").number(m.commented);
    j.key("evaluated").number(m.evaluated).key("implemented").number(m.implemented);
    j.member("votes_and_comments_on_ideas", m.votes).end();
    j.key("stage_mix").object().key("interactions").object();
    for (int s = 0; s < kEngagementStages; ++s) j.member(kEngagementStageNames[s], m.stage[s]);
    j.end().key("shares").object();
    for (int s = 0; s < kEngagementStages; ++s) j.key(kEngagementStageNames[s]).number(m.shares[s]);
    j.end().end();
}

// "up", "down" or "same" from the previous value to the current one; null when either is.
template <class T>
void direction(JsonText& j, const char* key, const std::optional<T>& now, const std::optional<T>& before) {
    j.key(key);
    if (!now || !before) {
        j.null();
        return;
    }
    const double a = double(*now), b = double(*before);
    j.string(a > b ? "up" : a < b ? "down" : "same");
}

// A group at both dates as report.json prints it: its name, its measures, "previous" and "trend".
void write_group(JsonText& j, const std::string& name, const Measures& now, const Measures& before) {
    j.object().member("name", name);
    write_measures(j, now);
    j.key("previous").object();
    write_measures(j, before);
    j.end();
    j.key("trend").object();
    direction(j, "response_rate", now.response_rate, before.response_rate);
    direction(j, "customer_initiated_share", now.customer_initiated_share, before.customer_initiated_share);
    direction(j, "tickets", Count(now.tickets), Count(before.tickets));
    direction(j, "first_response_median_seconds", now.median_s, before.median_s);
    direction(j, "first_response_p90_seconds", now.p90_s, before.p90_s);
    for (int w = 0; w < 3; ++w)
        direction(j, (std::string("answered_within_") + kWithinNames[w] + "_share").c_str(), now.within[w], before.within[w]);
    direction(j, "ideas_submitted", Count(now.ideas), Count(before.ideas));
    direction(j, "ideas_implemented", now.implemented, before.implemented);
    for (int s = 0; s < kEngagementStages; ++s)
        direction(j, (std::string(kEngagementStageNames[s]) + "_share").c_str(), now.shares[s], before.shares[s]);
    j.end().end();
}

// The same as a json value (the levels other than the managers', and "other").
json both_json(const std::string& name, const TouchesGroups& g, bool known) {
    std::string text;
    JsonText j(text);
    write_group(j, name, Measures(g.now, g.longest_now, known), Measures(g.previous, g.longest_previous, known));
    return json::parse(text);
}

// A group's row of touches.csv: the numbers of its entry in report.json, null as an empty field.
std::string csv_group_row(const char* level, const std::string& name, const TouchesGroups& g, bool known) {
    const Measures m(g.now, g.longest_now, known), p(g.previous, g.longest_previous, known);
    std::string row = level;
    row += ',';
    row += csv_field(name);
    auto field = [&row](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        char buf[64];
        row += ',';
        if constexpr (std::is_same_v<T, std::int64_t>) {
            row.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
        } else if (v) {
            if constexpr (std::is_same_v<T, Real>) row += json_number(*v, buf);
            else row.append(buf, std::to_chars(buf, buf + sizeof buf, *v).ptr);
        }
    };
    field(m.customers);
    field(m.offers);
    field(m.customers_offered);
    field(m.offers_answered);
    field(m.response_rate);
    field(m.customer_initiated_share);
    field(m.tickets);
    field(m.answered);
    field(m.unanswered);
    field(m.resolved);
    field(m.median_s);
    field(m.p90_s);
    for (const Real& w : m.within) field(w);
    field(m.ideas);
    field(m.ideas_to_date);
    field(m.commented);
    field(m.evaluated);
    field(m.implemented);
    field(m.votes);
    for (const Real& s : m.shares) field(s);
    field(p.customers);
    field(p.response_rate);
    field(p.median_s);
    field(p.within[0]);
    field(p.ideas);
    return row + '\n';
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
            const TouchesGroups both = groups.read(g);
            write_group(j, names[g], Measures(both.now, both.longest_now, known),
                        Measures(both.previous, both.longest_previous, known));
        };
        table->row = [groups, &names, kept, level, known](std::size_t i) {
            const std::size_t g = (*kept)[i];
            return csv_group_row(kTouchesLevelNames[level], names[g], groups.read(g), known);
        };
        splice->shown = {{"total", splice->count}};  // report.html shows the business units only
        out["groups"] = splice->marker();
    } else {
        json list = json::array();
        for (std::size_t g : plan.kept) {
            const TouchesGroups both = groups.read(g);
            list.push_back(both_json(names[g], both, known));
            rows += csv_group_row(kTouchesLevelNames[level], names[g], both, known);
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
        const std::string name = "other (" + std::to_string(plan.folded.size()) + " groups)";
        out["other"] = both_json(name, other, known);
        (other_row ? *other_row : rows) += csv_group_row(kTouchesLevelNames[level], name, other, known);
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
    const TouchesGroups corporate = summary.both(0, 0);
    r["corporate"] = both_json("corporate", corporate, known);
    std::string& rows = out.table.content;
    rows =
        "level,group,customers,offers,customers_offered,offers_answered,response_rate,customer_initiated_share,"
        "tickets,tickets_answered,tickets_unanswered,tickets_resolved,first_response_median_seconds,"
        "first_response_p90_seconds,answered_within_5min_share,answered_within_1h_share,answered_within_1d_share,"
        "ideas,ideas_to_date,ideas_commented,ideas_evaluated,ideas_implemented,idea_votes,"
        "customer_to_company_share,customer_to_content_share,customer_to_community_share,"
        "customers_previous,response_rate_previous,first_response_median_seconds_previous,"
        "answered_within_5min_share_previous,ideas_previous\n";
    rows += csv_group_row(kTouchesLevelNames[0], "corporate", corporate, known);
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
