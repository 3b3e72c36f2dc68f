// report.html read as text: every section and chart is there and drawn, key numbers appear
// formatted for people, names are escaped, nothing refers to the network, absent data leaves a
// one-line note, long hierarchies are cut to their top and bottom, and the page depends only on
// report.json (apart from the run section).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <regex>
#include <string>

#include "io/report/html/sections.hpp"
#include "io/report/html_report.hpp"

namespace engage::io {
namespace {

using json = nlohmann::ordered_json;

const char* kTiers[] = {"fully_engaged", "engaged", "not_engaged", "actively_disengaged"};
const std::string kEvil = "<script>alert(\"x\")</script> & Sons";

// An engagement group of report.json's shape (docs/data-format.md, EGROUP).
json group(const std::string& name, std::int64_t customers, double mean, double change, std::array<std::int64_t, 4> tiers,
           double revenue) {
    json g;
    g["name"] = name;
    g["customers"] = customers;
    json t, s, prev;
    for (int i = 0; i < 4; ++i) {
        t[kTiers[i]] = tiers[i];
        s[kTiers[i]] = double(tiers[i]) / double(customers);
        prev[kTiers[i]] = tiers[i] - (i == 0 ? 10 : 0);
    }
    g["tiers"] = t;
    g["tier_shares"] = s;
    g["mean_score"] = mean;
    g["mean_score_ci95"] = {{"low", mean - 0.3}, {"high", mean + 0.3}};
    g["median_score"] = int(mean);
    g["nps"] = {{"respondents", 4704}, {"promoters", 2000}, {"passives", 1500}, {"detractors", 1204}, {"nps", 32.3}};
    g["revenue"] = revenue;
    g["revenue_at_risk"] = revenue * 0.0208;
    g["share_of_wallet"] = {{"customers", 10406}, {"share", 0.467}};
    g["trend"] = {{"customers_previous", customers - 100},
                  {"mean_score_previous", mean - change},
                  {"change", change},
                  {"tiers_previous", prev}};
    return g;
}

json km_curve(const char* tier, std::int64_t customers, double s1, double s2) {
    return {{"group", tier},
            {"customers", customers},
            {"churned", 40},
            {"median_days", {{"estimate", nullptr}, {"lower", nullptr}, {"upper", nullptr}}},
            {"survival_at_days", {{"30", 1.0}, {"90", s1}, {"180", s2}, {"365", s2}}},
            {"table",
             {{{"days", 90}, {"at_risk", customers}, {"events", 20}, {"censored", 5}, {"survival", s1}, {"lower", s1 - 0.05}, {"upper", s1 + 0.03}},
              {{"days", 200}, {"at_risk", customers - 25}, {"events", 20}, {"censored", 10}, {"survival", s2}, {"lower", s2 - 0.06}, {"upper", s2 + 0.04}}}}};
}

json engagement(std::size_t relationship_managers) {
    json e;
    e["as_of"] = "2025-06-30";
    e["previous_as_of"] = "2025-04-01";
    e["model"] = {{"fully_engaged_min", 75.0}, {"engaged_min", 50.0}, {"min_group_size", 10}};
    e["corporate"] = group("corporate", 17425, 47.96, -0.44, {3009, 4338, 9717, 361}, 36195068.94);
    e["corporate"]["trend"]["migration_from_previous_to_now"] = {{2497, 308, 0, 0}, {402, 3169, 479, 97}, {24, 481, 8203, 185}, {0, 65, 196, 79}};
    // The score distribution by tier: 100 customers on each point of each tier's range.
    json distribution;
    for (int t = 0; t < 4; ++t) {
        json counts = json::array();
        for (int p = 0; p <= 100; ++p) {
            const int tier = p >= 75 ? 0 : p >= 50 ? 1 : 2;
            counts.push_back(t == tier || (t == 3 && p < 50 && p % 5 == 0) ? 100 : 0);
        }
        distribution[kTiers[t]] = counts;
    }
    e["corporate"]["score_distribution"] = distribution;
    e["business_units"] = {{"groups", {group("Consumer", 9000, 47.5, 1.2, {1500, 2200, 5100, 200}, 1.9e7),
                                       group(kEvil, 8425, 48.4, -0.8, {1509, 2138, 4617, 161}, 1.7e7)}},
                           {"suppressed_groups", 0},
                           {"other", nullptr}};
    e["regions"] = {{"groups", {group("North", 9000, 47.0, 0.1, {1500, 2200, 5100, 200}, 1.9e7),
                                group("South", 8425, 49.0, 0.2, {1509, 2138, 4617, 161}, 1.7e7)}},
                    {"suppressed_groups", 0},
                    {"other", nullptr}};
    json rms = json::array();
    for (std::size_t i = 0; i < relationship_managers; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "RM %03zu", i);
        // Scores 40.0, 40.5, ...: RM 000 is the lowest and the last RM the highest.
        rms.push_back(group(name, 200, 40.0 + 0.5 * double(i), 0.0, {40, 50, 100, 10}, 4e5));
    }
    e["relationship_managers"] = {{"groups", rms}, {"suppressed_groups", 3}, {"other", group("other (3 groups)", 12, 44.0, 0.0, {2, 3, 6, 1}, 1e3)}};
    e["validation"] = {{"customers", 17425}, {"spearman_composite_vs_planted_engagement", 0.81}};
    return e;
}

json retention() {
    json r;
    r["calibration_end"] = "2025-06-30";
    r["holdout_end"] = "2025-12-27";
    r["conventions"] = "weeks; the first purchase is the trial";
    r["customers_with_a_purchase"] = 13736;
    r["models"] = {{{"model", "bg_nbd"}, {"parameters", {{"r", 0.648}, {"alpha", 1.929}, {"a", 0.217}, {"b", 3.469}}}, {"log_likelihood", -517119.2}, {"evaluations", 19}, {"converged", true}},
                   {{"model", "pareto_nbd"}, {"parameters", {{"r", 0.738}, {"alpha", 2.278}, {"s", 1.574}, {"beta", 229.662}}}, {"log_likelihood", -515943.7}, {"evaluations", 26}, {"converged", true}},
                   {{"model", "gamma_gamma"}, {"parameters", {{"p", 2.496}, {"q", 1.705}, {"gamma", 48.079}}}, {"log_likelihood", -69252.3}, {"evaluations", 22}, {"converged", false}}};
    r["holdout"] = {{"days", 180}, {"actual_repeat_transactions", 80805.0}, {"predicted_bg_nbd", 80313.1}, {"predicted_pareto_nbd", 78110.0}};
    r["survival"] = {{"churn", "no interaction for 90 days (non-contractual)"},
                     {"by_tier", {km_curve("fully_engaged", 3009, 0.99, 0.97), km_curve("engaged", 4338, 0.95, 0.90),
                                  km_curve("not_engaged", 9717, 0.80, 0.50), km_curve("actively_disengaged", 361, 0.90, 0.70)}},
                     {"log_rank", {{"chi_square", 11464.4}, {"degrees_of_freedom", 3}, {"p_value", 0.0}}}};
    json cohorts = json::array();
    cohorts.push_back({{"cohort", "2025-04-01"}, {"customers", 406}, {"active", {406, 288, 280}}, {"retention", {1.0, 0.709, 0.690}}, {"rolling_retention", {1.0, 0.8, 0.7}}});
    cohorts.push_back({{"cohort", "2025-05-01"}, {"customers", 436}, {"active", {436, 279, nullptr}}, {"retention", {1.0, 0.640, nullptr}}, {"rolling_retention", {1.0, 0.7, nullptr}}});
    cohorts.push_back({{"cohort", "2025-06-01"}, {"customers", 414}, {"active", {414, nullptr, nullptr}}, {"retention", {1.0, nullptr, nullptr}}, {"rolling_retention", {1.0, nullptr, nullptr}}});
    r["cohorts"] = {{"unit", "month"}, {"corporate", {{"cohorts", cohorts}, {"mean_weighted_by_size", {1.0, 0.673, 0.690}}}}};
    return r;
}

json study() {
    std::ifstream in(std::string(ENGAGE_REPORT_FIXTURES) + "/study.json");
    return json::parse(in);
}

json accounts_at_risk();

json full_report(std::size_t relationship_managers = 30) {
    json r;
    r["report"] = "engage score";
    r["input"] = "bases/<q3> & co.h5";
    r["as_of"] = "2025-06-30";
    r["window"] = {{"first_day", "2024-07-01"}, {"last_day", "2025-06-30"}, {"days", 365}};
    r["data"] = {{"customers", 20000}, {"interactions", 1950722}};
    r["corporate"] = {{"name", "corporate"}, {"purchasers", 9430}};
    r["engagement"] = engagement(relationship_managers);
    r["retention"] = retention();
    r["study"] = study();
    r["accounts_at_risk"] = accounts_at_risk();
    return r;
}

// The accounts-at-risk section (docs/data-format.md, RISK): three accounts, one newly at risk.
json accounts_at_risk() {
    auto account = [](std::uint64_t id, const char* rm, double revenue, const char* tier, json previous, json change) {
        return json{{"customer_id", id}, {"business_unit", "Retail"}, {"relationship_manager", rm},
                    {"revenue_at_risk", revenue}, {"tier", tier}, {"score", 30.5}, {"tier_previous", previous},
                    {"score_previous", nullptr}, {"score_change", change}, {"newly_at_risk", previous == "engaged"}};
    };
    json top = {account(90017, "RM 004", 98765.4, "not_engaged", "engaged", -12.345),
                account(90003, "RM 001", 5000, "actively_disengaged", "not_engaged", -0.5),
                account(90011, "RM 001", 5000, "not_engaged", nullptr, nullptr)};
    auto risk_group = [](const std::string& name, json accounts, double revenue) {
        return json{{"name", name}, {"customers", 200}, {"customers_at_risk", 3}, {"customers_at_risk_previous", 2},
                    {"revenue_at_risk", revenue}, {"top_accounts", std::move(accounts)}};
    };
    json rms = json::array();
    for (int i = 0; i < 30; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "RM %03d", i);
        rms.push_back(risk_group(name, json::array(), 1000.0 * (30 - i)));
    }
    return {{"definition", "..."},
            {"top_accounts_per_business_unit", 10},
            {"top_accounts_per_relationship_manager", 5},
            {"corporate", risk_group("corporate", top, 108765.4)},
            {"business_units", {risk_group("Retail", top, 108765.4)}},
            {"relationship_managers_at_risk", 30},
            {"relationship_managers", rms}};
}

