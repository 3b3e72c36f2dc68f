#include "io/report/splice.hpp"

#include <algorithm>
#include <string_view>

#include "core/errors.hpp"
#include "io/report/ordered_pieces.hpp"
#include "io/text_out.hpp"

namespace engage::io {

using json = nlohmann::ordered_json;

json Splice::entry_json(std::size_t i) const {
    std::string text;
    JsonText j(text);
    entry(i, j);
    return json::parse(text);
}

json Splice::whole() const {
    json out = json::array();
    for (std::size_t i = 0; i < count; ++i) out.push_back(entry_json(i));
    return out;
}

namespace {

// The list as nlohmann's dump(2) prints an array whose key sits at `indent` spaces: entries on
// their own lines two spaces deeper, the closing bracket back at `indent`. The entries are
// printed on the rank's threads (io/report/ordered_pieces.hpp).
void write_list(TextOut& out, const Splice& s, std::size_t indent) {
    if (s.count == 0) {
        out << "[]";
        return;
    }
    out << "[\n";
    write_in_order(out, s.count, [&](std::size_t i, std::string& text) {
        text.append(indent + 2, ' ');
        JsonText j(text, indent + 2);
        s.entry(i, j);
        text += i + 1 < s.count ? ",\n" : "\n";
    });
    out << std::string(indent, ' ') << ']';
}

}  // namespace

void write_json(const json& report, const std::vector<Splice>& splices, const std::string& path) {
    const std::string text = report.dump(2);
    // Each marker's place in the text, in text order.
    std::vector<std::pair<std::size_t, const Splice*>> at;
    for (const auto& s : splices) {
        const std::string quoted = json(s.marker()).dump();
        const std::size_t p = text.find(quoted);
        if (p == std::string::npos) throw IoError(path + ": internal error: no list at " + s.pointer + " in the report");
        at.emplace_back(p, &s);
    }
    std::sort(at.begin(), at.end());
    TextOut out(path);
    const std::string_view view(text);
    std::size_t from = 0;
    for (const auto& [p, s] : at) {
        out << view.substr(from, p - from);
        const std::size_t line = text.rfind('\n', p) + 1;  // the document starts with '{', never here
        write_list(out, *s, text.find_first_not_of(' ', line) - line);
        from = p + json(s->marker()).dump().size();
    }
    out << view.substr(from) << '\n';
    out.close();
}

void replace_markers(json& report, const std::vector<Splice>& splices, bool whole) {
    for (const auto& s : splices) report[json::json_pointer(s.pointer)] = whole ? s.whole() : s.shown;
}

}  // namespace engage::io
