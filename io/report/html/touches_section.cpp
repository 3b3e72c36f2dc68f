// "Offered and chosen" (issue 18): per business unit (and the corporation), how many offers the
// customers took up and how much of their contact they started, how fast support answered
// against the 5-minute expectation, the ideas funnel and the stage mix. Drawn from report.json's
// "touches" section; every group is in touches.csv.
#include "io/report/html/format.hpp"
#include "io/report/html/json_path.hpp"
#include "io/report/html/page.hpp"
#include "io/report/html/sections.hpp"
#include "io/report/html/table.hpp"

namespace engage::io::html {

namespace {

Cell share_cell(const json* v) {
    const double x = number(v);
    return finite(x) ? Cell{percent(x), x} : Cell{kNotAvailable};
}
Cell count_cell(const json* v) {
    const double x = number(v);
    return finite(x) ? Cell{count(x), x} : Cell{kNotAvailable};
}
Cell seconds_cell(const json* v) {
    const double x = number(v);
    return finite(x) ? Cell{seconds(x), x} : Cell{kNotAvailable};
}

std::string touches_table(const json& t) {
    Table table("touches-business-units",
                {{"group"},
                 {"customers", true},
                 {"offers", true, "company offers in the window"},
                 {"response rate", true, "offers answered by the customer / offers"},
                 {"customer-initiated", true, "share of the interactions in the window that the customer started"},
                 {"tickets", true},
                 {"median first response", true, "upper edge of the bin of the median ticket's first-response time"},
                 {"within 5 min", true, "tickets first answered within 5 minutes / all tickets"},
                 {"within 1 h", true},
                 {"within 1 day", true},
                 {"ideas", true, "ideas submitted in the window"},
                 {"commented", true},
                 {"evaluated", true},
                 {"implemented", true},
                 {"to company", true, "share of the customers' own interactions with the company"},
                 {"to content", true},
                 {"to community", true}});
    auto add = [&](const json& g, const std::string& cls) {
        table.row({{escape(text(at(g, {"name"})))},
                   count_cell(at(g, {"customers"})),
                   count_cell(at(g, {"offered_vs_chosen", "offers"})),
                   share_cell(at(g, {"offered_vs_chosen", "response_rate"})),
                   share_cell(at(g, {"offered_vs_chosen", "customer_initiated_share"})),
                   count_cell(at(g, {"support", "tickets"})),
                   seconds_cell(at(g, {"support", "first_response_median_seconds"})),
                   share_cell(at(g, {"support", "answered_within_share", "5min"})),
                   share_cell(at(g, {"support", "answered_within_share", "1h"})),
                   share_cell(at(g, {"support", "answered_within_share", "1d"})),
                   count_cell(at(g, {"ideas", "submitted"})),
                   count_cell(at(g, {"ideas", "commented"})),
                   count_cell(at(g, {"ideas", "evaluated"})),
                   count_cell(at(g, {"ideas", "implemented"})),
                   share_cell(at(g, {"stage_mix", "shares", "customer_to_company"})),
                   share_cell(at(g, {"stage_mix", "shares", "customer_to_content"})),
                   share_cell(at(g, {"stage_mix", "shares", "customer_to_community"}))},
                  cls);
    };
    if (const json* c = at(t, {"corporate"})) add(*c, "");
    if (const json* units = array(at(t, {"business_units", "groups"})))
        for (const json& g : *units) add(g, "");
    if (const json* other = at(t, {"business_units", "other"}); other && other->is_object()) add(*other, "other");
    return table.str();
}

}  // namespace

std::string touches_section(const json& report) {
    const json* t = at(report, {"touches"});
    if (!t || !t->is_object()) return omitted("touches", "Offered and chosen", "No touches section in report.json.");
    const bool known = at(*t, {"answers_known"}) && (*t)["answers_known"].is_boolean() && (*t)["answers_known"].get<bool>();
    std::string body = touches_table(*t);
    if (!known) body += note("The base has no answers column: responses, replies and feedback are unknown (n/a).");
    return section("touches", "Offered and chosen",
                   "Engagement as the company offers it and the customer chooses it, by business unit: offers taken up, "
                   "the customers' share of the contact, support against the expectation of help within five minutes, "
                   "the ideas funnel and the stage mix of the customers' own interactions. Every level of the hierarchy "
                   "is in <code>touches.csv</code>; definitions in docs/metrics.md.",
                   body);
}

}  // namespace engage::io::html
