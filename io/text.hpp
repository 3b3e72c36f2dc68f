#pragma once
// Small text helpers of the importers' parsers (transaction logs, timestamps, channel maps):
// ASCII only, so that a UTF-8 name is never altered.
#include <string>
#include <string_view>

namespace engage::io::text {

// ASCII letters to lower case; every other byte as it is.
inline std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return out;
}

inline bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }

// Without leading and trailing spaces and tabs.
inline std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

}  // namespace engage::io::text
