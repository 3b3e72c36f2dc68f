// The whole scoring job at 1-4 ranks against a serial reference computed on rank 0 from the
// same file: per-customer features and the report must be equal exactly.
#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/dates.hpp"
#include "io/customer_base.hpp"
#include "io/h5/file.hpp"
#include "io/report/accounts_at_risk_report.hpp"
#include "io/report/engagement_report.hpp"
#include "io/report/score_report.hpp"
#include "engagement/engagement_pass.hpp"
#include "jobs/score_job.hpp"
#include "mpi/comm.hpp"
#include "root_checks.hpp"
#include "shared_files.hpp"
#include "partition/shard_plan.hpp"

namespace engage {
namespace {

using testing_support::slurp;

// The engagement model over every customer in memory, serially: the reference that the job's
// streamed stages (jobs/engagement_stage.cpp) must equal exactly.
struct EngagementReference {
    std::vector<kernels::ScoredCustomer> scored;
    kernels::EngagementSummary summary;
    kernels::RankCorrelation truth;
    kernels::TierScoreHistogram score_by_tier;
    std::array<bool, kernels::kDimensions> signal;
};

EngagementReference engagement_reference(std::span<const kernels::EngagementRecord> records,
                                         const kernels::EngagementConfig& config, const io::CustomerBaseMeta& meta) {
    auto metrics = std::make_unique<kernels::MetricHistograms>();
    kernels::add_keys(records, *metrics);
    metrics->finalize();
    EngagementReference r{std::vector<kernels::ScoredCustomer>(records.size()),
                          kernels::EngagementSummary(meta.business_unit_names.size(), meta.region_names.size(),
                                                     meta.rm_names.size()),
                          {}, {}, kernels::dimension_signal(*metrics)};
    kernels::score_all(records, *metrics, config, r.scored);
    kernels::ValidationHistograms validation;
    std::vector<kernels::ValidationPair> pairs;
    kernels::validation_pairs(records, r.scored, pairs);
    kernels::add_validation_keys(pairs, validation);
    validation.finalize();
    for (const auto& c : r.scored) {
        r.summary.update(c);
        r.score_by_tier.add(c);
    }
    kernels::correlate_with_truth(pairs, validation, r.truth);
    return r;
}

TEST(ScoreJob, EqualsTheSerialReference) {
    const auto comm = mpi::Comm::world();
    const std::string dir = testing_support::shared_temp_dir(comm, "engage_mpi");
    const jobs::RunInfo info{"test", "test"};

    jobs::ScoreOptions s;
    s.input = testing_support::generated_base(comm, dir, 1500, 11, 40.0);
    s.output = dir + "/out";
    s.window_days = 180;
    s.shards = {4000, 200};  // many small shards, so that every rank gets several
    s.quiet = true;
    jobs::run_score(comm, s, info);

    testing_support::on_root(comm, [&] {
        const auto self = mpi::Comm::self();
        io::CustomerBaseReader in(self, s.input);
        const auto& meta = in.meta();
        io::CustomerShard all;
        in.read_shard(0, meta.customers, all);

        kernels::FeatureContext ctx;
        ctx.as_of = day_of(meta.last_time);
        ctx.window_start = ctx.as_of - kernels::Day(s.window_days) + 1;
        std::vector<std::int32_t> months;
        for (auto d = ctx.window_start; d <= ctx.as_of; ++d) months.push_back(month_index(meta.epoch_unix_day + d));
        ctx.month_of = months.data();
        const kernels::EngagementConfig model;
        const auto weights = kernels::engagement_weights(model, kernels::Day(s.window_days));
        ctx.engagement = &model;
        ctx.weights = weights.data();
        ctx.previous_as_of = ctx.as_of - model.trend_days;
        ctx.previous_window_start = ctx.previous_as_of - kernels::Day(s.window_days) + 1;
        kernels::ChannelKinds kinds{};
        for (std::size_t k = 0; k < meta.channels.size(); ++k) kinds[k] = meta.channels[k].kind;
        std::vector<kernels::CustomerFeatures> f(meta.customers);
        kernels::ScoreFeatures::run(all.view(), ctx, kinds, f);
        kernels::ScoreSummary summary(meta.business_unit_names.size());
        for (std::size_t k = 0; k < f.size(); ++k) summary.update(f[k], all.business_unit[k]);
        std::vector<kernels::EngagementRecord> records;
        kernels::collect_records(f, all.id, all.business_unit, all.region, all.rm, all.wallet, all.truth, all.truth_churn,
                                 ctx.as_of, std::int32_t(s.window_days), records);
        for (std::size_t k = 0; k < records.size(); ++k) records[k].reference = kernels::alive_at(f[k], 90);
        const auto engagement = engagement_reference(records, model, meta);

        std::vector<std::uint64_t> offsets(meta.customers + 1);
        in.read_offsets(0, offsets);
        partition::ShardPlanner planner(s.shards);
        planner.feed(offsets);
        const auto shards = planner.finish().size() - 1;
        EXPECT_GT(shards, 8u);
        const std::string as_of = format_iso_date(meta.epoch_unix_day + ctx.as_of);
        auto report = io::build_score_report(
            summary, meta,
            {s.input, as_of, format_iso_date(meta.epoch_unix_day + ctx.window_start), s.window_days, shards,
             std::int64_t(model.min_group_size)});
        const auto managers = kernels::LevelGroups::of(engagement.summary, kernels::Level::relationship_manager);
        auto engagement_section = io::engagement_report(engagement.summary, managers, engagement.score_by_tier, engagement.truth, model,
                                                        engagement.signal, meta, as_of, format_iso_date(meta.epoch_unix_day + ctx.previous_as_of));
        // The job streams the relationship managers' list into report.json; here it is put in
        // whole, so the file is compared with nlohmann's own printing of the whole document.
        report["engagement"] = engagement_section.section;
        // The accounts at risk from every scored customer at once: the job's per-rank lists,
        // merged up the tree (mpi::reduce_merged), must give exactly these.
        kernels::AccountsAtRisk risk(meta.business_unit_names.size(), meta.rm_names.size());
        risk.update(engagement.scored);
        auto risk_section = io::accounts_at_risk_report(
            risk, engagement.summary, managers,
            [&risk](std::size_t g, kernels::ManagerSlots&) { return risk.rms.group(g); }, meta);
        report["accounts_at_risk"] = risk_section.section;
        EXPECT_GT(risk_section.relationship_managers.count, 0u) << "the base has accounts at risk to test";
        io::replace_markers(report, {engagement_section.relationship_managers, risk_section.relationship_managers}, true);
        EXPECT_EQ(slurp(s.output + "/report.json"), report.dump(2) + "\n");
        auto tables = io::score_report_tables(report);
        for (auto& t : engagement_section.tables) tables.push_back(std::move(t));
        EXPECT_EQ(tables.size(), 6u);
        for (const auto& table : tables)
            EXPECT_EQ(slurp(s.output + "/" + table.name), table.whole()) << table.name;

        auto out = io::h5::File::open(self, s.output + "/customers.h5");
        std::vector<std::uint32_t> frequency(meta.customers), weeks(meta.customers);
        std::vector<std::uint64_t> ids(meta.customers);
        std::vector<float> composite(meta.customers);
        std::vector<std::uint8_t> tier(meta.customers);
        out.dataset("/features/frequency").read<std::uint32_t>(0, frequency);
        out.dataset("/features/active_weeks").read<std::uint32_t>(0, weeks);
        out.dataset("/customers/id").read<std::uint64_t>(0, ids);
        out.dataset("/engagement/composite").read<float>(0, composite);
        out.dataset("/engagement/tier").read<std::uint8_t>(0, tier);
        std::size_t mismatches = 0;
        for (std::size_t k = 0; k < f.size(); ++k) {
            const auto& e = engagement.scored[k].now;
            mismatches += frequency[k] != f[k].frequency || weeks[k] != f[k].active_weeks || ids[k] != all.id[k] ||
                          std::bit_cast<std::uint32_t>(composite[k]) != std::bit_cast<std::uint32_t>(float(e.composite)) ||
                          tier[k] != std::uint8_t(e.tier);
        }
        EXPECT_EQ(mismatches, 0u);
        EXPECT_GT(summary.sums(0).purchasers, 100);
        out.close();
        in.close();
        std::filesystem::remove_all(dir);
    });
    comm.barrier();
}

// Generates a base of `customers` (seed 1) in `dir` and scores it; returns report.json on rank 0.
std::string generate_and_score(const mpi::Comm& comm, const std::string& dir, std::uint64_t customers,
                               partition::ShardLimits shards = {}) {
    const jobs::RunInfo info{"test", "test"};
    jobs::ScoreOptions s;
    s.input = testing_support::generated_base(comm, dir, customers, 1);
    s.output = dir + "/out";
    s.quiet = true;
    s.shards = shards;
    jobs::run_score(comm, s, info);
    return comm.root() ? slurp(s.output + "/report.json") : std::string();
}

// The composite score recovers the engagement planted by the generator (issue 3: Spearman's
// rho >= 0.8), with the same value at every rank count.
TEST(ScoreJob, RecoversPlantedEngagement) {
    const auto comm = mpi::Comm::world();
    const std::string dir = testing_support::shared_temp_dir(comm, "engage_mpi");
    const std::string text = generate_and_score(comm, dir, 20000);
    testing_support::on_root(comm, [&] {
        const auto report = nlohmann::json::parse(text);
        const auto& v = report["engagement"]["validation"];
        EXPECT_EQ(v["customers"].get<int>(), 20000);
        EXPECT_GE(v["spearman_composite_vs_planted_engagement"].get<double>(), 0.8);
        // Both ends of the tier scale are populated.
        const auto& tiers = report["engagement"]["corporate"]["tiers"];
        EXPECT_GT(tiers["fully_engaged"].get<int>(), 1000);
        EXPECT_GT(tiers["actively_disengaged"].get<int>(), 0);
        std::filesystem::remove_all(dir);
    });
    comm.barrier();
}

// Fewer shards (and customers) than ranks: ranks without work still join every collective.
TEST(ScoreJob, MoreRanksThanCustomers) {
    const auto comm = mpi::Comm::world();
    const std::string dir = testing_support::shared_temp_dir(comm, "engage_mpi");
    const std::string report = generate_and_score(comm, dir, 2, {1, 1});  // one shard per customer
    testing_support::on_root(comm, [&] {
        EXPECT_NE(report.find("\"customers\": 2,"), std::string::npos) << report.substr(0, 600);
        EXPECT_NE(report.find("\"shards\": 2"), std::string::npos);
        std::filesystem::remove_all(dir);
    });
    comm.barrier();
}

}  // namespace
}  // namespace engage
