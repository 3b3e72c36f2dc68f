// "Run": how this report was produced, from the run.json record (version, input, as-of date,
// ranks x threads, per-phase timings). The only part of report.html that changes between two
// runs of the same input.
#include <algorithm>

#include "io/report/html/axes.hpp"
#include "io/report/html/format.hpp"
#include "io/report/html/json_path.hpp"
#include "io/report/html/page.hpp"
#include "io/report/html/palette.hpp"
#include "io/report/html/sections.hpp"
#include "io/report/html/table.hpp"

namespace engage::io::html {

namespace {

std::string phase_chart(const json& phases, double wall) {
    std::vector<std::pair<std::string, double>> items;
    double top = 0;
    for (const auto& [name, v] : phases.items()) {
        items.emplace_back(name, number(v));
        if (finite(number(v))) top = std::max(top, number(v));
    }
    const double row = 22;
    const Frame f{110, 8, 640, row * double(items.size())};
    Svg svg("phase-timings", 960, f.bottom() + 48, "Seconds per phase of the run, slowest rank");
    const Ticks ticks = nice_ticks(0, top > 0 ? top * 1.05 : 1, 5);
    const LinearScale x{0, ticks.hi(), f.left, f.right()};
    const int decimals = ticks.step >= 1 ? 0 : ticks.step >= 0.1 ? 1 : 2;
    axis_bottom(svg, f, x, ticks, [decimals](double v) { return fixed(v, decimals); }, "seconds (slowest rank per phase)",
                true);
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& [name, s] = items[i];
        const double y0 = f.top + row * double(i);
        svg.text(f.left - 10, y0 + 15, escape(name), "end");
        if (!finite(s)) continue;
        svg.rect(f.left, y0 + 3, x(s) - f.left, row - 6, okabe_ito::sky_blue, escape(name) + ": " + seconds(s));
        svg.text(x(s) + 8, y0 + 15, seconds(s) + (wall > 0 ? " (" + percent(s / wall, 0) + ")" : ""), "start", "value");
    }
    return svg.str();
}

}  // namespace

std::string run_section(const json& run) {
    if (!run.is_object() || run.empty())
        return omitted("run", "Run", "No run record was passed to the report.");
    Table kv("run", {{"item"}, {"value"}}, false);
    auto add = [&](const std::string& name, const std::string& value) { kv.row({{name}, {value}}); };
    add("Engage version", escape(text(at(run, {"engage_version"}), "n/a")));
    add("Input", "<code>" + escape(text(at(run, {"input"}), "n/a")) + "</code>");
    add("Output", "<code>" + escape(text(at(run, {"output"}), "n/a")) + "</code>");
    add("As-of date", date(text(at(run, {"as_of"}), "n/a")));
    add("Ranks &times; threads", or_na(at(run, {"ranks"}), integer) + " MPI ranks &times; " +
                                     or_na(at(run, {"threads_per_rank"}), integer) + " OpenMP threads");
    add("Host (rank 0)", escape(text(at(run, {"host"}), "n/a")));
    add("Finished at", escape(text(at(run, {"finished_at"}), "n/a")));
    add("Wall-clock time", or_na(at(run, {"wall_seconds"}), seconds));
    add("Peak memory", or_na(at(run, {"peak_rss_bytes_max_rank"}), bytes) + " (largest rank)");
    add("Shards", or_na(at(run, {"shards"}), integer));
    add("Throughput", or_na(at(run, {"throughput", "interactions_per_second_end_to_end"}), compact) +
                          " interactions per second, end to end");
    add("Command", "<code>" + escape(text(at(run, {"command"}), "n/a")) + "</code>");
    std::string body = kv.str();
    const json* phases = at(run, {"phase_seconds_slowest_rank"});
    if (phases && phases->is_object() && !phases->empty())
        body += figure(phase_chart(*phases, number(at(run, {"wall_seconds"}))),
                       "Time per phase, slowest rank (run.json; the phases are described in docs/architecture.md). "
                       "Percentages are of the wall-clock time.");
    return section("run", "Run", "How this report was produced. The results above do not depend on the ranks or threads.",
                   body);
}

}  // namespace engage::io::html
