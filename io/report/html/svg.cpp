#include "io/report/html/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "io/report/html/format.hpp"

namespace engage::io::html {

std::string coord(double v) {
    if (!std::isfinite(v)) return "0";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", std::round(v * 10.0) / 10.0 + 0.0);
    std::string s = buf;
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s == "-0" ? "0" : s;
}

Ticks nice_ticks(double lo, double hi, int target) {
    Ticks t;
    if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;
    if (hi < lo) std::swap(lo, hi);
    if (hi == lo) hi = lo + (lo == 0 ? 1 : std::fabs(lo) * 0.1);
    const double raw = (hi - lo) / std::max(target, 1);
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / power;
    t.step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
    const double first = std::floor(lo / t.step + 1e-9) * t.step;
    const double last = std::ceil(hi / t.step - 1e-9) * t.step;
    // Values are built from integer multiples, so 0.1 + 0.2 never shows up as 0.30000000000000004.
    for (long k = std::lround(first / t.step); k <= std::lround(last / t.step); ++k) t.values.push_back(double(k) * t.step);
    return t;
}

Svg::Svg(std::string name, double width, double height, const std::string& description)
    : name_(std::move(name)), width_(width), height_(height), description_(description) {}

namespace {

// Ends an element: "/>" or, with a tooltip, "><title>...</title></tag>". Appended piece by piece
// (GCC 12 warns falsely about "literal" + std::string chains here, -Wrestrict).
void close(std::string& body, const char* tag, const std::string& tooltip) {
    if (tooltip.empty()) {
        body += "/>";
        return;
    }
    body += "><title>";
    body += tooltip;
    body += "</title></";
    body += tag;
    body += ">";
}

}  // namespace

void Svg::rect(double x, double y, double w, double h, const std::string& fill, const std::string& tooltip,
               const std::string& extra) {
    body_ += "<rect x=\"" + coord(x) + "\" y=\"" + coord(y) + "\" width=\"" + coord(std::max(w, 0.0)) + "\" height=\"" +
             coord(std::max(h, 0.0)) + "\" fill=\"" + fill + "\"" + (extra.empty() ? "" : " " + extra);
    close(body_, "rect", tooltip);
}

void Svg::line(double x1, double y1, double x2, double y2, const std::string& stroke, double width,
               const std::string& dash) {
    body_ += "<line x1=\"" + coord(x1) + "\" y1=\"" + coord(y1) + "\" x2=\"" + coord(x2) + "\" y2=\"" + coord(y2) +
             "\" stroke=\"" + stroke + "\" stroke-width=\"" + coord(width) + "\"" +
             (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") + "/>";
}

void Svg::path(const std::string& d, const std::string& fill, const std::string& stroke, double width, double opacity,
               const std::string& dash, const std::string& tooltip) {
    char op[16];
    std::snprintf(op, sizeof op, "%.2f", opacity);
    body_ += "<path d=\"" + d + "\" fill=\"" + fill + "\" stroke=\"" + stroke + "\" stroke-width=\"" + coord(width) +
             "\"" + (opacity < 1 ? std::string(" opacity=\"") + op + "\"" : "") +
             (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") + " stroke-linejoin=\"round\"";
    close(body_, "path", tooltip);
}

void Svg::circle(double cx, double cy, double r, const std::string& fill, const std::string& tooltip,
                 const std::string& stroke) {
    body_ += "<circle cx=\"" + coord(cx) + "\" cy=\"" + coord(cy) + "\" r=\"" + coord(r) + "\" fill=\"" + fill + "\"" +
             (stroke.empty() ? "" : " stroke=\"" + stroke + "\"");
    close(body_, "circle", tooltip);
}

void Svg::text(double x, double y, const std::string& html_text, const std::string& anchor, const std::string& cls,
               const std::string& fill) {
    body_ += "<text x=\"" + coord(x) + "\" y=\"" + coord(y) + "\"" +
             (anchor == "start" ? "" : " text-anchor=\"" + anchor + "\"") +
             (cls.empty() ? "" : " class=\"" + cls + "\"") + (fill.empty() ? "" : " style=\"fill:" + fill + "\"") + ">" +
             html_text + "</text>";
}

void Svg::vertical_text(double x, double y, const std::string& html_text, const std::string& cls) {
    body_ += "<text transform=\"translate(" + coord(x) + " " + coord(y) + ") rotate(-90)\" text-anchor=\"middle\"" +
             (cls.empty() ? "" : " class=\"" + cls + "\"") + ">" + html_text + "</text>";
}

std::string Svg::str() const {
    return "<svg class=\"chart\" data-chart=\"" + escape(name_) + "\" viewBox=\"0 0 " + coord(width_) + " " +
           coord(height_) + "\" width=\"" + coord(width_) + "\" role=\"img\" aria-label=\"" + description_ + "\">" +
           body_ + "</svg>";
}

std::string polyline(const std::vector<double>& xs, const std::vector<double>& ys) {
    std::string d;
    for (std::size_t i = 0; i < xs.size() && i < ys.size(); ++i)
        d += (i == 0 ? "M" : " L") + coord(xs[i]) + " " + coord(ys[i]);
    return d;
}

}  // namespace engage::io::html
