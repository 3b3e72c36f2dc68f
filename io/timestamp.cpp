#include "io/timestamp.hpp"
#include "io/text.hpp"

#include <chrono>
#include <string>

namespace engage::io {

namespace {

using text::lower;

using namespace std::chrono;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A left-to-right reader of one field.
struct Cursor {
    std::string_view s;
    std::size_t i = 0;

    bool done() const { return i == s.size(); }
    char peek() const { return done() ? '\0' : s[i]; }
    bool take(char c) {
        if (peek() != c) return false;
        ++i;
        return true;
    }
    // Between `min` and `max` digits (as many as there are, up to max); nullopt when fewer.
    std::optional<int> number(std::size_t min, std::size_t max) {
        std::size_t n = 0;
        int v = 0;
        while (n < max && is_digit(peek())) {
            v = v * 10 + (s[i++] - '0');
            ++n;
        }
        if (n < min) return std::nullopt;
        return v;
    }
    // Case-insensitive word.
    bool word(std::string_view w) {
        if (s.size() - i < w.size() || lower(s.substr(i, w.size())) != w) return false;
        i += w.size();
        return true;
    }
};

std::optional<sys_days> make_date(int y, int m, int d) {
    if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    const year_month_day ymd{year{y}, month{unsigned(m)}, day{unsigned(d)}};
    if (!ymd.ok()) return std::nullopt;
    return sys_days{ymd};
}

// YYYY then '-' or '/' (the same twice), MM, DD, two digits each.
std::optional<sys_days> year_first(Cursor& c) {
    const auto y = c.number(4, 4);
    if (!y) return std::nullopt;
    const char sep = c.peek();
    if (sep != '-' && sep != '/') return std::nullopt;
    ++c.i;
    const auto m = c.number(2, 2);
    if (!m || !c.take(sep)) return std::nullopt;
    const auto d = c.number(2, 2);
    if (!d) return std::nullopt;
    return make_date(*y, *m, *d);
}

std::optional<sys_days> compact(Cursor& c) {
    const auto y = c.number(4, 4);
    const auto m = y ? c.number(2, 2) : std::nullopt;
    const auto d = m ? c.number(2, 2) : std::nullopt;
    if (!d || is_digit(c.peek())) return std::nullopt;
    return make_date(*y, *m, *d);
}

// D/M/YYYY or M/D/YYYY; the separator is '/', '.' or '-', the same twice.
std::optional<sys_days> day_month(Cursor& c, bool day_first) {
    const auto a = c.number(1, 2);
    const char sep = c.peek();
    if (!a || (sep != '/' && sep != '.' && sep != '-')) return std::nullopt;
    ++c.i;
    const auto b = c.number(1, 2);
    if (!b || !c.take(sep)) return std::nullopt;
    const auto y = c.number(4, 4);
    if (!y || is_digit(c.peek())) return std::nullopt;
    return day_first ? make_date(*y, *b, *a) : make_date(*y, *a, *b);
}

std::optional<sys_days> date_part(Cursor& c, DateFormat f) {
    switch (f) {
        case DateFormat::automatic: {
            Cursor probe = c;
            if (auto d = compact(probe)) {
                c = probe;
                return d;
            }
            return year_first(c);
        }
        case DateFormat::yyyymmdd: return compact(c);
        case DateFormat::iso: return year_first(c);
        case DateFormat::dmy: return day_month(c, true);
        case DateFormat::mdy: return day_month(c, false);
    }
    return std::nullopt;
}

// The UTC offset at the cursor, in seconds east of Greenwich; nullopt when malformed.
std::optional<seconds> zone(Cursor& c) {
    if (c.take('Z') || c.take('z') || c.word("utc") || c.word("gmt")) {
        if (c.done()) return seconds{0};
        if (c.peek() != '+' && c.peek() != '-') return std::nullopt;  // "UTC+02:00" falls through
    }
    const char sign = c.peek();
    if (sign != '+' && sign != '-') return std::nullopt;
    ++c.i;
    const auto h = c.number(2, 2);
    if (!h) return std::nullopt;
    int m = 0;
    if (!c.done()) {
        c.take(':');
        const auto mm = c.number(2, 2);
        if (!mm) return std::nullopt;
        m = *mm;
    }
    if (*h > 18 || m > 59 || (*h == 18 && m > 0)) return std::nullopt;
    const seconds off = hours{*h} + minutes{m};
    return sign == '-' ? -off : off;
}

}  // namespace

std::optional<DateFormat> parse_date_format(std::string_view t) {
    const std::string s = lower(t);
    if (s == "auto") return DateFormat::automatic;
    if (s == "yyyymmdd") return DateFormat::yyyymmdd;
    if (s == "yyyy-mm-dd" || s == "iso") return DateFormat::iso;
    if (s == "dd/mm/yyyy" || s == "dd.mm.yyyy" || s == "dmy") return DateFormat::dmy;
    if (s == "mm/dd/yyyy" || s == "mdy") return DateFormat::mdy;
    return std::nullopt;
}

std::string_view date_format_name(DateFormat f) noexcept {
    switch (f) {
        case DateFormat::automatic: return "auto";
        case DateFormat::yyyymmdd: return "YYYYMMDD";
        case DateFormat::iso: return "YYYY-MM-DD";
        case DateFormat::dmy: return "DD/MM/YYYY";
        case DateFormat::mdy: return "MM/DD/YYYY";
    }
    return "?";
}

std::optional<std::int64_t> parse_timestamp_day(std::string_view text, DateFormat f) {
    Cursor c{text};
    const auto date = date_part(c, f);
    if (!date) return std::nullopt;
    if (c.done()) return date->time_since_epoch().count();
    // The time of day.
    if (!c.take('T') && !c.take('t') && !c.take(' ')) return std::nullopt;
    const auto h = c.number(1, 2);
    if (!h || !c.take(':')) return std::nullopt;
    const auto m = c.number(2, 2);
    if (!m) return std::nullopt;
    int s = 0;
    if (c.take(':')) {
        const auto ss = c.number(2, 2);
        if (!ss) return std::nullopt;
        s = *ss;
        if (c.take('.') || c.take(',')) {
            // The fraction of a second never moves the day: read and dropped.
            if (!is_digit(c.peek())) return std::nullopt;
            while (is_digit(c.peek())) ++c.i;
        }
    }
    int hour = *h;
    const std::size_t before_ampm = c.i;
    c.take(' ');
    if (c.word("am") || c.word("pm")) {
        const bool pm = lower(text.substr(c.i - 2, 1)) == "p";
        if (hour < 1 || hour > 12) return std::nullopt;
        hour = hour % 12 + (pm ? 12 : 0);
    } else {
        c.i = before_ampm;
    }
    if (hour > 23 || *m > 59 || s > 59) return std::nullopt;
    seconds offset{0};
    if (!c.done()) {
        c.take(' ');
        const auto z = zone(c);
        if (!z || !c.done()) return std::nullopt;
        offset = *z;
    }
    // Local time minus its offset is UTC; floor gives the UTC day, also before 1970.
    const sys_seconds utc = *date + hours{hour} + minutes{*m} + seconds{s} - offset;
    return floor<days>(utc).time_since_epoch().count();
}

}  // namespace engage::io
