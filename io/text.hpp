#pragma once
// Small text helpers of the parsers (transaction logs, attribute files, timestamps, channel maps) and of the
// string tables of HDF5 files: ASCII case and blanks only, so that a UTF-8 name is never altered.
#include <cstdint>
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

// Position of the first byte that is not part of valid UTF-8 (overlong forms, surrogates and
// code points above U+10FFFF are invalid), or npos. ASCII is valid UTF-8.
inline std::size_t invalid_utf8_at(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
        else return i;
        if (i + len > s.size()) return i;
        for (std::size_t k = 1; k < len; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (b & 0x3F);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
            return i;
        i += len;
    }
    return std::string_view::npos;
}

// A field value as it appears in a message: quoted, and cut short when long.
inline std::string shown(std::string_view v) {
    constexpr std::size_t kMax = 40;
    return "\"" + std::string(v.substr(0, kMax)) + (v.size() > kMax ? "...\"" : "\"");
}

// The same with bytes that are not printable ASCII written as \xHH: a value that is not valid
// UTF-8 or holds control characters, so that the message itself stays readable UTF-8.
inline std::string shown_escaped(std::string_view v) {
    std::string out;
    for (const char c : v.substr(0, 40)) {
        const auto b = static_cast<unsigned char>(c);
        if (b >= 0x20 && b < 0x7F) {
            out += c;
            continue;
        }
        static const char hex[] = "0123456789ABCDEF";
        out += "\\x";
        out += hex[b >> 4];
        out += hex[b & 15];
    }
    return "\"" + out + (v.size() > 40 ? "...\"" : "\"");
}

}  // namespace engage::io::text
