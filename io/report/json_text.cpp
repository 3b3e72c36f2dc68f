#include "io/report/json_text.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace engage::io {

namespace {

// Whether a (>= 0) is the double nearest to a decimal of at most 3 places with fewer than 10^15
// thousandths (amounts in cents, scores in thousandths: most of what the report prints); if so,
// `digits` and `places` get the fewest places that read back as a (digits / 10^places).
//
// Such a decimal is the text nlohmann prints for a. It reads back as a: m and 1000 are exact
// doubles, so their quotient is the double nearest to the decimal, as a parser returns. No
// other decimal of 3 places does (under 10^15 thousandths they lie at least 4 ulps apart), so a
// decimal of fewer places that read back as a would be m with its trailing zeros dropped:
// stripping them gives the fewest places. Grisu2 finds the shortest decimal within a's rounding
// interval less a margin of about 2^-10 ulp at each end. A decimal of p places lies a multiple
// of 5^-p ulp from a (a < 10^12 has an ulp of at most 2^-12), so at p <= 3 it lies at least
// 1/250 ulp inside that interval (1/500 at a power of two, whose lower bound is a quarter ulp
// away), never within the margin. tests/unit/json_text_test.cpp compares the two on every
// decimal of up to 6 digits and on random ones up to 10^15.
bool short_decimal(double a, std::uint64_t& digits, int& places) noexcept {
    const double m = std::round(a * 1000.0);  // exact for such a decimal: the error is under 0.5
    if (!(m < 1e15) || m / 1000.0 != a) return false;
    digits = std::uint64_t(m);
    for (places = 3; places > 0 && digits % 10 == 0; --places) digits /= 10;
    return true;
}

}  // namespace

std::string_view json_number(double v, char (&buf)[64]) noexcept {
    if (!std::isfinite(v)) return "null";
    char* p = buf;
    const double a = std::fabs(v);
    std::uint64_t m = 0;
    int places = 0;
    if (short_decimal(a, m, places)) {
        if (std::signbit(v)) *p++ = '-';
        std::uint64_t scale = 1;
        for (int i = 0; i < places; ++i) scale *= 10;
        p = std::to_chars(p, buf + sizeof buf, m / scale).ptr;
        *p++ = '.';
        if (places == 0) {
            *p++ = '0';
        } else {
            for (std::uint64_t rest = m % scale; scale /= 10;) {  // the places, leading zeros kept
                *p++ = char('0' + rest / scale);
                rest %= scale;
            }
        }
        return {buf, std::size_t(p - buf)};
    }
    // Any other double: the function nlohmann's serializer prints it with (Grisu2).
    const char* end = nlohmann::detail::to_chars(buf, buf + sizeof buf, v);
    return {buf, std::size_t(end - buf)};
}

void JsonText::pad(std::size_t depth) { out_.append(indent_ + 2 * depth, ' '); }

void JsonText::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (open_.empty()) return;
    out_ += open_.back().members++ ? ",\n" : "\n";
    pad(open_.size());
}

JsonText& JsonText::object() {
    before_value();
    out_ += '{';
    open_.push_back({true, 0});
    return *this;
}

JsonText& JsonText::array() {
    before_value();
    out_ += '[';
    open_.push_back({false, 0});
    return *this;
}

JsonText& JsonText::end() {
    const Open o = open_.back();
    open_.pop_back();
    if (o.members) {
        out_ += '\n';
        pad(open_.size());
    }
    out_ += o.is_object ? '}' : ']';
    return *this;
}

JsonText& JsonText::key(std::string_view k) {
    out_ += open_.back().members++ ? ",\n" : "\n";
    pad(open_.size());
    quoted(k);
    out_ += ": ";
    after_key_ = true;
    return *this;
}

JsonText& JsonText::null() {
    before_value();
    out_ += "null";
    return *this;
}

JsonText& JsonText::boolean(bool b) {
    before_value();
    out_ += b ? "true" : "false";
    return *this;
}

JsonText& JsonText::number(std::int64_t v) {
    before_value();
    char buf[24];
    out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    return *this;
}

JsonText& JsonText::number(std::uint64_t v) {
    before_value();
    char buf[24];
    out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    return *this;
}

JsonText& JsonText::number(double v) {
    before_value();
    char buf[64];
    out_ += json_number(v, buf);
    return *this;
}

JsonText& JsonText::string(std::string_view s) {
    before_value();
    quoted(s);
    return *this;
}

namespace {

// Whether no byte of s needs an escape or a UTF-8 check: printable ASCII other than " and \.
// The keys and names of 400,000 managers' entries are most of what the report scans: a loop of
// a byte at a time was an eighth of its phase. Strings of 8 bytes or more are read 8 bytes at a
// time (the last word overlapping the one before), shorter ones by a table.
bool plain_ascii(std::string_view s) noexcept {
    constexpr std::uint64_t kOnes = 0x0101010101010101, kHigh = 0x8080808080808080;
    // High bit of a byte set where the byte is under n (n <= 0x80): exact as to whether any is.
    const auto any_under = [](std::uint64_t w, std::uint64_t n) { return (w - kOnes * n) & ~w & kHigh; };
    const auto flagged = [&](const char* at) {
        std::uint64_t w;
        std::memcpy(&w, at, 8);
        return (w & kHigh) | any_under(w, 0x20) | any_under(w ^ (kOnes * '"'), 1) | any_under(w ^ (kOnes * '\\'), 1) |
               any_under(w ^ (kOnes * 0x7F), 1);
    };
    static constexpr auto kPlain = [] {
        std::array<bool, 256> plain{};
        for (int c = 0x20; c < 0x7F; ++c) plain[std::size_t(c)] = c != '"' && c != '\\';
        return plain;
    }();
    const std::size_t n = s.size();
    if (n < 8) {
        bool plain = true;
        for (const char c : s) plain &= kPlain[std::uint8_t(c)];
        return plain;
    }
    for (std::size_t i = 0; i + 8 < n; i += 8)
        if (flagged(s.data() + i)) return false;
    return !flagged(s.data() + n - 8);
}

}  // namespace

void JsonText::quoted(std::string_view s) {
    if (plain_ascii(s)) {
        out_ += '"';
        out_ += s;
        out_ += '"';
    } else {
        out_ += nlohmann::ordered_json(std::string(s)).dump();  // its escapes, and its error on bad UTF-8
    }
}

JsonText& JsonText::value(const nlohmann::ordered_json& v) {
    before_value();
    const std::string text = v.dump(2);
    std::size_t from = 0;
    for (std::size_t nl; (nl = text.find('\n', from)) != std::string::npos; from = nl + 1) {
        out_.append(text, from, nl + 1 - from);
        pad(open_.size());
    }
    out_.append(text, from);
    return *this;
}

}  // namespace engage::io
