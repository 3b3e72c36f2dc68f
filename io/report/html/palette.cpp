#include "io/report/html/palette.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace engage::io::html {

namespace {

using Rgb = std::array<double, 3>;

Rgb parse(const std::string& hex) {
    unsigned r = 0, g = 0, b = 0;
    if (hex.size() == 7) std::sscanf(hex.c_str() + 1, "%2x%2x%2x", &r, &g, &b);
    return {double(r), double(g), double(b)};
}

std::string hex(const Rgb& c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "#%02X%02X%02X", unsigned(std::lround(c[0])), unsigned(std::lround(c[1])),
                  unsigned(std::lround(c[2])));
    return buf;
}

// Piecewise-linear interpolation through `stops`, evenly spaced over [0, 1].
template <std::size_t N>
std::string ramp(const std::array<Rgb, N>& stops, double t) {
    t = std::clamp(std::isfinite(t) ? t : 0.0, 0.0, 1.0);
    const double pos = t * double(N - 1);
    const std::size_t i = std::min(std::size_t(pos), N - 2);
    const double f = pos - double(i);
    Rgb c;
    for (int k = 0; k < 3; ++k) c[k] = stops[i][k] + f * (stops[i + 1][k] - stops[i][k]);
    return hex(c);
}

}  // namespace

const char* tier_colour(std::size_t tier) {
    // Okabe-Ito blue, sky blue and orange, and Paul Tol's wine (#882255) for the last tier: orange
    // beside vermillion (the earlier choice) differed too little in hue and lightness, for
    // colour-blind readers and on projectors alike; wine is darker and bluer than orange.
    static const char* colours[] = {okabe_ito::blue, okabe_ito::sky_blue, okabe_ito::orange, "#882255"};
    return tier < 4 ? colours[tier] : kGrey;
}

const char* series_colour(std::size_t i) {
    static const char* colours[] = {okabe_ito::blue,   okabe_ito::orange, okabe_ito::green, okabe_ito::vermillion,
                                    okabe_ito::purple, okabe_ito::sky_blue, okabe_ito::yellow};
    return colours[i % 7];
}

// ColorBrewer "Blues" (Harrower & Brewer 2003): monotone in lightness, so it reads in grey too.
std::string sequential(double t) {
    static const std::array<Rgb, 5> stops{{{247, 251, 255}, {198, 219, 239}, {107, 174, 214}, {33, 113, 181}, {8, 48, 107}}};
    return ramp(stops, t);
}

// ColorBrewer "PuOr"-like orange to blue through near-white: colour-blind safe.
std::string diverging(double t) {
    static const std::array<Rgb, 5> stops{{{179, 88, 6}, {241, 163, 64}, {247, 247, 247}, {103, 169, 207}, {33, 102, 172}}};
    return ramp(stops, (std::isfinite(t) ? t : 0.0) * 0.5 + 0.5);
}

const char* ink_on(const std::string& background) {
    const Rgb c = parse(background);
    // Relative luminance, ITU-R BT.709 weights on the (uncorrected) channels: enough to pick
    // between black and white text.
    const double y = (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255.0;
    return y < 0.5 ? "#FFFFFF" : "#1B1F24";
}

}  // namespace engage::io::html
