// The top of report.html: what was scored and when, one sentence a manager can repeat, the key
// numbers as tiles, and the contents.
#include <cmath>

#include "io/report/html/format.hpp"
#include "io/report/html/json_path.hpp"
#include "io/report/html/page.hpp"
#include "io/report/html/sections.hpp"

namespace engage::io::html {

namespace {

// A tier's share at the trend date, from the counts there (tiers_previous / customers_previous).
double previous_share(const json* group, const char* tier) {
    const double n = number(at(group, {"trend", "customers_previous"}));
    return n > 0 ? number(at(group, {"trend", "tiers_previous", tier})) / n : NAN;
}

std::string since(const json& report) {
    const std::string prev = text(at(report, {"engagement", "previous_as_of"}));
    return prev.empty() ? "" : " since " + date(prev);
}

std::string dateline(const json& r) {
    std::string out = "As of <strong>" + date(text(at(r, {"as_of"}), "n/a")) + "</strong>";
    const json* w = at(r, {"window"});
    if (w)
        out += " &middot; scoring window " + date(text(at(w, {"first_day"}))) + " to " + date(text(at(w, {"last_day"}))) +
               " (" + or_na(at(w, {"days"}), integer) + " days)";
    out += " &middot; input <code>" + escape(text(at(r, {"input"}), "n/a")) + "</code>";
    const json* d = at(r, {"data"});
    if (d)
        out += " &middot; " + or_na(at(d, {"customers"}), integer) + " customers, " +
               or_na(at(d, {"interactions"}), compact) + " interactions";
    return out;
}

std::string headline(const json& r, const json* e) {
    const double fully = number(at(e, {"tier_shares", "fully_engaged"}));
    const double engaged = number(at(e, {"tier_shares", "engaged"}));
    const double revenue = number(at(e, {"revenue"}));
    const double risk = number(at(e, {"revenue_at_risk"}));
    std::string out = "<strong>" + percent(fully) + "</strong> of the " + or_na(at(e, {"customers"}), integer) +
                      " customers acquired by " + date(text(at(r, {"as_of"}))) + " are fully engaged and " +
                      percent(engaged) + " engaged; the mean engagement score is " +
                      or_na(at(e, {"mean_score"}), [](double v) { return fixed(v, 1); }) + " of 100 (" +
                      trend_arrow(number(at(e, {"trend", "change"})), 0.5, 1) + since(r) + ").";
    if (finite(risk) && revenue > 0)
        out += " Revenue at risk: <strong>" + compact(risk) + "</strong> of " + compact(revenue) + " (" +
               percent(risk / revenue) + ") comes from customers who are not engaged or actively disengaged.";
    return "<p class=\"headline\">" + out + "</p>\n";
}

std::vector<Tile> engagement_tiles(const json& r, const json* e) {
    std::vector<Tile> t;
    t.push_back({"Customers", or_na(at(e, {"customers"}), integer),
                 "acquired by " + date(text(at(r, {"as_of"}))) + ", of " + or_na(at(r, {"data", "customers"}), integer) +
                     " in the base"});
    t.push_back({"Mean engagement score (0&ndash;100)", or_na(at(e, {"mean_score"}), [](double v) { return fixed(v, 1); }),
                 trend_arrow(number(at(e, {"trend", "change"})), 0.5, 1) + since(r)});
    for (const char* tier : {"fully_engaged", "actively_disengaged"}) {
        const double now = number(at(e, {"tier_shares", tier}));
        t.push_back({label(tier), percent(now),
                     signed_points(now - previous_share(e, tier)) + since(r) + ", " +
                         or_na(at(e, {"tiers", tier}), integer) + " customers"});
    }
    t.push_back({"Net Promoter Score", or_na(at(e, {"nps", "nps"}), [](double v) { return signed_fixed(v, 1); }),
                 or_na(at(e, {"nps", "respondents"}), integer) + " respondents (last answer in the window)"});
    t.push_back({"Share of wallet", or_na(at(e, {"share_of_wallet", "share"}), [](double v) { return percent(v); }),
                 or_na(at(e, {"share_of_wallet", "customers"}), integer) + " customers with a known wallet"});
    t.push_back({"Revenue in the window", or_unavailable(at(e, {"revenue"}), compact),
                 escape(text(at(r, {"currency"}), "currency units")) + "; " + or_na(at(r, {"corporate", "purchasers"}), integer) + " purchasers"});
    t.push_back({"Revenue at risk", or_unavailable(at(e, {"revenue_at_risk"}), compact),
                 "revenue of not engaged and actively disengaged customers"});
    return t;
}

void retention_tiles(const json& r, std::vector<Tile>& t) {
    const json* h = at(r, {"retention", "holdout"});
    if (!h) return;
    const double actual = number(at(h, {"actual_repeat_transactions"}));
    const double bg = number(at(h, {"predicted_bg_nbd"}));
    t.push_back({"Repeat purchases in the holdout", count(actual),
                 "BG/NBD predicted " + count(bg) + (actual > 0 ? " (" + signed_fixed((bg / actual - 1) * 100, 1) + "%)" : "") +
                     ", " + or_na(at(h, {"days"}), integer) + " days to " +
                     date(text(at(r, {"retention", "holdout_end"})))});
}

void study_tiles(const json& r, std::vector<Tile>& t) {
    const json* backtest = array(at(r, {"study", "backtest"}));
    if (!backtest) return;
    const json& last = backtest->back();
    const json* auc = at(&last, {"auc", "composite"});
    if (!auc) return;
    // The composite's AUC only beside the best baseline's (docs/metrics.md, "Baselines").
    if (const json* best = at(&last, {"baselines", "best_baseline"})) {
        const std::string name = text(at(best, {"predictor"}));
        // What the score adds over each baseline: its AUC minus the baseline's, with the p-value.
        std::string adds;
        for (const char* b : {"rfm", "p_alive", "recency"}) {
            const json* v = at(&last, {"baselines", "versus_composite", b});
            if (!v) continue;
            const double p = number(at(v, {"p"}));
            adds += std::string(adds.empty() ? "; the score adds " : ", ") +
                    or_na(at(v, {"difference"}), [](double d) { return signed_fixed(-d, 3); }) + " over " + b + " (" +
                    (p < 0.001 ? std::string("p &lt; 0.001") : "p = " + fixed(p, 3)) + ")";
        }
        t.push_back({"Churn prediction, AUC: the score vs the best baseline (" + escape(name) + ")",
                     or_na(at(best, {"composite_auc"}), [](double v) { return fixed(v, 3); }) + " vs " +
                         or_na(at(best, {"auc"}), [](double v) { return fixed(v, 3); }),
                     escape(text(at(best, {"verdict"}))) + adds + ", as of " + date(text(at(&last, {"as_of"})))});
        return;
    }
    t.push_back({"Churn prediction, AUC of the score", or_na(at(auc, {"auc"}), [](double v) { return fixed(v, 2); }),
                 "95% interval " + or_na(at(auc, {"ci_low"}), [](double v) { return fixed(v, 2); }) + " to " +
                     or_na(at(auc, {"ci_high"}), [](double v) { return fixed(v, 2); }) + ", as of " +
                     date(text(at(&last, {"as_of"})))});
}

// Generated bases carry the planted engagement: say how well the score recovers it.
std::string validation_note(const json& r) {
    const json* v = at(r, {"engagement", "validation"});
    if (!v) return "";
    return note("Validation on this generated base: Spearman &rho; between the score and the planted engagement = " +
                or_na(at(v, {"spearman_composite_vs_planted_engagement"}), [](double x) { return fixed(x, 3); }) + " over " +
                or_na(at(v, {"customers"}), integer) + " customers.");
}

std::string contents() {
    static const char* links[][2] = {{"tiers", "Tiers"},
                                     {"business-units", "Business units"},
                                     {"risk", "Accounts at risk"},
                                     {"hierarchy", "Hierarchy"},
                                     {"survival", "Survival by tier"},
                                     {"cohorts", "Cohort retention"},
                                     {"models", "Purchase models"},
                                     {"study", "Retention study"},
                                     {"run", "Run"}};
    std::string out = "<nav class=\"toc\">";
    for (const auto& l : links) out += std::string("<a href=\"#") + l[0] + "\">" + l[1] + "</a>";
    return out + "</nav>\n";
}

}  // namespace

std::string header_section(const json& r) {
    std::string out = "<header class=\"report\" id=\"summary\">\n<h1>Customer engagement report</h1>\n<p class=\"dateline\">" +
                      dateline(r) + "</p>\n";
    const json* e = at(r, {"engagement", "corporate"});
    if (e && e->is_object()) {
        out += headline(r, e);
        std::vector<Tile> t = engagement_tiles(r, e);
        retention_tiles(r, t);
        study_tiles(r, t);
        out += tiles(t) + validation_note(r);
    } else {
        out += note("This report.json has no engagement section: no key numbers to show.");
    }
    return out + contents() + "</header>\n";
}

}  // namespace engage::io::html