json run_record(int ranks) {
    return {{"engage_version", "0.1.0"},
            {"command", "engage score --input base.h5 --output out"},
            {"finished_at", "2025-07-01T10:00:00Z"},
            {"host", "node-1"},
            {"ranks", ranks},
            {"threads_per_rank", 2},
            {"phase_seconds_slowest_rank", {{"open", 0.0056}, {"read", 0.36}, {"compute", 0.158}, {"report", 0.096}}},
            {"wall_seconds", 3.98},
            {"peak_rss_bytes_max_rank", 74883072},
            {"input", "base.h5"},
            {"output", "out"},
            {"as_of", "2025-06-30"},
            {"shards", 2}};
}

// The <svg> element of chart `name`, or "" when the page has none.
std::string chart(const std::string& html, const std::string& name) {
    const auto start = html.find("<svg class=\"chart\" data-chart=\"" + name + "\"");
    if (start == std::string::npos) return "";
    const auto end = html.find("</svg>", start);
    return end == std::string::npos ? "" : html.substr(start, end + 6 - start);
}

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

// The rows of the table `name` (<tr> in its <tbody>).
std::size_t table_rows(const std::string& html, const std::string& name) {
    const auto start = html.find("data-table=\"" + name + "\"");
    if (start == std::string::npos) return 0;
    const auto body = html.find("<tbody>", start), end = html.find("</tbody>", start);
    return occurrences(html.substr(body, end - body), "<tr");
}

