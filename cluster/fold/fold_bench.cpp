// The feature fold of `engage score` (kernels/features/feature_pass.hpp, every kernel of
// ScoreFeatures) against the memory-bandwidth bound on the same columns (issue 14, item 3): a
// base's first customers read once into memory, then on one thread
//   - stream: one pass that reads every byte the fold reads (time, channel, value, offsets) and
//     sums them: the bound of any fold over these columns;
//   - fold: ScoreFeatures::run over the same customers, as `engage score` runs it per shard
//     (as-of date: the base's last day, the default 365-day window and engagement model);
// each the best of REPS repetitions, in ns per interaction, ns per customer and GB/s of input
// (17 bytes an interaction plus 8 an offset). A checksum of the features shows that two builds
// compute the same thing. docs/performance.md, "The fold against memory bandwidth".
//   fold_bench BASE.h5 [CUSTOMERS] [REPS]   (default: 1,000,000 customers, 5 repetitions)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/dates.hpp"
#include "engagement/engagement_config.hpp"
#include "engagement/engagement_kernel.hpp"
#include "features/feature_pass.hpp"
#include "io/customer_base.hpp"
#include "mpi/comm.hpp"

namespace k = engage::kernels;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

template <class F> double best_of(int reps, F&& f) {
    double best = 1e300;
    for (int r = 0; r < reps; ++r) {
        const auto t = std::chrono::steady_clock::now();
        f();
        best = std::min(best, seconds_since(t));
    }
    return best;
}

// FNV-1a over the fields (not the padding) of every customer's features.
std::uint64_t checksum(const std::vector<k::CustomerFeatures>& out) {
    std::uint64_t h = 1469598103934665603ull;
    auto mix = [&](const void* p, std::size_t n) {
        const auto* b = static_cast<const unsigned char*>(p);
        for (std::size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 1099511628211ull;
    };
    auto signals = [&](const k::EngagementSignals& s) {
        mix(&s.acquired, 1), mix(&s.usage_breadth, 8), mix(&s.usage_depth, 8), mix(&s.usage_regularity, 8);
        mix(&s.sentiment, 8), mix(&s.involvement, 8), mix(&s.advocacy, 8), mix(&s.share_of_wallet, 8);
        mix(&s.last_nps, 1), mix(&s.complaints, 4), mix(&s.falling, 1);
    };
    for (const auto& f : out) {
        mix(&f.tenure_days, 4), mix(&f.recency_days, 4), mix(&f.last_interaction_days, 4);
        mix(&f.frequency, 4), mix(&f.monetary_cents, 8), mix(&f.interactions, 4);
        mix(&f.interactions_total, 4), mix(&f.breadth, 4), mix(&f.active_weeks, 4), mix(&f.active_months, 4);
        mix(f.channel_count.data(), sizeof f.channel_count), mix(f.channel_hundredths.data(), sizeof f.channel_hundredths);
        signals(f.engagement_now), signals(f.engagement_previous);
    }
    return h;
}

}  // namespace

int main(int argc, char** argv) {
    engage::mpi::Environment env(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: fold_bench BASE.h5 [CUSTOMERS] [REPS]\n");
        return 2;
    }
    const engage::mpi::Comm comm = engage::mpi::Comm::world();
    engage::io::CustomerBaseReader reader(comm, argv[1]);
    const auto& meta = reader.meta();
    const std::uint64_t customers = std::min<std::uint64_t>(
        meta.customers, argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000);
    const int reps = argc > 3 ? std::atoi(argv[3]) : 5;
    engage::io::CustomerShard shard;
    reader.read_shard(0, customers, shard);
    const k::ShardView view = shard.view();
    const std::uint64_t interactions = shard.offsets.back();

    k::ChannelKinds kinds{};
    for (std::size_t c = 0; c < meta.channels.size(); ++c) kinds[c] = meta.channels[c].kind;
    const k::EngagementConfig model;
    k::FeatureContext ctx;
    ctx.as_of = k::Day(meta.last_time / 86400);
    ctx.window_start = ctx.as_of - 365 + 1;
    std::vector<std::int32_t> month_of;
    for (k::Day d = ctx.window_start; d <= ctx.as_of; ++d) month_of.push_back(engage::month_index(meta.epoch_unix_day + d));
    const std::vector<std::int64_t> weights = k::engagement_weights(model, 365);
    ctx.month_of = month_of.data();
    ctx.engagement = &model;
    ctx.weights = weights.data();
    ctx.previous_as_of = ctx.as_of - model.trend_days;
    ctx.previous_window_start = ctx.previous_as_of - 365 + 1;

    // The bound: every input byte of the fold read once and folded into one sum.
    volatile std::uint64_t sink = 0;
    const double stream = best_of(reps, [&] {
        std::uint64_t s = 0;
        for (std::uint64_t i = 0; i < interactions; ++i) {
            std::uint64_t bits;
            std::memcpy(&bits, &view.value[i], 8);
            s += std::uint64_t(view.time[i]) ^ bits ^ view.channel[i];
        }
        for (std::uint64_t o : view.offsets) s += o;
        sink = s;
    });
    std::vector<k::CustomerFeatures> out(customers);
    const double fold = best_of(reps, [&] { k::ScoreFeatures::run(view, ctx, kinds, out); });
    const std::uint64_t sum = checksum(out);
    // The same fold split in two: the descriptive features, and the engagement signals at two dates.
    using Descriptive = k::FeaturePass<k::TenureKernel, k::RecencyKernel, k::ActivityKernel, k::ChannelMixKernel,
                                       k::ActivePeriodsKernel>;
    const double descriptive = best_of(reps, [&] { Descriptive::run(view, ctx, kinds, out); });
    const double engagement = best_of(reps, [&] { k::FeaturePass<k::EngagementKernel>::run(view, ctx, kinds, out); });
    // The driver alone: a kernel that does nothing, so every customer's features are only made and stored.
    const double driver = best_of(reps, [&] { k::FeaturePass<k::TenureKernel>::run(view, ctx, kinds, out); });

    const double bytes = 17.0 * double(interactions) + 8.0 * double(customers + 1);
    std::printf("base %s: %llu customers, %llu interactions (%.1f per customer), %.0f MB of input columns\n",
                argv[1], (unsigned long long)customers, (unsigned long long)interactions,
                double(interactions) / double(customers), bytes / 1e6);
    std::printf("%-8s %10s %14s %12s %8s\n", "pass", "seconds", "ns/interaction", "ns/customer", "GB/s");
    for (auto [name, s] : {std::pair{"stream", stream}, std::pair{"fold", fold}, std::pair{"descr.", descriptive},
                           std::pair{"engage.", engagement}, std::pair{"driver", driver}})
        std::printf("%-8s %10.4f %14.2f %12.1f %8.2f\n", name, s, s * 1e9 / double(interactions),
                    s * 1e9 / double(customers), bytes / s / 1e9);
    std::printf("fold / stream: %.1fx; features checksum %016llx; CustomerFeatures %zu bytes\n", fold / stream,
                (unsigned long long)sum, sizeof(k::CustomerFeatures));
    return 0;
}
