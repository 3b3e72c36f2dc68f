#pragma once
// Colours of report.html: the Okabe-Ito palette, which stays distinguishable under the common
// colour-vision deficiencies (Okabe & Ito 2008, "Color Universal Design"), and two colour scales
// that vary in lightness as well as hue (sequential blues; diverging orange-white-blue).
#include <cstddef>
#include <string>

namespace engage::io::html {

namespace okabe_ito {
inline constexpr const char* black = "#000000";
inline constexpr const char* orange = "#E69F00";
inline constexpr const char* sky_blue = "#56B4E9";
inline constexpr const char* green = "#009E73";
inline constexpr const char* yellow = "#F0E442";
inline constexpr const char* blue = "#0072B2";
inline constexpr const char* vermillion = "#D55E00";
inline constexpr const char* purple = "#CC79A7";
}  // namespace okabe_ito

inline constexpr const char* kGrey = "#8C8C8C";       // references, "previous" bars
inline constexpr const char* kGridGrey = "#E3E6EA";   // grid lines
inline constexpr const char* kInkGrey = "#4A4F57";    // axes and their labels

// The four engagement tiers in code order: fully engaged (blue), engaged (sky blue), not engaged
// (orange), actively disengaged (vermillion); a fifth index gives grey.
const char* tier_colour(std::size_t tier);
// The colour of the i-th series of a chart, cycling through the palette (black left out).
const char* series_colour(std::size_t i);

// t in [0, 1] -> "#rrggbb" from near-white to dark blue (values outside are clamped).
std::string sequential(double t);
// t in [-1, 1] -> "#rrggbb": orange (-1), near-white (0), blue (+1).
std::string diverging(double t);
// The text colour readable on `background` ("#rrggbb"): near-black or white.
const char* ink_on(const std::string& background);

}  // namespace engage::io::html
