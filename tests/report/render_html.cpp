// engage_render_html REPORT.json RUN.json OUT.html [STUDY.json]: report.html from a report.json
// and a run.json, as engage score writes it; with STUDY.json, that document becomes the report's
// "study" section first (a hand-made fixture until the study lands in every run). For the
// browser test, which needs a page with every chart.
#include <fstream>
#include <iostream>
#include <sstream>

#include "io/report/html_report.hpp"

namespace {

nlohmann::ordered_json read(const char* path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(std::string(path) + ": cannot open");
    return nlohmann::ordered_json::parse(in);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4 && argc != 5) {
        std::cerr << "usage: engage_render_html REPORT.json RUN.json OUT.html [STUDY.json]\n";
        return 2;
    }
    try {
        nlohmann::ordered_json report = read(argv[1]);
        if (argc == 5) report["study"] = read(argv[4]);
        std::ofstream out(argv[3], std::ios::binary);
        out << engage::io::html_report(report, read(argv[2]));
        if (!out.flush()) throw std::runtime_error(std::string(argv[3]) + ": cannot write");
    } catch (const std::exception& e) {
        std::cerr << "engage_render_html: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
