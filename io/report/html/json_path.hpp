#pragma once
// Tolerant reads of the report.json document: a section that is missing, null or shaped
// differently gives nullptr or NaN instead of an exception, so report.html leaves out what it
// cannot draw instead of failing the run.
#include <nlohmann/json.hpp>

#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>

namespace engage::io::html {

using json = nlohmann::ordered_json;

// The value at `keys` below `j`; nullptr when `j` is null, a step is not an object or a key is
// missing. A JSON null at the end is returned as it is.
inline const json* at(const json* j, std::initializer_list<std::string_view> keys) {
    for (std::string_view k : keys) {
        if (!j || !j->is_object()) return nullptr;
        const auto it = j->find(k);
        if (it == j->end()) return nullptr;
        j = &*it;
    }
    return j;
}
inline const json* at(const json& j, std::initializer_list<std::string_view> keys) { return at(&j, keys); }

// `v` when it is a non-empty array, else nullptr.
inline const json* array(const json* v) { return v && v->is_array() && !v->empty() ? v : nullptr; }

// The number in `v`, NaN when it is missing, null or not a number.
inline double number(const json* v) {
    return v && v->is_number() ? v->get<double>() : std::numeric_limits<double>::quiet_NaN();
}
inline double number(const json& v) { return number(&v); }
inline bool finite(double x) { return x - x == 0; }

// The string in `v`, or `fallback` when it is missing or not a string.
inline std::string text(const json* v, std::string fallback = "") {
    return v && v->is_string() ? v->get<std::string>() : fallback;
}

// `f(number)`, or "n/a" when the value is missing, null or not finite.
template <class F>
std::string or_na(const json* v, F&& f) {
    const double x = number(v);
    return finite(x) ? f(x) : std::string("n/a");
}

// The same for money: "unavailable" when the value is null (a base without amounts).
template <class F>
std::string or_unavailable(const json* v, F&& f) {
    return v && v->is_null() ? std::string("unavailable") : or_na(v, std::forward<F>(f));
}

}  // namespace engage::io::html