TEST(HtmlReport, EveryChartIsPresentAndDrawn) {
    const std::string html = html_report(full_report(), run_record(2));
    // Shapes each chart must at least hold: bars, curves, cells, dots.
    const std::pair<const char*, std::size_t> charts[] = {
        {"score-distribution", 110}, {"tier-distribution", 8}, {"tier-mix", 12},       {"survival", 8},       {"cohort-heatmap", 8},
        {"holdout", 3},           {"decile-lift", 20},    {"calibration", 9},    {"claims", 6},
        {"correlation-spearman", 100}, {"correlation-pearson", 100}, {"backtest-trend", 8}, {"phase-timings", 4}};
    for (const auto& [name, shapes] : charts) {
        const std::string svg = chart(html, name);
        ASSERT_FALSE(svg.empty()) << name;
        EXPECT_GE(occurrences(svg, "<rect") + occurrences(svg, "<path") + occurrences(svg, "<circle"), shapes) << name;
        EXPECT_NE(svg.find("viewBox=\"0 0 "), std::string::npos) << name;
        EXPECT_NE(svg.find("axis-title"), std::string::npos) << name << ": every chart names its axes or scale";
    }
    EXPECT_EQ(occurrences(html, "<svg class=\"chart\""), std::size(charts));
    for (const char* id : {"summary", "tiers", "business-units", "hierarchy", "survival", "cohorts", "models", "study", "run"})
        EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
    EXPECT_EQ(html.find("class=\"omitted\""), std::string::npos) << "no section is omitted when every part is present";
    EXPECT_EQ(html.rfind("</html>\n"), html.size() - 8);
}

