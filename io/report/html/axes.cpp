#include "io/report/html/axes.hpp"

#include "io/report/html/palette.hpp"

namespace engage::io::html {

void axis_left(Svg& svg, const Frame& f, const LinearScale& y, const Ticks& ticks, const TickFormat& format,
               const std::string& title) {
    for (double v : ticks.values) {
        const double py = y(v);
        svg.line(f.left, py, f.right(), py, kGridGrey);
        svg.text(f.left - 6, py + 4, format(v), "end", "tick");
    }
    svg.line(f.left, f.top, f.left, f.bottom(), kInkGrey);
    svg.vertical_text(f.left - 52, f.top + f.height / 2, title, "axis-title");
}

void axis_bottom(Svg& svg, const Frame& f, const LinearScale& x, const Ticks& ticks, const TickFormat& format,
                 const std::string& title, bool grid) {
    svg.line(f.left, f.bottom(), f.right(), f.bottom(), kInkGrey);
    for (double v : ticks.values) {
        const double px = x(v);
        if (grid) svg.line(px, f.top, px, f.bottom(), kGridGrey);
        svg.line(px, f.bottom(), px, f.bottom() + 5, kInkGrey);
        svg.text(px, f.bottom() + 18, format(v), "middle", "tick");
    }
    svg.text(f.left + f.width / 2, f.bottom() + 38, title, "middle", "axis-title");
}

void category_axis_bottom(Svg& svg, const Frame& f, const std::vector<double>& xs,
                          const std::vector<std::string>& labels, const std::string& title) {
    svg.line(f.left, f.bottom(), f.right(), f.bottom(), kInkGrey);
    for (std::size_t i = 0; i < xs.size() && i < labels.size(); ++i)
        svg.text(xs[i], f.bottom() + 18, labels[i], "middle", "tick");
    svg.text(f.left + f.width / 2, f.bottom() + 38, title, "middle", "axis-title");
}

double legend(Svg& svg, double x, double y, const std::vector<LegendItem>& items) {
    for (const LegendItem& item : items) {
        switch (item.shape) {
            case LegendItem::line: svg.line(x, y - 4, x + 18, y - 4, item.colour, 2.5); break;
            case LegendItem::dashed: svg.line(x, y - 4, x + 18, y - 4, item.colour, 2, "4 3"); break;
            case LegendItem::band: svg.rect(x, y - 10, 18, 12, item.colour, "", "opacity=\"0.25\""); break;
            case LegendItem::dot: svg.circle(x + 9, y - 4, 4.5, item.colour); break;
            case LegendItem::diamond: svg.path(diamond(x + 9, y - 4, 6), item.colour, "none"); break;
            case LegendItem::box: svg.rect(x + 3, y - 10, 12, 12, item.colour, "", "rx=\"2\""); break;
        }
        svg.text(x + 24, y, item.label, "start", "legend");
        x += 24 + text_width(item.label) + 18;
    }
    return x;
}

std::string diamond(double cx, double cy, double r) {
    return polyline({cx, cx + r, cx, cx - r}, {cy - r, cy, cy + r, cy}) + " Z";
}

double text_width(const std::string& html_text, double font_size) {
    // Entities count as one character; a UTF-8 sequence as one character.
    double chars = 0;
    bool entity = false;
    for (unsigned char c : html_text) {
        if (entity) {
            entity = c != ';';
            continue;
        }
        if (c == '&') entity = true;
        if ((c & 0xC0) == 0x80) continue;
        chars += 1;
    }
    return chars * font_size * 0.58;
}

}  // namespace engage::io::html
