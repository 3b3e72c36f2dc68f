#pragma once
// JSON text printed exactly as nlohmann::ordered_json's dump(2) prints it, without building the
// value first. For the report's lists with an entry per relationship manager (io/report/splice.hpp):
// building each entry as a json value (an allocation per key and per member) and printing it cost
// most of the report phase, which rank 0 runs alone (docs/performance.md, "The report's lists
// printed, not built"). tests/unit/json_text_test.cpp checks the bytes against dump(2).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace engage::io {

// A finite double as JSON prints it (the shortest text that reads back as the same double, as
// nlohmann prints it); "null" when not finite, as nlohmann prints NaN and infinities.
std::string_view json_number(double v, char (&buf)[64]) noexcept;

class JsonText {
public:
    // Appends to `out`; `indent` is the indentation of the line the value starts on (the lines
    // of a multi-line value are indented from it).
    explicit JsonText(std::string& out, std::size_t indent = 0) : out_(out), indent_(indent) {}

    JsonText& object();  // {  ... closed by end()
    JsonText& array();   // [  ... closed by end()
    JsonText& end();
    JsonText& key(std::string_view k);  // the next member of the object being written

    JsonText& null();
    JsonText& boolean(bool b);
    JsonText& number(std::int64_t v);
    JsonText& number(std::uint64_t v);
    JsonText& number(double v);
    JsonText& string(std::string_view s);
    JsonText& value(const nlohmann::ordered_json& v);  // any value, as dump(2) prints it here
    // A number, or null without one.
    template <class T>
    JsonText& number(const std::optional<T>& v) {
        return v ? number(*v) : null();
    }
    // key(k) then the value
    template <class T>
    JsonText& member(std::string_view k, const T& v) {
        key(k);
        if constexpr (std::is_same_v<T, bool>) return boolean(v);
        else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) return number(std::uint64_t(v));
        else if constexpr (std::is_integral_v<T>) return number(std::int64_t(v));
        else if constexpr (std::is_convertible_v<const T&, std::string_view>) return string(v);
        else return number(v);
    }

private:
    void before_value();  // the separator and indentation before an array element
    void pad(std::size_t depth);
    void quoted(std::string_view s);  // a string with JSON's escapes
    struct Open {
        bool is_object;
        std::size_t members;
    };
    std::string& out_;
    std::size_t indent_;
    std::vector<Open> open_;
    bool after_key_ = false;
};

}  // namespace engage::io
