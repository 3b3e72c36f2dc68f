// The study's correlations: heatmaps of the corporate group's Spearman and Pearson matrices, and
// per group the correlation of the composite score with retention and revenue.
#include <algorithm>

#include "io/report/html/axes.hpp"
#include "io/report/html/format.hpp"
#include "io/report/html/json_path.hpp"
#include "io/report/html/page.hpp"
#include "io/report/html/palette.hpp"
#include "io/report/html/study_parts.hpp"
#include "io/report/html/table.hpp"

namespace engage::io::html {

namespace {

std::string two(double v) { return fixed(v, 2); }

std::string cell_tip(const std::string& a, const std::string& b, const json& c) {
    return a + " &times; " + b + ": r = " + or_na(at(c, {"r"}), two) + " (95%: " + or_na(at(c, {"ci_low"}), two) + " to " +
           or_na(at(c, {"ci_high"}), two) + "), n = " + or_na(at(c, {"n"}), integer);
}

std::string heatmap(const std::string& name, const std::string& title, const json& matrix,
                    const std::vector<std::string>& vars) {
    const std::size_t n = vars.size();
    const double label_w = 118, top = 118, cell = std::min(34.0, 330.0 / double(std::max<std::size_t>(n, 1)));
    Svg svg(name, label_w + cell * double(n) + 10, top + cell * double(n) + 56, title + " correlation matrix");
    svg.text(label_w, 16, title, "start", "axis-title");
    for (std::size_t j = 0; j < n; ++j) {
        const double cx = label_w + cell * (double(j) + 0.5);
        svg.raw("<text transform=\"translate(" + coord(cx + 4) + " " + coord(top - 6) +
                ") rotate(-55)\" class=\"tick\">" + label(vars[j]) + "</text>");
    }
    for (std::size_t i = 0; i < n; ++i) {
        const double y0 = top + cell * double(i);
        svg.text(label_w - 6, y0 + cell / 2 + 4, label(vars[i]), "end", "tick");
        const json* row = i < matrix.size() ? &matrix[i] : nullptr;
        for (std::size_t j = 0; j < n; ++j) {
            const json* c = row && row->is_array() && j < row->size() ? &(*row)[j] : nullptr;
            const double r = number(at(c, {"r"}));
            const std::string fill = finite(r) ? diverging(r) : std::string("#FFFFFF");
            svg.rect(label_w + cell * double(j) + 0.5, y0 + 0.5, cell - 1, cell - 1, fill,
                     c ? cell_tip(label(vars[i]), label(vars[j]), *c) : "n/a", finite(r) ? "" : "stroke=\"#D0D4D9\"");
            svg.text(label_w + cell * (double(j) + 0.5), y0 + cell / 2 + 4, finite(r) ? fixed(r, 2) : "n/a", "middle",
                     "small", finite(r) ? ink_on(fill) : kGrey);
        }
    }
    // Colour legend from -1 to +1.
    const double ly = top + cell * double(n) + 22, lw = std::min(200.0, cell * double(n));
    for (int s = 0; s < 20; ++s) svg.rect(label_w + lw * s / 20.0, ly, lw / 20.0 + 0.5, 9, diverging(-1 + (s + 0.5) / 10.0));
    svg.text(label_w, ly + 22, "&minus;1", "middle", "tick");
    svg.text(label_w + lw / 2, ly + 22, "0", "middle", "tick");
    svg.text(label_w + lw, ly + 22, "+1", "middle", "tick");
    return svg.str();
}

// Index of `name` in `vars`, or -1.
long index_of(const std::vector<std::string>& vars, const char* name) {
    const auto it = std::find(vars.begin(), vars.end(), name);
    return it == vars.end() ? -1 : long(it - vars.begin());
}

std::string by_group_table(const json& groups, const std::vector<std::string>& vars) {
    const long score = index_of(vars, "composite");
    const long targets[] = {index_of(vars, "retained"), index_of(vars, "horizon_revenue"), index_of(vars, "share_of_wallet")};
    if (score < 0) return "";
    std::vector<Column> cols{{"kind"}, {"group"}, {"customers", true}};
    std::vector<long> shown;
    for (long t : targets)
        if (t >= 0) {
            cols.push_back({"score &times; " + label(vars[std::size_t(t)]), true, "Spearman correlation with its 95% interval"});
            shown.push_back(t);
        }
    if (shown.empty()) return "";
    Table table("correlation-groups", cols);
    for (const json& g : groups) {
        const json* m = array(at(g, {"spearman"}));
        std::vector<Cell> cells{{label(text(at(g, {"kind"})))}, {escape(text(at(g, {"name"})))},
                                {or_na(at(g, {"customers"}), integer), number(at(g, {"customers"}))}};
        for (long t : shown) {
            const json* c = m && std::size_t(score) < m->size() && (*m)[std::size_t(score)].is_array() &&
                                    std::size_t(t) < (*m)[std::size_t(score)].size()
                                ? &(*m)[std::size_t(score)][std::size_t(t)]
                                : nullptr;
            const double r = number(at(c, {"r"}));
            cells.push_back({finite(r) ? "<strong>" + two(r) + "</strong> <span class=\"note\">(" +
                                             or_na(at(c, {"ci_low"}), two) + " to " + or_na(at(c, {"ci_high"}), two) + ")</span>"
                                       : std::string("n/a"),
                             r});
        }
        table.row(cells);
    }
    return "<h3>Score against outcomes, per group (Spearman)</h3>\n" + table.str();
}

}  // namespace

std::string study_correlation(const json& study) {
    const json* vars_json = array(at(study, {"correlation", "variables"}));
    const json* groups = array(at(study, {"correlation", "groups"}));
    if (!vars_json || !groups) return "";
    std::vector<std::string> vars;
    for (const json& v : *vars_json) vars.push_back(text(&v, "?"));
    const json* corporate = &groups->front();
    for (const json& g : *groups)
        if (text(at(g, {"kind"})) == "corporate") {
            corporate = &g;
            break;
        }
    std::string charts;
    const json* spearman = array(at(corporate, {"spearman"}));
    const json* pearson = array(at(corporate, {"pearson"}));
    if (spearman) charts += heatmap("correlation-spearman", "Spearman (rank)", *spearman, vars);
    if (pearson) charts += heatmap("correlation-pearson", "Pearson (linear)", *pearson, vars);
    std::string out = "<h3>How the engagement dimensions move with retention and revenue (" +
                      escape(text(at(corporate, {"name"}), "corporate")) + ", " +
                      or_na(at(corporate, {"customers"}), integer) + " customers)</h3>\n";
    if (!charts.empty())
        out += "<figure><div class=\"row\">" + charts +
               "</div><figcaption>Blue: variables that rise together; orange: one rises as the other falls. n/a: "
               "undefined, or suppressed for too few customers. Hover a cell for its interval and count.</figcaption></figure>\n";
    return out + by_group_table(*groups, vars);
}

}  // namespace engage::io::html