TEST(HtmlReport, TheCohortHeatmapGreysOnlyAnEntryColumn) {
    // Periods 0, 1, 2: the first column is the entry period, grey and out of the colour scale.
    json r = full_report();
    const std::string grey = "#E9ECEF";
    const std::string plain = chart(html_report(r, run_record(2)), "cohort-heatmap");
    EXPECT_NE(plain.find(grey), std::string::npos);
    EXPECT_NE(plain.find("entry period: 100%, grey"), std::string::npos);
    // Brackets [1, 2] and [3, 5]: no column is the entry period, none grey, no such legend.
    r["retention"]["cohorts"]["brackets"] = json::array({json::array({1, 2}), json::array({3, 5}), json::array({6, 11})});
    const std::string later = chart(html_report(r, run_record(2)), "cohort-heatmap");
    ASSERT_FALSE(later.empty());
    EXPECT_EQ(later.find(grey), std::string::npos);
    EXPECT_EQ(later.find("entry period"), std::string::npos);
    EXPECT_NE(later.find("1-2"), std::string::npos);
}

TEST(HtmlReport, KeyNumbersAreFormattedForPeople) {
    const std::string html = html_report(full_report(), run_record(2));
    for (const char* text : {"17,425",          // customers
                             "48.0",            // mean score 47.96
                             "17.3%",           // fully engaged share 3009 / 17425
                             "+32.3",           // NPS
                             "46.7%",           // share of wallet
                             "36.2 M",          // revenue
                             "753 k",           // revenue at risk 36195068.94 * 0.0208
                             "30 Jun 2025", "1 Apr 2025",
                             "80,805", "80,313 (\u22120.6% vs actual)",   // holdout
                             "p &lt; 0.001", "&chi;&sup2; = 11,464",      // log-rank
                             "71%", "64%",                                // cohort cells
                             "2 MPI ranks &times; 2 OpenMP threads", "75 MB", "0.36 s"})
        EXPECT_NE(html.find(text), std::string::npos) << text;
    // -0.44 rounds to a flat arrow; +1.2 and -0.8 (the business units) get real arrows.
    EXPECT_NE(html.find("\u25B6 \u22120.4"), std::string::npos);
    EXPECT_NE(html.find("\u25B2 +1.2"), std::string::npos);
    EXPECT_NE(html.find("\u25BC \u22120.8"), std::string::npos);
    // The study fixture's null interval bound and the claims withheld for a small group.
    EXPECT_NE(html.find("n/a to 0.67"), std::string::npos);
    EXPECT_NE(html.find("withheld"), std::string::npos);
    EXPECT_NE(html.find("<strong>no</strong>"), std::string::npos) << "the Gamma-Gamma fit did not converge";
}

