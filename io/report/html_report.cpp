#include "io/report/html_report.hpp"

namespace engage::io {

// Placeholder until issue 6 lands: the run's title and the report as preformatted JSON.
std::string html_report(const nlohmann::ordered_json& report, const nlohmann::ordered_json&) {
    return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Engage report</title></head><body><h1>Engage report</h1><p>As of " +
           report.value("as_of", std::string()) + "</p></body></html>\n";
}

}  // namespace engage::io
