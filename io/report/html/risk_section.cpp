// "Accounts at risk": whom to call. The corporation's top accounts by revenue at risk with their
// change since the trend date, and the business units and relationship managers ranked by
// revenue at risk (the managers' table filterable). Every account at risk is in
// accounts_at_risk.csv; each group's top accounts in report.json's accounts_at_risk section.
#include "io/report/html/format.hpp"
#include "io/report/html/json_path.hpp"
#include "io/report/html/page.hpp"
#include "io/report/html/sections.hpp"
#include "io/report/html/table.hpp"

namespace engage::io::html {

namespace {

std::string tier_text(const json* t) { return t && t->is_string() ? label(t->get<std::string>()) : "n/a"; }

std::string accounts_table(const json& accounts, const std::string& money) {
    Table table("accounts-at-risk",
                {{"customer"},
                 {"business unit"},
                 {"relationship manager"},
                 {"revenue at risk", true, "purchase revenue in the window, " + money},
                 {"tier now"},
                 {"tier at the trend date"},
                 {"score change", true, "change of the composite score since the trend date"}});
    for (const json& a : accounts) {
        const double revenue = number(at(a, {"revenue_at_risk"})), change = number(at(a, {"score_change"}));
        const bool newly = at(a, {"newly_at_risk"}) && a["newly_at_risk"].is_boolean() && a["newly_at_risk"].get<bool>();
        // An id as it is in the data: no thousands separators.
        const json* id = at(a, {"customer_id"});
        table.row({{id && id->is_number_integer() ? id->dump() : escape(text(id, "n/a"))},
                   {escape(text(at(a, {"business_unit"})))},
                   {escape(text(at(a, {"relationship_manager"})))},
                   {finite(revenue) ? compact(revenue) : "unavailable", revenue},
                   {tier_text(at(a, {"tier"})) + (newly ? " <span class=\"down\">(new)</span>" : "")},
                   {tier_text(at(a, {"tier_previous"}))},
                   {trend_arrow(change, 0.5, 1), change}});
    }
    return table.str();
}

std::string groups_table(const std::string& name, const std::string& header, const json& groups, const std::string& money) {
    Table table(name, {{header},
                       {"customers", true},
                       {"at risk", true, "customers not engaged or actively disengaged at the as-of date"},
                       {"at risk at the trend date", true},
                       {"revenue at risk", true, "purchase revenue in the window of the customers at risk, " + money}});
    for (const json& g : groups) {
        auto cell = [&](std::string_view key, std::string (*f)(double)) {
            const double v = number(at(g, {key}));
            return Cell{finite(v) ? f(v) : "n/a", v};
        };
        table.row({{escape(text(at(g, {"name"})))}, cell("customers", count), cell("customers_at_risk", count),
                   cell("customers_at_risk_previous", count), cell("revenue_at_risk", compact)});
    }
    if (table.rows() >= 25) table.tall();
    return table.str();
}

}  // namespace

std::string risk_section(const json& report) {
    const json* r = at(report, {"accounts_at_risk"});
    if (!r || !r->is_object()) return omitted("risk", "Accounts at risk", "No accounts_at_risk section in report.json.");
    const std::string money = escape(text(at(report, {"currency"}), "currency units"));
    std::string body;
    const json* top = array(at(r, {"corporate", "top_accounts"}));
    if (top) {
        body += "<h3>Top " + integer(double(top->size())) + " accounts by revenue at risk</h3>\n" + accounts_table(*top, money);
    } else {
        body += note("No customer is at risk at the as-of date.");
    }
    if (const json* units = array(at(r, {"business_units"})))
        body += "<h3>Business units by revenue at risk</h3>\n" + groups_table("risk-business-units", "business unit", *units, money);
    if (const json* rms = array(at(r, {"relationship_managers"}))) {
        const double total = number(at(r, {"relationship_managers_at_risk"}));
        body += "<h3>Relationship managers by revenue at risk</h3>\n" +
                (finite(total) && total > double(rms->size())
                     ? note("The " + integer(double(rms->size())) + " with the most revenue at risk of " + integer(total) +
                            " managers with an account at risk; all of them are in report.json.")
                     : std::string()) +
                "<p class=\"filter\"><label>Filter managers: <input type=\"search\" data-filter=\"risk-relationship-managers\" "
                "placeholder=\"name\"></label></p>\n" +
                groups_table("risk-relationship-managers", "relationship manager", *rms, money);
    }
    const double per_unit = number(at(r, {"top_accounts_per_business_unit"}));
    const double per_manager = number(at(r, {"top_accounts_per_relationship_manager"}));
    return section("risk", "Accounts at risk",
                   "Customers whose tier at the as-of date is not engaged or actively disengaged, ranked by their revenue in "
                   "the window (" + money + "), then by customer id. &ldquo;(new)&rdquo;: engaged or fully engaged at the "
                   "trend date. Every account at risk is in <code>accounts_at_risk.csv</code>; the top " +
                       (finite(per_unit) ? integer(per_unit) : std::string("n/a")) + " of each business unit and " +
                       (finite(per_manager) ? integer(per_manager) : std::string("n/a")) +
                       " of each relationship manager in report.json.",
                   body);
}

}  // namespace engage::io::html