TEST(HtmlReport, TheClaimsSayWhatThePublishedFiguresMeasureAndGiveTheAdjustedRatio) {
    json report = full_report();
    report["study"]["adjusted_claims"]["revenue_ratio_per_10_points"] = {
        {"customers", 12815}, {"clusters", 120}, {"ratio", 1.68}, {"ci_low", 1.632}, {"ci_high", 1.7296},
        {"ci_low_robust", 1.628}, {"ci_high_robust", 1.734}};
    report["study"]["sentiment_coverage"] = {{"unknown_share", 0.339}, {"churn_rate_known", 0.1227},
                                             {"churn_rate_unknown", 0.3108}, {"difference", 0.1881},
                                             {"ci_low", 0.173}, {"ci_high", 0.204}};
    std::string html = html_report(report, run_record(2));
    EXPECT_NE(html.find("context, not targets"), std::string::npos);
    EXPECT_NE(html.find("10 more composite points go with +68.0 % horizon revenue (1 + revenue, 95 % interval +63.2 to "
                        "+73.0 %, clustered by 120 relationship managers, 12,815 customers at risk)"),
              std::string::npos);
    EXPECT_NE(html.find("33.9% of the customers at risk gave no sentiment in the window; 31.1% of them churned"),
              std::string::npos);
    // One manager (an imported log): the heteroskedasticity-robust interval instead.
    report["study"]["adjusted_claims"]["revenue_ratio_per_10_points"]["ci_low"] = nullptr;
    html = html_report(report, run_record(2));
    EXPECT_NE(html.find("+62.8 to +73.4 %, heteroskedasticity-robust"), std::string::npos);
}

// The headline shows the composite's AUC only beside the best baseline's, says which predicts
// best and what the score adds over each baseline (issue 12).
TEST(HtmlReport, ScoreAucOnlyBesideTheBestBaseline) {
    json r = full_report();
    json& last = r["study"]["backtest"].back();
    const std::string without = html_report(r, run_record(2));
    EXPECT_NE(without.find("Churn prediction, AUC of the score"), std::string::npos);
    last["baselines"]["versus_composite"]["rfm"] = {{"difference", 0.0624}, {"p", 1.5e-12}};
    last["baselines"]["versus_composite"]["p_alive"] = {{"difference", 0.004}, {"p", 0.2203}};
    last["baselines"]["best_baseline"] = {
        {"predictor", "rfm"}, {"auc", 0.6601}, {"composite_auc", 0.5976}, {"difference", 0.0624}, {"p", 1.5e-12},
        {"verdict", "rfm predicts staying better than the composite: AUC 0.660 vs 0.598 (+0.062, paired DeLong p < 0.001)"}};
    const std::string html = html_report(r, run_record(2));
    EXPECT_EQ(html.find("Churn prediction, AUC of the score"), std::string::npos);
    for (const char* text : {"the score vs the best baseline (rfm)", "0.598 vs 0.660",
                             "rfm predicts staying better than the composite", "p &lt; 0.001)",
                             "the score adds \u22120.062 over rfm (p &lt; 0.001), \u22120.004 over p_alive (p = 0.220)"})
        EXPECT_NE(html.find(text), std::string::npos) << text;
    // The backtest section: each paired test, and the calibrated weights beside the hand weights.
    last["baselines"]["versus_composite"]["rfm"]["ci_low"] = 0.0451;
    last["baselines"]["versus_composite"]["rfm"]["ci_high"] = 0.0797;
    last["baselines"]["calibrated"] = {
        {"train_as_of", "1997-06-30"},
        {"weights", {{{"dimension", "usage"}, {"weight", 2.3156}, {"ci_low", 1.842}, {"ci_high", 2.789}, {"share", 1.0},
                      {"hand_share", 0.3}, {"identified", true}},
                     {{"dimension", "advocacy"}, {"weight", 0.0}, {"ci_low", -1.96}, {"ci_high", 1.96}, {"share", 0.0},
                      {"hand_share", 0.15}, {"identified", false}}}},
        {"versus_hand_weights", {{"difference", -0.000001}, {"p", 0.81}}},
        {"versus_best_baseline", {{"difference", -0.0624}, {"p", 1.5e-12}}}};
    const std::string section = html_report(r, run_record(2));
    for (const char* text : {"Rfm +0.062 (+0.045 to +0.080, p &lt; 0.001)", "P alive +0.004", "data-table=\"calibrated-weights\"",
                             "2.32 <span class=\"note\">(1.84 to 2.79)</span>", "against the best baseline \u22120.062 (p &lt; 0.001)", "not identified: unknown or constant"})
        EXPECT_NE(section.find(text), std::string::npos) << text;
}

