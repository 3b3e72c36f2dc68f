#include "io/report/html/page.hpp"

#include <cmath>

#include "io/report/html/format.hpp"

namespace engage::io::html {

std::string page(const std::string& html_title, const std::string& html_body) {
    return std::string("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n") +
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n" + "<title>" + html_title +
           "</title>\n<script>" + page_error_hook() + "</script>\n<style>" + page_style() + "</style>\n</head>\n<body>\n<main>\n" +
           html_body + "</main>\n<script>" + page_script() + "</script>\n</body>\n</html>\n";
}

std::string section(const std::string& id, const std::string& html_heading, const std::string& html_lead,
                    const std::string& html_body) {
    return "<section id=\"" + id + "\">\n<h2>" + html_heading + "</h2>\n" +
           (html_lead.empty() ? "" : "<p class=\"lead\">" + html_lead + "</p>\n") + html_body + "</section>\n";
}

std::string omitted(const std::string& id, const std::string& html_heading, const std::string& html_note) {
    return "<section id=\"" + id + "\" class=\"omitted\">\n<h2>" + html_heading + "</h2>\n<p class=\"note\">" +
           html_note + "</p>\n</section>\n";
}

std::string figure(const std::string& svg, const std::string& html_caption) {
    return "<figure>" + svg + (html_caption.empty() ? "" : "<figcaption>" + html_caption + "</figcaption>") +
           "</figure>\n";
}

std::string note(const std::string& html_text) { return "<p class=\"note\">" + html_text + "</p>\n"; }

std::string tiles(const std::vector<Tile>& items) {
    std::string out = "<div class=\"tiles\">\n";
    for (const Tile& t : items)
        out += "<div class=\"tile\"><div class=\"tile-label\">" + t.label + "</div><div class=\"tile-value\">" + t.value +
               "</div>" + (t.context.empty() ? "" : "<div class=\"tile-context\">" + t.context + "</div>") + "</div>\n";
    return out + "</div>\n";
}

std::string trend_arrow(double change, double flat_below, int decimals, const std::string& unit) {
    if (!std::isfinite(change)) return "<span class=\"flat\">n/a</span>";
    const std::string amount = signed_fixed(change, decimals) + unit;
    // The arrow follows the number shown, not the unrounded change: every row that prints -0.5
    // gets the same arrow. Within +-flat_below (inclusive) of 0 as printed is "about unchanged".
    const double scale = std::pow(10.0, decimals);
    const double shown = std::round(change * scale);
    if (std::fabs(shown) <= std::round(flat_below * scale))
        return "<span class=\"flat\" title=\"about unchanged\">\u25B6 " + amount + "</span>";
    return shown > 0 ? "<span class=\"up\" title=\"up\">\u25B2 " + amount + "</span>"
                      : "<span class=\"down\" title=\"down\">\u25BC " + amount + "</span>";
}

}  // namespace engage::io::html
