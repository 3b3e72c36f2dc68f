#include "io/report/html/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/dates.hpp"

namespace engage::io::html {

namespace {

constexpr const char* kMinus = "\u2212";  // a real minus sign: as wide as the plus sign
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string printf_fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

// "-0.0" reads as a change; a value that rounds to zero is shown unsigned.
std::string with_minus(double v, int decimals) {
    std::string s = printf_fixed(std::fabs(v), decimals);
    const bool zero = s.find_first_not_of("0.") == std::string::npos;
    return (v < 0 && !zero ? kMinus : "") + s;
}

struct Ymd {
    int y, m, d;
};
bool split_iso(std::string_view iso, Ymd& out) {
    if (iso.size() != 10 || !parse_iso_date(iso)) return false;
    const std::string s(iso);
    out = {std::stoi(s.substr(0, 4)), std::stoi(s.substr(5, 2)), std::stoi(s.substr(8, 2))};
    return true;
}

}  // namespace

std::string escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    return out;
}

std::string integer(double v) {
    if (!std::isfinite(v)) return kNotAvailable;
    const std::string digits = printf_fixed(std::fabs(std::round(v)), 0);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return (std::round(v) < 0 ? kMinus : "") + out;
}

std::string compact(double v) {
    if (!std::isfinite(v)) return kNotAvailable;
    const double a = std::fabs(v);
    struct Unit {
        double scale;
        const char* suffix;
    };
    // Each unit is used from where three significant digits no longer fit the unit below
    // (999,950 is "1.00 M", not "1000.0 k").
    static const Unit units[] = {{1e9, " bn"}, {1e6, " M"}, {1e3, " k"}};
    for (const Unit& u : units)
        if (a >= u.scale * 0.99995) {
            const double x = a / u.scale;
            const int decimals = x >= 99.95 ? 0 : x >= 9.995 ? 1 : 2;
            // Three significant digits always ("10.0 M" beside "9.72 M", not "10 M"): a column
            // of amounts reads at one precision.
            return (v < 0 ? kMinus : "") + printf_fixed(x, decimals) + u.suffix;
        }
    const std::string s = a == 0 ? "0" : printf_fixed(a, a >= 99.95 ? 0 : a >= 9.995 ? 1 : 2);
    return (v < 0 && s != "0" ? kMinus : "") + s;
}

std::string count(double v) { return std::fabs(v) < 99999.5 ? integer(v) : compact(v); }

std::string fixed(double v, int decimals) {
    return std::isfinite(v) ? with_minus(v, decimals) : std::string(kNotAvailable);
}

std::string signed_fixed(double v, int decimals) {
    if (!std::isfinite(v)) return kNotAvailable;
    const std::string s = with_minus(v, decimals);
    const bool zero = s.find_first_not_of("0.") == std::string::npos;
    return s.rfind(kMinus, 0) == 0 || zero ? s : "+" + s;
}

std::string percent(double share, int decimals) {
    return std::isfinite(share) ? with_minus(share * 100.0, decimals) + "%" : std::string(kNotAvailable);
}

std::string signed_points(double share_difference, int decimals) {
    return std::isfinite(share_difference) ? signed_fixed(share_difference * 100.0, decimals) + " pp"
                                           : std::string(kNotAvailable);
}

std::string seconds(double s) {
    if (!std::isfinite(s)) return kNotAvailable;
    if (s < 10) return printf_fixed(s, 2) + " s";
    if (s < 120) return printf_fixed(s, 1) + " s";
    const long total = std::lround(s);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%ld min %02ld s", total / 60, total % 60);
    return buf;
}

std::string bytes(double b) {
    if (!std::isfinite(b)) return kNotAvailable;
    if (b >= 1e9) return printf_fixed(b / 1e9, 1) + " GB";
    if (b >= 1e6) return printf_fixed(b / 1e6, 0) + " MB";
    return printf_fixed(b / 1e3, 0) + " kB";
}

std::string date(std::string_view iso) {
    Ymd t;
    if (!split_iso(iso, t)) return escape(iso);
    return std::to_string(t.d) + " " + kMonths[t.m - 1] + " " + std::to_string(t.y);
}

std::string month(std::string_view iso) {
    Ymd t;
    if (!split_iso(iso, t)) return escape(iso);
    return std::string(kMonths[t.m - 1]) + " " + std::to_string(t.y);
}

std::string period(std::string_view iso, std::string_view unit) {
    Ymd t;
    if (!split_iso(iso, t)) return escape(iso);
    if (unit == "month") return month(iso);
    if (unit == "quarter") return std::to_string(t.y) + " Q" + std::to_string((t.m - 1) / 3 + 1);
    return date(iso);
}

std::string shorten(std::string_view raw, std::size_t max_chars) {
    std::size_t chars = 0, cut = raw.size();
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if ((static_cast<unsigned char>(raw[i]) & 0xC0) == 0x80) continue;  // UTF-8 continuation byte
        if (chars == max_chars - 1) cut = std::min(cut, i);
        if (++chars > max_chars) return escape(raw.substr(0, cut)) + "\u2026";
    }
    return escape(raw);
}

std::string label(std::string_view key) {
    std::string out(key);
    for (char& c : out)
        if (c == '_') c = ' ';
    if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = char(out[0] - 'a' + 'A');
    return escape(out);
}

}  // namespace engage::io::html
