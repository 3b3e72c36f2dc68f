#include "jobs/generate_job.hpp"


#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>

#include "core/errors.hpp"
#include "core/progress.hpp"
#include "io/customer_base.hpp"
#include "io/staged_file.hpp"
#include "mpi/comm.hpp"

namespace engage::jobs {

namespace {

constexpr std::uint64_t kBlock = 1 << 16;  // customers per write: the customer columns' chunk

std::string numbered(const std::vector<std::string>& names, std::size_t i) {
    const std::string base = names[i % names.size()];
    return i < names.size() ? base : base + " " + std::to_string(i / names.size() + 1);
}

io::CustomerBaseMeta synthetic_meta(const GenerateOptions& o, const kernels::SynthHierarchy& h) {
    static const std::vector<std::string> units{"Consumer", "Commercial", "Enterprise", "Public Sector",
                                                "Wholesale", "Digital", "Partners", "International"};
    static const std::vector<std::string> regions{"North", "South", "East", "West", "Central",
                                                  "Coastal", "Mountain", "Metro"};
    io::CustomerBaseMeta m;
    m.epoch = o.epoch;
    m.channels = io::default_channels();
    for (std::uint32_t u = 0; u < h.business_units; ++u) m.business_unit_names.push_back(numbered(units, u));
    const std::uint32_t per_unit = h.regions / h.business_units;
    for (std::uint32_t r = 0; r < h.regions; ++r)
        m.region_names.push_back(m.business_unit_names[r / per_unit] + " / " + numbered(regions, r % per_unit));
    for (std::uint32_t r = 0; r < h.rms; ++r) {
        char name[32];
        std::snprintf(name, sizeof name, "RM %05u", r + 1);
        m.rm_names.push_back(name);
    }
    m.segment_names = {"consumer", "small_business", "enterprise"};
    m.customers = o.synth.customers;
    return m;
}

}  // namespace

void run_generate(const mpi::Comm& comm, const GenerateOptions& o, const RunInfo& info) {
    PhaseTimer timer({"count", "generate", "write"});
    const kernels::SynthConfig& cfg = o.synth;
    const kernels::SynthHierarchy hierarchy(cfg);
    io::CustomerBaseMeta meta = synthetic_meta(o, hierarchy);

    // Customers in whole blocks per rank: block b is customers [b * kBlock, (b + 1) * kBlock).
    const std::uint64_t blocks = (cfg.customers + kBlock - 1) / kBlock;
    const std::uint64_t b0 = blocks * comm.rank() / comm.size(), b1 = blocks * (comm.rank() + 1) / comm.size();
    const std::uint64_t c0 = std::min(cfg.customers, b0 * kBlock), c1 = std::min(cfg.customers, b1 * kBlock);

    // Pass 1: interaction counts, for the CSR offsets.
    std::vector<std::uint32_t> counts(c1 - c0);
    {
        auto t = timer.measure("count");
#pragma omp parallel for schedule(static)
        for (std::int64_t i = 0; i < std::int64_t(c1 - c0); ++i)
            counts[i] = kernels::synth_customer(cfg, hierarchy, c0 + std::uint64_t(i), nullptr).interactions;
    }
    std::uint64_t mine = 0;
    for (auto n : counts) mine += n;
    const std::uint64_t first_interaction = comm.exclusive_prefix_sum(mine);
    meta.interactions = std::uint64_t(comm.sum(std::int64_t(mine)));

    // Written under a temporary name, renamed when complete.
    io::StagedFile file(comm, o.output);
    std::unique_ptr<io::CustomerBaseWriter> writer;
    comm.agree([&] { writer = std::make_unique<io::CustomerBaseWriter>(comm, file.staged(), meta, true); });

    Progress progress(comm.root() && !o.quiet, "generate");
    const std::int64_t rounds = comm.max(std::int64_t(b1 - b0));
    io::CustomerShard s;
    std::vector<double> engagement;
    std::vector<kernels::Day> churn;
    std::int64_t tmin = std::numeric_limits<std::int64_t>::max(), tmax = -1;
    std::uint64_t next_interaction = first_interaction;
    for (std::int64_t r = 0; r < rounds; ++r) {
        const std::uint64_t lo = std::min(c1, c0 + std::uint64_t(r) * kBlock);
        const std::uint64_t hi = std::min(c1, lo + kBlock);
        const std::size_t n = hi - lo;
        {
            auto t = timer.measure("generate");
            s.first_customer = lo;
            s.first_interaction = next_interaction;
            for (auto* v : {&s.rm, &s.region, &s.business_unit}) v->resize(n);
            s.id.resize(n);
            s.acquisition_day.resize(n);
            s.segment.resize(n);
            s.wallet.resize(n);
            engagement.resize(n);
            churn.resize(n);
            s.offsets.assign(n + 1, 0);
            for (std::size_t k = 0; k < n; ++k) s.offsets[k + 1] = s.offsets[k] + counts[lo - c0 + k];
            const std::size_t m = s.offsets[n];
            s.time.resize(m);
            s.channel.resize(m);
            s.value.resize(m);
#pragma omp parallel
            {
                kernels::SynthEvents ev;
#pragma omp for schedule(dynamic, 64)
                for (std::int64_t k = 0; k < std::int64_t(n); ++k) {
                    ev.time.clear();
                    ev.channel.clear();
                    ev.value.clear();
                    const auto c = kernels::synth_customer(cfg, hierarchy, lo + std::uint64_t(k), &ev);
                    s.id[k] = c.id;
                    s.acquisition_day[k] = c.acquisition_day;
                    s.rm[k] = c.rm;
                    s.region[k] = c.region;
                    s.business_unit[k] = c.business_unit;
                    s.segment[k] = c.segment;
                    s.wallet[k] = c.wallet;
                    engagement[k] = c.engagement;
                    churn[k] = c.churn_day;
                    const std::size_t at = s.offsets[k];
                    std::copy(ev.time.begin(), ev.time.end(), s.time.begin() + std::ptrdiff_t(at));
                    std::copy(ev.channel.begin(), ev.channel.end(), s.channel.begin() + std::ptrdiff_t(at));
                    std::copy(ev.value.begin(), ev.value.end(), s.value.begin() + std::ptrdiff_t(at));
                }
            }
            for (std::size_t k = 0; k < n; ++k)
                if (s.offsets[k + 1] > s.offsets[k]) {
                    tmin = std::min(tmin, s.time[s.offsets[k]]);
                    tmax = std::max(tmax, s.time[s.offsets[k + 1] - 1]);
                }
            next_interaction += m;
        }
        {
            auto t = timer.measure("write");
            comm.agree([&] {
                writer->write_customers(s, engagement, churn);
                writer->write_interactions(s);
            });
        }
        progress.update(hi - c0, c1 - c0, "customers");
    }
    {
        auto t = timer.measure("write");
        const std::int64_t first = -comm.max(-tmin);  // tmin starts at INT64_MAX: -tmin is safe
        const std::int64_t last = comm.max(tmax);
        comm.agree([&] {
            writer->finish(meta.interactions ? first : 0, meta.interactions ? last : 0);
        });
        writer.reset();
        file.commit();
    }
    const auto record = run_record(comm, info, timer, nlohmann::ordered_json::object());
    if (comm.root() && !o.quiet) {
        std::printf("engage generate: %s: %llu customers, %llu interactions (seed %llu)\n", o.output.c_str(),
                    (unsigned long long)cfg.customers, (unsigned long long)meta.interactions,
                    (unsigned long long)cfg.seed);
        std::printf("%s", timing_summary(record).c_str());
    }
}

}  // namespace engage::jobs
