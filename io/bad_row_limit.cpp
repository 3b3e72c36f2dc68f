#include "io/bad_row_limit.hpp"

#include <charconv>

namespace engage::io {

namespace {

bool digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

}  // namespace

bool BadRowLimit::exceeded(std::uint64_t bad, std::uint64_t data_rows) const noexcept {
    return bad > allowed(data_rows);
}

std::uint64_t BadRowLimit::allowed(std::uint64_t data_rows) const noexcept {
    if (!percent) return count;
    // floor(per_million * rows / 10^6), split so that no product overflows 64 bits (per_million
    // <= 10^6): whole millions of rows, then the rest.
    constexpr std::uint64_t kMillion = 1000000;
    return per_million * (data_rows / kMillion) + per_million * (data_rows % kMillion) / kMillion;
}

std::optional<BadRowLimit> parse_bad_row_limit(std::string_view text) {
    BadRowLimit limit;
    limit.spelling = std::string(text);
    if (!text.empty() && text.back() == '%') {
        text.remove_suffix(1);
        const auto dot = text.find('.');
        const std::string_view whole = text.substr(0, dot);
        const std::string_view frac = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
        if (!digits(whole) || whole.size() > 3 || (dot != std::string_view::npos && (!digits(frac) || frac.size() > 4)))
            return std::nullopt;
        std::uint64_t w = 0, f = 0;
        std::from_chars(whole.data(), whole.data() + whole.size(), w);
        std::from_chars(frac.data(), frac.data() + frac.size(), f);
        for (std::size_t k = frac.size(); k < 4; ++k) f *= 10;  // "5" of "0.5" is 5000 millionths
        limit.per_million = w * 10000 + f;
        if (limit.per_million > 1000000) return std::nullopt;
        return limit;
    }
    if (!digits(text) || text.size() > 19) return std::nullopt;
    limit.percent = false;
    std::from_chars(text.data(), text.data() + text.size(), limit.count);
    return limit;
}

}  // namespace engage::io
