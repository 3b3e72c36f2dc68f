#include "core/dates.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace engage {

namespace {
std::optional<int> parse_digits(std::string_view s) {
    int v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}
}  // namespace

std::optional<std::int64_t> parse_iso_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    const auto y = parse_digits(text.substr(0, 4));
    const auto m = parse_digits(text.substr(5, 2));
    const auto d = parse_digits(text.substr(8, 2));
    if (!y || !m || !d) return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year{*y}, std::chrono::month{unsigned(*m)},
                                          std::chrono::day{unsigned(*d)}};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

std::string format_iso_date(std::int64_t unix_day) {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{unix_day}}};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()));
    return buf;
}

std::int32_t month_index(std::int64_t unix_day) {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{unix_day}}};
    return (int(ymd.year()) - 1970) * 12 + int(unsigned(ymd.month())) - 1;
}

}  // namespace engage
