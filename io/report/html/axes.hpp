#pragma once
// Axes, grid lines and legends of the report's charts. Every axis has a title that names the
// quantity and its unit ("customers", "survival (%)", "days since acquisition").
#include <functional>
#include <string>
#include <vector>

#include "io/report/html/svg.hpp"

namespace engage::io::html {

// The plot area inside a chart, in SVG units.
struct Frame {
    double left, top, width, height;
    double right() const { return left + width; }
    double bottom() const { return top + height; }
};

using TickFormat = std::function<std::string(double)>;

// A vertical axis on the left of `f`: tick labels, horizontal grid lines across the plot, and
// `title` written vertically.
void axis_left(Svg& svg, const Frame& f, const LinearScale& y, const Ticks& ticks, const TickFormat& format,
               const std::string& title);
// A horizontal axis under `f`: ticks, labels and `title` centred beneath.
void axis_bottom(Svg& svg, const Frame& f, const LinearScale& x, const Ticks& ticks, const TickFormat& format,
                 const std::string& title, bool grid = false);
// Category labels under `f` at the centres `xs` (bars), and `title` beneath.
void category_axis_bottom(Svg& svg, const Frame& f, const std::vector<double>& xs,
                          const std::vector<std::string>& labels, const std::string& title);

struct LegendItem {
    std::string label;    // HTML text
    std::string colour;
    enum Shape { box, line, dashed, band, dot, diamond } shape = box;
};
// One row of legend entries starting at (x, y) (y: the text baseline); returns the x after the
// last entry.
double legend(Svg& svg, double x, double y, const std::vector<LegendItem>& items);

// Path commands of a diamond of half-diagonal `r` centred on (cx, cy).
std::string diamond(double cx, double cy, double r);

// An approximate text width in SVG units for the report's 12-unit sans-serif font, to place
// labels without measuring them in a browser.
double text_width(const std::string& html_text, double font_size = 12);

}  // namespace engage::io::html
