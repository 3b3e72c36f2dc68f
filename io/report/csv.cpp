#include "io/report/csv.hpp"

namespace engage::io {

std::string csv_field(const nlohmann::ordered_json& v) {
    if (v.is_string()) {
        const auto s = v.get<std::string>();
        if (s.find_first_of(",\"\n") == std::string::npos) return s;
        std::string q = "\"";
        for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
        return q + "\"";
    }
    return v.is_null() ? "" : v.dump();
}

std::string csv_row(std::initializer_list<nlohmann::ordered_json> fields) {
    std::string line;
    for (const auto& f : fields) line += (line.empty() ? "" : ",") + csv_field(f);
    return line + "\n";
}

}  // namespace engage::io
