#include "io/report/json_text.hpp"

#include <charconv>
#include <cmath>

namespace engage::io {

std::string_view json_number(double v, char (&buf)[64]) noexcept {
    if (!std::isfinite(v)) return "null";
    // The function nlohmann's serializer prints every double with (Grisu2, shortest round trip).
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

void JsonText::quoted(std::string_view s) {
    bool plain = true;
    for (const char c : s) plain &= c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
    if (plain) {
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
