#pragma once
// A small inline-SVG writer for report.html: one chart is one <svg class="chart"
// data-chart="NAME"> with a viewBox (it scales with the page), drawn from rectangles, lines,
// paths, circles and text. Coordinates are printed with one decimal, so the same data gives the
// same bytes. Text arguments are HTML text: escape names from report.json with escape() first.
#include <string>
#include <vector>

namespace engage::io::html {

// A coordinate or length as SVG text: one decimal, trailing ".0" dropped.
std::string coord(double v);

// Maps [d0, d1] linearly onto [r0, r1] (r1 < r0 for a y axis that grows upwards).
struct LinearScale {
    double d0 = 0, d1 = 1, r0 = 0, r1 = 1;
    double operator()(double v) const { return d1 == d0 ? r0 : r0 + (v - d0) / (d1 - d0) * (r1 - r0); }
};

// Round tick values (1, 2 or 5 times a power of ten) covering [lo, hi] with about `target`
// intervals; the first and last ticks enclose [lo, hi], so they make a good axis domain.
struct Ticks {
    double step = 1;
    std::vector<double> values;
    double lo() const { return values.front(); }
    double hi() const { return values.back(); }
};
Ticks nice_ticks(double lo, double hi, int target = 5);

class Svg {
public:
    // `name` identifies the chart (data-chart, also checked by the tests); `description` is its
    // accessible label, a sentence saying what it shows.
    Svg(std::string name, double width, double height, const std::string& description);

    double width() const { return width_; }
    double height() const { return height_; }

    // `tooltip` (HTML text) becomes a <title> child: the browser shows it on hover.
    void rect(double x, double y, double w, double h, const std::string& fill, const std::string& tooltip = "",
              const std::string& extra = "");
    void line(double x1, double y1, double x2, double y2, const std::string& stroke, double width = 1,
              const std::string& dash = "");
    void path(const std::string& d, const std::string& fill, const std::string& stroke, double width = 1,
              double opacity = 1, const std::string& dash = "", const std::string& tooltip = "");
    void circle(double cx, double cy, double r, const std::string& fill, const std::string& tooltip = "",
                const std::string& stroke = "");
    // anchor: "start", "middle" or "end"; cls: CSS classes of the text ("axis-title", "value", ...);
    // fill, when given, is an inline style so that it wins over the page's text colours.
    void text(double x, double y, const std::string& html_text, const std::string& anchor = "start",
              const std::string& cls = "", const std::string& fill = "");
    // Text rotated by -90 degrees about (x, y): the title of a vertical axis.
    void vertical_text(double x, double y, const std::string& html_text, const std::string& cls = "");
    // Anything else, as SVG markup.
    void raw(const std::string& markup) { body_ += markup; }

    // The finished <svg> element.
    std::string str() const;

private:
    std::string name_;
    double width_, height_;
    std::string description_;
    std::string body_;
};

// Path commands of a polyline through (xs[i], ys[i]): "M x y L x y ...".
std::string polyline(const std::vector<double>& xs, const std::vector<double>& ys);

}  // namespace engage::io::html
