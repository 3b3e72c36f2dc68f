#include "jobs/run_record.hpp"

#include <omp.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "io/h5/io_tuning.hpp"
#include "mpi/comm.hpp"

namespace engage::jobs {

namespace {
// This rank's traffic (mpi::Traffic), reduced: the largest and mean bytes per rank, and the calls.
nlohmann::ordered_json communication(const mpi::Comm& comm) {
    const mpi::Traffic t = comm.traffic();  // a copy: the reductions below count too
    std::int64_t most[] = {t.bytes_sent, t.allreduce_bytes, t.broadcast_bytes, t.collectives, t.allreduce_calls,
                           t.broadcast_calls, t.reduce_bytes, t.reduce_calls, t.exchange_bytes, t.exchange_messages};
    std::int64_t total = t.bytes_sent;
    comm.allreduce_max(most);
    comm.allreduce_sum({&total, 1});
    nlohmann::ordered_json c;
    c["bytes_sent_per_rank_max"] = most[0];
    c["bytes_sent_per_rank_mean"] = double(total) / comm.size();
    c["allreduce_bytes_per_rank_max"] = most[1];
    c["broadcast_bytes_max_rank"] = most[2];
    c["collectives"] = most[3];
    c["allreduce_calls"] = most[4];
    c["broadcast_calls"] = most[5];
    c["reduce_bytes_per_rank_max"] = most[6];
    c["reduce_calls"] = most[7];
    c["exchange_bytes_per_rank_max"] = most[8];
    c["exchange_messages"] = most[9];
    return c;
}
}  // namespace

int omp_threads() { return omp_get_max_threads(); }

nlohmann::ordered_json run_record(const mpi::Comm& comm, const RunInfo& info, const PhaseTimer& timer,
                                  const nlohmann::ordered_json& extra) {
    nlohmann::ordered_json r;
    const auto traffic = communication(comm);
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    const std::time_t now = std::time(nullptr);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    r["engage_version"] = info.version;
    r["command"] = info.command_line;
    r["finished_at"] = when;
    r["host"] = host;
    r["ranks"] = comm.size();
    r["threads_per_rank"] = omp_threads();
    nlohmann::ordered_json phases;
    double total = 0;
    for (const auto& [name, seconds] : timer.phases()) {
        const double slowest = comm.max(seconds);
        phases[name] = slowest;
        total += slowest;
    }
    r["phase_seconds_slowest_rank"] = phases;
    r["phase_seconds_sum"] = total;
    r["wall_seconds"] = comm.max(timer.elapsed());
    r["peak_rss_bytes_max_rank"] = comm.max(std::int64_t(peak_rss_bytes()));
    // Rank 0 also assembles the report; the others only score.
    r["peak_rss_bytes_rank0"] = comm.max(comm.root() ? std::int64_t(peak_rss_bytes()) : std::int64_t(0));
    r["peak_rss_bytes_max_other_rank"] = comm.max(comm.root() ? std::int64_t(0) : std::int64_t(peak_rss_bytes()));
    r["communication"] = traffic;
    r["io_tuning"] = io::h5::io_tuning_record();  // rank 0's: the variables and the hints in effect
    for (const auto& [k, v] : extra.items()) r[k] = v;
    return r;
}

std::string timing_summary(const nlohmann::ordered_json& r) {
    std::string out = "timing (slowest rank per phase; % of the wall-clock time):\n";
    char line[160];
    const double total = r["wall_seconds"].get<double>();
    for (const auto& [name, s] : r["phase_seconds_slowest_rank"].items()) {
        const double sec = s.get<double>();
        std::snprintf(line, sizeof line, "  %-10s %8.3f s  %5.1f%%\n", name.c_str(), sec,
                      total > 0 ? 100.0 * sec / total : 0.0);
        out += line;
    }
    std::snprintf(line, sizeof line, "  %-10s %8.3f s   on %d ranks x %d threads, peak memory %.0f MB per rank\n",
                  "wall", total, r["ranks"].get<int>(), r["threads_per_rank"].get<int>(),
                  double(r["peak_rss_bytes_max_rank"].get<std::int64_t>()) / 1e6);
    out += line;
    if (r.contains("communication")) {
        const auto& c = r["communication"];
        std::snprintf(line, sizeof line, "  communication: %.2f MB sent per rank (largest), %lld collective calls\n",
                      double(c["bytes_sent_per_rank_max"].get<std::int64_t>()) / 1e6,
                      (long long)c["collectives"].get<std::int64_t>());
        out += line;
    }
    if (r.contains("throughput"))
        for (const auto& [name, v] : r["throughput"].items()) {
            std::snprintf(line, sizeof line, "  %s: %.3g\n", name.c_str(), v.get<double>());
            out += line;
        }
    return out;
}

}  // namespace engage::jobs