TEST(HtmlReport, NamesAreEscaped) {
    const std::string html = html_report(full_report(), run_record(2));
    EXPECT_EQ(html.find(kEvil), std::string::npos);
    EXPECT_EQ(html.find("<script>alert"), std::string::npos);
    EXPECT_GE(occurrences(html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons"), 3u)
        << "in the tier-mix chart, its tooltip and the hierarchy table";
    EXPECT_NE(html.find("bases/&lt;q3&gt; &amp; co.h5"), std::string::npos);
    EXPECT_NE(html.find("Consumer &amp; &lt;Retail&gt;"), std::string::npos) << "a study group name";
    // Two scripts of our own, nothing else.
    EXPECT_EQ(occurrences(html, "<script"), 2u);
}

TEST(HtmlReport, NothingComesFromTheNetwork) {
    const std::string html = html_report(full_report(), run_record(2));
    for (const char* bad : {"http://", "https://", "//cdn", "src=", "@import", "url(", "<link", "<iframe", "<img"})
        EXPECT_EQ(html.find(bad), std::string::npos) << bad;
}

TEST(HtmlReport, LongHierarchiesShowTheirTopAndBottom) {
    // Up to 2,000 groups a level is shown whole (issue 16: the full manager table); beyond, its
    // top and bottom 1,000 by mean score.
    const std::string html = html_report(full_report(2010), run_record(2));
    EXPECT_EQ(table_rows(html, "relationship-managers-top"), 1000u);
    EXPECT_EQ(table_rows(html, "relationship-managers-bottom"), 1000u);
    EXPECT_EQ(table_rows(html, "relationship-managers-other"), 1u);
    const auto top = html.find("data-table=\"relationship-managers-top\"");
    const auto bottom = html.find("data-table=\"relationship-managers-bottom\"");
    EXPECT_LT(html.find(">RM 2009<", top), html.find(">RM 2008<", top)) << "the highest score heads the top table";
    EXPECT_LT(html.find(">RM 000<", bottom), html.find(">RM 001<", bottom)) << "the lowest heads the bottom table";
    EXPECT_EQ(html.find(">RM 1005<"), std::string::npos) << "the middle is left to engagement.csv";
    EXPECT_NE(html.find("1,000 highest and 1,000 lowest of 2,010 relationship managers"), std::string::npos);
    EXPECT_NE(html.find("<code>engagement.csv</code>"), std::string::npos);
    EXPECT_NE(html.find("3 relationship managers below the minimum group size"), std::string::npos);
    // A short level is shown whole, in one sortable table with numeric sort keys.
    const std::string few = html_report(full_report(12), run_record(2));
    EXPECT_EQ(table_rows(few, "relationship-managers"), 13u);  // 12 + other
    EXPECT_EQ(few.find("relationship-managers-top"), std::string::npos);
    EXPECT_NE(few.find("<table class=\"data sortable\" data-table=\"relationship-managers\">"), std::string::npos);
    EXPECT_NE(few.find("<td class=\"num\" data-v=\"9000\">9,000</td>"), std::string::npos) << "sorts as a number";
    // 30 managers: one table, scrolling in its own box, with a filter by name.
    const std::string thirty = html_report(full_report(30), run_record(2));
    EXPECT_EQ(table_rows(thirty, "relationship-managers"), 31u);
    EXPECT_NE(thirty.find("<div class=\"scroll tall\"><table class=\"data sortable\" data-table=\"relationship-managers\">"),
              std::string::npos);
    EXPECT_NE(thirty.find("data-filter=\"relationship-managers\""), std::string::npos);
}

// A level too long to hold in memory reaches the page as only the groups it shows, with their
// total (shown_groups; the job streams the whole list to report.json): the page is the same.
TEST(HtmlReport, ALongLevelGivenAsItsShownGroupsDrawsTheSamePage) {
    for (std::size_t n : {12u, 30u, 2000u, 2001u, 2100u}) {
        json whole = full_report(n);
        json& groups = whole["engagement"]["relationship_managers"]["groups"];
        // Ties and undefined means: a deterministic choice needs report order to break them.
        groups[1]["mean_score"] = nullptr;
        if (n > 20) groups[n - 2]["mean_score"] = groups[n - 1]["mean_score"];
        std::vector<double> means;
        for (const auto& g : groups) means.push_back(g["mean_score"].is_null() ? std::nan("") : g["mean_score"].get<double>());
        const auto shown_index = html::shown_groups(means);
        EXPECT_EQ(shown_index.size(), n <= 2000 ? n : 2000u) << n;
        json shown = json::array();
        for (std::size_t i : shown_index) shown.push_back(groups[i]);
        json cut = whole;
        cut["engagement"]["relationship_managers"]["groups"] = {{"total", n}, {"shown", shown}};
        EXPECT_EQ(html_report(cut, run_record(2)), html_report(whole, run_record(2))) << n;
        if (n == 2100) {
            EXPECT_NE(html_report(cut, run_record(2)).find("of 2,100 relationship managers"), std::string::npos);
        }
    }
}

TEST(HtmlReport, AbsentSectionsLeaveOneLineNotes) {
    json report = full_report();
    report.erase("retention");
    report.erase("study");
    const std::string html = html_report(report, run_record(2));
    for (const char* id : {"survival", "cohorts", "models", "study"}) {
        const auto at = html.find(std::string("<section id=\"") + id + "\" class=\"omitted\">");
        ASSERT_NE(at, std::string::npos) << id;
        const std::string part = html.substr(at, html.find("</section>", at) - at);
        EXPECT_EQ(occurrences(part, "<p class=\"note\">"), 1u) << id;
        EXPECT_NE(part.find("--retention"), std::string::npos) << id << ": the note says how to get the section";
    }
    for (const char* name : {"survival", "cohort-heatmap", "holdout", "decile-lift", "claims", "backtest-trend"})
        EXPECT_TRUE(chart(html, name).empty()) << name;
    EXPECT_FALSE(chart(html, "tier-distribution").empty());
    EXPECT_EQ(html.find("Repeat purchases in the holdout"), std::string::npos);

    // Nothing at all, and shapes that are not what the page expects: notes, never an exception.
    std::string empty;
    ASSERT_NO_THROW(empty = html_report(json::object(), json::object()));
    EXPECT_EQ(occurrences(empty, "class=\"omitted\""), 9u);  // every section but the summary, with the accounts at risk (issue 16)
    EXPECT_EQ(occurrences(empty, "<svg class=\"chart\""), 0u);
    json odd = full_report();
    odd["engagement"]["corporate"]["tiers"] = "many";
    odd["engagement"]["relationship_managers"]["groups"] = {1, "two", nullptr};
    odd["retention"]["survival"]["by_tier"] = {{{"group", 7}, {"table", "none"}}};
    odd["retention"]["cohorts"]["corporate"]["cohorts"] = {{{"retention", {"a", nullptr}}}};
    odd["study"]["backtest"] = {{{"deciles", {{{"decile", "one"}}}}, {"auc", 3}}};
    odd["study"]["claims"] = {{{"groups", {{{"value", "big"}}}}}};
    odd["study"]["correlation"]["groups"][0]["spearman"] = {{1, 2}, "x"};
    std::string shown;
    ASSERT_NO_THROW(shown = html_report(odd, json::array()));
    EXPECT_NE(shown.find("</html>"), std::string::npos);
}

TEST(HtmlReport, ModelsShowHowEachFitEndedAndModelsNotFitted) {
    json report = full_report();
    json& models = report["retention"]["models"];
    models[0]["status"] = "xtol_reached";
    models[1]["converged"] = false;
    models[1]["status"] = "maxeval_reached";
    models[2] = {{"model", "gamma_gamma"}, {"fitted", false}, {"reason", "no customer with repeat purchases of positive value"},
                 {"parameters", nullptr}, {"log_likelihood", nullptr}, {"evaluations", 0}, {"converged", false},
                 {"status", nullptr}};
    const std::string html = html::models_section(report);
    EXPECT_EQ(table_rows(html, "model-fits"), 3u);
    EXPECT_NE(html.find("yes (parameters within tolerance)"), std::string::npos);
    EXPECT_NE(html.find("<strong>no</strong> (evaluation limit reached)"), std::string::npos);
    EXPECT_NE(html.find("not fitted: no customer with repeat purchases of positive value"), std::string::npos);
    EXPECT_EQ(html.find("p 1.000"), std::string::npos);
}

TEST(HtmlReport, TierWithoutCustomersHasNoCurve) {
    json report = full_report();
    report["retention"]["survival"]["by_tier"][3] = {
        {"group", "actively_disengaged"}, {"customers", 0}, {"churned", 0}, {"empty", true},
        {"median_days", {{"estimate", nullptr}, {"lower", nullptr}, {"upper", nullptr}}},
        {"survival_at_days", {{"30", nullptr}, {"90", nullptr}, {"180", nullptr}, {"365", nullptr}}},
        {"at_risk_every_10_days", json::array()}, {"table", json::array()}};
    const std::string html = html::survival_section(report);
    EXPECT_EQ(occurrences(html, "no customers, no curve"), 1u);
    EXPECT_EQ(html.find("no churn observed"), std::string::npos);
    EXPECT_EQ(occurrences(chart(html, "survival"), "stroke-width=\"2.2\""), 3u);  // three curves drawn
}

TEST(HtmlReport, SameReportSamePageWhateverTheRun) {
    const json report = full_report();
    const std::string a = html_report(report, run_record(2));
    EXPECT_EQ(a, html_report(report, run_record(2)));
    const std::string b = html_report(report, run_record(4));
    EXPECT_NE(a, b);
    // Only the run section differs.
    auto without_run = [](const std::string& html) {
        const auto start = html.find("<section id=\"run\"");
        return html.substr(0, start) + html.substr(html.find("</section>", start));
    };
    EXPECT_EQ(without_run(a), without_run(b));
}

// Issue 16: whom to call. The top accounts in rank order with their change since the trend
// date, the managers' table whole, sortable and filterable, and money in the --currency label.
TEST(HtmlReport, AccountsAtRiskListTheTopAccountsAndEveryManager) {
    json report = full_report();
    report["currency"] = "EUR";
    const std::string html = html_report(report, run_record(2));
    EXPECT_EQ(table_rows(html, "accounts-at-risk"), 3u);
    const auto top = html.find("data-table=\"accounts-at-risk\"");
    EXPECT_LT(html.find(">90017<", top), html.find(">90003<", top));
    EXPECT_LT(html.find(">90003<", top), html.find(">90011<", top));
    EXPECT_NE(html.find("98.8 k", top), std::string::npos);
    EXPECT_NE(html.find("Not engaged <span class=\"down\">(new)</span>", top), std::string::npos);
    EXPECT_NE(html.find("\u25BC \u221212.3", top), std::string::npos);
    EXPECT_NE(html.find("\u25B6 \u22120.5", top), std::string::npos) << "-0.5 as shown is flat";
    EXPECT_EQ(table_rows(html, "risk-business-units"), 1u);
    EXPECT_EQ(table_rows(html, "risk-relationship-managers"), 30u);
    EXPECT_NE(html.find("data-filter=\"risk-relationship-managers\""), std::string::npos);
    EXPECT_NE(html.find("purchase revenue in the window, EUR"), std::string::npos);
    EXPECT_EQ(html.find("currency units"), std::string::npos) << "money is labelled with --currency";
    EXPECT_NE(html.find("<a href=\"#risk\">"), std::string::npos);
    // The hierarchy's interval column: mean 40.0 of RM 000 +- 0.3.
    EXPECT_NE(html.find("39.7&ndash;40.3"), std::string::npos);
}

}  // namespace
}  // namespace engage::io
