#include "jobs/score_job.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <list>
#include <memory>
#include <optional>

#include "core/dates.hpp"
#include "core/errors.hpp"
#include "core/progress.hpp"
#include "core/stop_request.hpp"
#include "features/feature_pass.hpp"
#include "io/customer_base.hpp"
#include "io/features_file.hpp"
#include "io/output_dir.hpp"
#include "io/report/engagement_report.hpp"
#include "io/report/html_report.hpp"
#include "io/report/score_report.hpp"
#include "io/report/retention_report.hpp"
#include "jobs/engagement_stage.hpp"
#include "jobs/retention_stage.hpp"
#include "jobs/score_checkpoint.hpp"
#include "jobs/study_stage.hpp"
#include "io/report/study_report.hpp"
#include "mpi/comm.hpp"
#include "report/score_summary.hpp"

namespace engage::jobs {

namespace {

using kernels::Day;

// Uncompressed bytes of one interaction: time (int64), channel (uint8), value (double).
constexpr double kBytesPerInteraction = sizeof(std::int64_t) + sizeof(std::uint8_t) + sizeof(double);

// The days after a scoring date that the retention study observes (0 without a holdout).
std::int32_t holdout_of(const ScoreOptions& o) { return o.retention.enabled ? o.retention.holdout_days : 0; }

// A scoring date (days since the file's epoch) given as `option` `text`, checked against the
// data's time range: with a holdout, the date plus the holdout must be in the data too.
Day resolve_date(const std::string& option, const std::string& text, std::int32_t holdout,
                 const io::CustomerBaseMeta& m) {
    const Day first = day_of(m.first_time), last = day_of(m.last_time);
    auto iso = [&](Day d) { return format_iso_date(m.epoch_unix_day + d); };
    const auto unix_day = parse_iso_date(text);
    if (!unix_day) throw ConfigError(option + " " + text + ": expected a date YYYY-MM-DD");
    const std::int64_t day = *unix_day - m.epoch_unix_day;
    if (day < first || day > last)
        throw ConfigError(option + " " + text + " is outside the data of " + m.path + " (" + iso(first) + " .. " +
                          iso(last) + "); choose a date in that range");
    if (day + holdout > last)
        throw ConfigError("--holdout-days " + std::to_string(holdout) + " after " + option + " " + text +
                          " goes past the data (last day " + iso(last) + "); choose " + option + " " +
                          iso(std::max(first, Day(last - holdout))) + " or earlier, or fewer holdout days");
    return Day(day);
}

// The as-of day: --as-of, or the last day with data (minus the holdout of a retention study).
Day resolve_as_of(const ScoreOptions& o, const io::CustomerBaseMeta& m) {
    const Day first = day_of(m.first_time), last = day_of(m.last_time);
    const std::int32_t holdout = holdout_of(o);
    if (!o.as_of.empty()) return resolve_date("--as-of", o.as_of, holdout, m);
    if (last - holdout < first)
        throw ConfigError("--holdout-days " + std::to_string(holdout) + " is longer than the data of " + m.path +
                          " (" + format_iso_date(m.epoch_unix_day + first) + " .. " +
                          format_iso_date(m.epoch_unix_day + last) + "); choose fewer holdout days");
    return Day(last - holdout);
}

// Shard boundaries from /interactions/offsets, streamed by rank 0 in blocks and broadcast.
std::vector<std::uint64_t> plan_shards(const mpi::Comm& comm, const io::CustomerBaseReader& in,
                                       const partition::ShardLimits& limits) {
    std::vector<std::uint64_t> bounds;
    comm.agree([&] {
        if (!comm.root()) return;
        partition::ShardPlanner planner(limits);
        const std::uint64_t n = in.meta().customers + 1;
        std::vector<std::uint64_t> block(std::min<std::uint64_t>(n, 1u << 20));
        for (std::uint64_t at = 0; at < n; at += block.size()) {
            const auto len = std::min<std::uint64_t>(block.size(), n - at);
            in.read_offsets(at, std::span(block.data(), len));
            planner.feed(std::span<const std::uint64_t>(block.data(), len));
        }
        bounds = planner.finish();
    });
    comm.broadcast(bounds);
    return bounds;
}

// The tables of the scoring window: month index of every day in it and the engagement weights.
struct WindowTables {
    std::vector<std::int32_t> month_of;
    std::vector<std::int64_t> weights;
};

WindowTables window_tables(const kernels::FeatureContext& c, std::int64_t epoch_unix_day,
                           const kernels::EngagementConfig& model) {
    WindowTables t;
    for (Day d = c.window_start; d <= c.as_of; ++d) t.month_of.push_back(month_index(epoch_unix_day + d));
    t.weights = kernels::engagement_weights(model, c.as_of - c.window_start + 1);
    return t;
}

// A scoring date's context: its window, trend date and tables.
void init_context(kernels::FeatureContext& c, Day as_of, const ScoreOptions& o, std::int64_t epoch_unix_day,
                  WindowTables& tables) {
    c.as_of = as_of;
    c.window_start = Day(as_of - o.window_days + 1);
    c.engagement = &o.engagement;
    c.previous_as_of = as_of - o.engagement.trend_days;
    c.previous_window_start = Day(c.previous_as_of - o.window_days + 1);
    tables = window_tables(c, epoch_unix_day, o.engagement);
    c.month_of = tables.month_of.data();
    c.weights = tables.weights.data();
}

// A further date of the backtest: scored in the same pass over the data as the as-of date, its
// customers kept until the pass ends.
struct BacktestDate {
    kernels::FeatureContext ctx;
    WindowTables tables;
    std::vector<kernels::EngagementRecord> records;
    std::vector<kernels::PurchaseHistory> histories;
    std::vector<kernels::StudyOutcome> outcomes;
};

void print_summary(const ScoreOptions& o, const std::string& as_of, const nlohmann::ordered_json& report,
                   const nlohmann::ordered_json& record) {
    const auto& c = report["corporate"];
    std::printf("engage score: %s as of %s (window %lld days)\n", o.input.c_str(), as_of.c_str(),
                (long long)o.window_days);
    std::printf("  customers %lld (acquired %lld, active in window %lld), interactions %lld, revenue %.2f\n",
                c["customers"].get<long long>(), c["acquired"].get<long long>(), c["active"].get<long long>(),
                c["interactions_total"].get<long long>(), c["revenue"].get<double>());
    const auto& e = report["engagement"]["corporate"];
    // Numbers that may be undefined (null in the report) print as n/a.
    auto num = [](const nlohmann::ordered_json& v, const char* format, double scale = 1.0) {
        if (v.is_null()) return std::string("n/a");
        char buf[32];
        std::snprintf(buf, sizeof buf, format, v.get<double>() * scale);
        return std::string(buf);
    };
    std::printf("  engagement: mean score %s (was %s on %s), NPS %s, share of wallet %s\n",
                num(e["mean_score"], "%.1f").c_str(), num(e["trend"]["mean_score_previous"], "%.1f").c_str(),
                report["engagement"]["previous_as_of"].get<std::string>().c_str(),
                num(e["nps"]["nps"], "%+.1f").c_str(), num(e["share_of_wallet"]["share"], "%.1f%%", 100.0).c_str());
    std::printf("  tiers:");
    for (int t = 0; t < kernels::kTiers; ++t)
        std::printf(" %s %s%s", kernels::kTierNames[t], num(e["tier_shares"][kernels::kTierNames[t]], "%.1f%%", 100.0).c_str(),
                    t + 1 < kernels::kTiers ? "," : "\n");
    std::printf("  revenue at risk (not engaged + actively disengaged): %.2f\n", e["revenue_at_risk"].get<double>());
    if (report["engagement"].contains("validation")) {
        const auto& v = report["engagement"]["validation"]["spearman_composite_vs_planted_engagement"];
        if (!v.is_null()) std::printf("  validation: Spearman(composite, planted engagement) = %.3f\n", v.get<double>());
    }
    if (report.contains("retention")) {
        const auto& r = report["retention"];
        const auto& bg = r["models"][0];
        std::printf("  retention: BG/NBD r %.3f alpha %.3f a %.3f b %.3f (log-likelihood %.1f) over %lld customers",
                    bg["parameters"]["r"].get<double>(), bg["parameters"]["alpha"].get<double>(),
                    bg["parameters"]["a"].get<double>(), bg["parameters"]["b"].get<double>(),
                    bg["log_likelihood"].get<double>(), r["customers_with_a_purchase"].get<long long>());
        if (r.contains("holdout"))
            std::printf("; holdout repeat transactions %.0f actual, %.1f predicted", r["holdout"]["actual_repeat_transactions"].get<double>(),
                        r["holdout"]["predicted_bg_nbd"].get<double>());
        std::printf("\n");
    }
    if (report.contains("study")) {
        for (const auto& b : report["study"]["backtest"]) {
            const auto& a = b["auc"];
            std::printf("  backtest %s -> %s: %lld customers at risk, churn %s; AUC for staying: composite %s [%s, %s], "
                        "recency %s\n",
                        b["as_of"].get<std::string>().c_str(), b["horizon_end"].get<std::string>().c_str(),
                        b["customers"].get<long long>(), num(b["churn_rate"], "%.1f%%", 100.0).c_str(),
                        num(a["composite"]["auc"], "%.3f").c_str(), num(a["composite"]["ci_low"], "%.3f").c_str(),
                        num(a["composite"]["ci_high"], "%.3f").c_str(), num(a["recency"]["auc"], "%.3f").c_str());
        }
        for (const auto& c : report["study"]["claims"]) {
            const auto& g = c["groups"][0];
            std::printf("  claim %s: %s [%s, %s] (published %+.0f%%)\n", c["claim"].get<std::string>().c_str(),
                        num(g["value"], "%+.1f%%", 100.0).c_str(), num(g["ci_low"], "%+.1f%%", 100.0).c_str(),
                        num(g["ci_high"], "%+.1f%%", 100.0).c_str(), 100.0 * c["reference"].get<double>());
        }
    }
    std::printf("  outputs in %s: customers.h5 report.json summary.csv features.csv channels.csv engagement.csv "
                "tier_migration.csv score_distribution.csv%s report.html run.json\n",
                o.output.c_str(),
                report.contains("study")       ? " survival.csv cohort_retention.csv backtest.csv lift.csv calibration.csv claims.csv correlations.csv"
                : report.contains("retention") ? " survival.csv cohort_retention.csv"
                                               : "");
    std::printf("%s", timing_summary(record).c_str());
}

}  // namespace

void run_score(const mpi::Comm& comm, const ScoreOptions& o, const RunInfo& info) {
    PhaseTimer timer({"open", "read", "compute", "write", "engagement", "retention", "study", "reduce", "report"});
    const bool talk = comm.root() && !o.quiet;
    const StopRequests stop_requests;  // SIGTERM, SIGUSR1: stop at the end of a round, resumable
    std::unique_ptr<io::CustomerBaseReader> in;
    std::unique_ptr<io::OutputDir> out;
    kernels::FeatureContext ctx;
    WindowTables tables;
    std::list<BacktestDate> backtests;  // further dates of the backtest (not moved: contexts point into them)
    std::vector<std::uint64_t> bounds;
    {
        auto t = timer.measure("open");
        out = std::make_unique<io::OutputDir>(comm, o.output);
        comm.agree([&] { in = std::make_unique<io::CustomerBaseReader>(comm, o.input); });
        std::vector<Day> extra;
        comm.agree([&] {
            ctx.as_of = resolve_as_of(o, in->meta());
            for (const auto& d : o.backtest_as_of) extra.push_back(resolve_date("--backtest-as-of", d, holdout_of(o), in->meta()));
        });
        std::sort(extra.begin(), extra.end());
        extra.erase(std::unique(extra.begin(), extra.end()), extra.end());
        std::erase(extra, ctx.as_of);
        init_context(ctx, ctx.as_of, o, in->meta().epoch_unix_day, tables);
        for (Day d : extra) {
            auto& b = backtests.emplace_back();
            init_context(b.ctx, d, o, in->meta().epoch_unix_day, b.tables);
        }
        bounds = plan_shards(comm, *in, o.shards);
    }
    const io::CustomerBaseMeta& meta = in->meta();
    const std::size_t shards = bounds.size() - 1;
    const auto [s0, s1] = partition::shards_of_rank(shards, comm.rank(), comm.size());
    const std::int64_t rounds = comm.max(std::int64_t(s1 - s0));
    const std::string as_of = format_iso_date(meta.epoch_unix_day + ctx.as_of);
    const std::string previous_as_of = format_iso_date(meta.epoch_unix_day + ctx.previous_as_of);

    kernels::ChannelKinds kinds{};
    std::vector<std::string> channel_names;
    for (std::size_t k = 0; k < meta.channels.size(); ++k) {
        kinds[k] = meta.channels[k].kind;
        channel_names.push_back(meta.channels[k].name);
    }

    // A checkpoint of this run, if any: the pass resumes after its rounds, appending to its customers.h5.
    const ScoreCheckpoint checkpoint(comm, o, info.version, shards, out->staged("customers.h5"));
    std::optional<std::uint64_t> resume_at;
    if (checkpoint.rounds_done() > 0)
        resume_at = bounds[s0 + std::min<std::size_t>(std::size_t(checkpoint.rounds_done()), s1 - s0)];
    std::unique_ptr<io::FeaturesWriter> writer;
    comm.agree([&] {
        writer = std::make_unique<io::FeaturesWriter>(
            comm, out->staged("customers.h5"), meta.customers,
            io::FeaturesFileInfo{o.input, as_of, previous_as_of, o.window_days, info.version, channel_names,
                                 o.retention.enabled},
            bounds[s0], resume_at);
    });

    // The streaming pass: shard by shard, features and the engagement records.
    kernels::ScoreSummary summary(meta.business_unit_names.size());
    std::vector<kernels::EngagementRecord> records;
    records.reserve(bounds[s1] - bounds[s0]);
    // The retention study: purchase histories and the cohort matrix (groups: business units).
    kernels::RetentionConfig retention_config = o.retention;
    comm.agree([&] {
        if (retention_config.cancel_channel.empty()) return;
        for (std::size_t k = 0; k < meta.channels.size(); ++k)
            if (meta.channels[k].name == retention_config.cancel_channel) retention_config.cancel_code = int(k);
        if (retention_config.cancel_code < 0) {
            std::string names;
            for (const auto& c : meta.channels) names += (names.empty() ? "" : ", ") + c.name;
            throw ConfigError("--cancel-channel " + retention_config.cancel_channel + ": not a channel of " + o.input +
                              "; its channels: " + names);
        }
    });
    const Day holdout_end = ctx.as_of + o.retention.holdout_days;
    kernels::CohortRetention cohorts({o.retention.cohort_unit, meta.epoch_unix_day, day_of(meta.first_time), ctx.as_of,
                                      o.retention.cohort_periods, false},
                                     meta.business_unit_names.size());
    std::vector<kernels::PurchaseHistory> histories;
    // The study of outcomes over (T, T + holdout], at the as-of date and every backtest date.
    const bool study = o.retention.enabled && o.retention.holdout_days > 0;
    auto horizon = [&](Day as_of) {
        return kernels::StudyHorizon{as_of, as_of + o.retention.holdout_days, o.retention.churn_days,
                                     retention_config.cancel_code};
    };
    std::vector<kernels::StudyOutcome> outcomes;
    io::CustomerShard shard;
    std::vector<kernels::CustomerFeatures> features;
    std::uint64_t read_interactions = 0;
    Progress progress(talk, "score");
    const std::uint64_t local_customers = bounds[s1] - bounds[s0];
    PassState pass{&summary, &cohorts, {{&records, &histories, &outcomes}}};
    for (auto& b : backtests) pass.dates.push_back({&b.records, &b.histories, &b.outcomes});
    if (checkpoint.rounds_done() > 0) {
        checkpoint.restore(pass);
        if (talk)
            std::fprintf(stderr, "engage score: resuming after round %lld of %lld, from %s\n",
                         (long long)checkpoint.rounds_done(), (long long)rounds, checkpoint.path().c_str());
    }
    for (std::int64_t r = checkpoint.rounds_done(); r < rounds; ++r) {
        const bool mine = std::size_t(r) < s1 - s0;
        const std::size_t s = s0 + std::size_t(r);
        {
            auto t = timer.measure("read");
            comm.agree([&] {
                if (mine) in->read_shard(bounds[s], bounds[s + 1], shard);
            });
        }
        features.clear();
        if (mine) {
            auto t = timer.measure("compute");
            features.resize(shard.customers());
            kernels::ScoreFeatures::run(shard.view(), ctx, kinds, features);
            for (std::size_t k = 0; k < features.size(); ++k) summary.update(features[k], shard.business_unit[k]);
            kernels::collect_records(features, shard.business_unit, shard.region, shard.rm, shard.wallet,
                                     shard.truth, shard.truth_churn, ctx.as_of, std::int32_t(o.window_days),
                                     records);
            if (o.retention.enabled)
                kernels::append_histories(shard.view(), kinds, shard.business_unit, ctx.as_of, holdout_end,
                                          o.retention.churn_days, retention_config.cancel_code, &cohorts, histories);
            if (study) kernels::append_outcomes(shard.view(), kinds, horizon(ctx.as_of), shard.truth_churn, outcomes);
            for (auto& b : backtests) {
                std::vector<kernels::CustomerFeatures> at_date(shard.customers());
                kernels::ScoreFeatures::run(shard.view(), b.ctx, kinds, at_date);
                kernels::collect_records(at_date, shard.business_unit, shard.region, shard.rm, shard.wallet,
                                         shard.truth, shard.truth_churn, b.ctx.as_of, std::int32_t(o.window_days),
                                         b.records);
                kernels::append_histories(shard.view(), kinds, shard.business_unit, b.ctx.as_of,
                                          b.ctx.as_of + o.retention.holdout_days, o.retention.churn_days,
                                          retention_config.cancel_code, nullptr, b.histories);
                kernels::append_outcomes(shard.view(), kinds, horizon(b.ctx.as_of), shard.truth_churn, b.outcomes);
            }
            read_interactions += shard.time.size();
        }
        {
            auto t = timer.measure("write");
            const std::span<const std::uint64_t> ids =
                mine ? std::span<const std::uint64_t>(shard.id) : std::span<const std::uint64_t>();
            comm.agree([&] { writer->append(ids, features); });
        }
        progress.update(records.size(), local_customers, "customers");
        if (const int signal = checkpoint.stop_requested()) {
            comm.agree([&] { writer->close(); });
            checkpoint.save_and_stop(pass, r + 1, rounds, out->staged("customers.h5"), signal);
        }
    }
    {
        auto t = timer.measure("reduce");
        mpi::allreduce_state(comm, summary);
    }
    std::unique_ptr<EngagementResult> engagement;
    {
        auto t = timer.measure("engagement");
        engagement = std::make_unique<EngagementResult>(run_engagement_model(
            comm, records, o.engagement, meta.business_unit_names.size(), meta.region_names.size(),
            meta.rm_names.size()));
    }
    std::unique_ptr<RetentionResult> retention;
    if (o.retention.enabled) {
        auto t = timer.measure("retention");
        mpi::allreduce_state(comm, cohorts);
        retention = std::make_unique<RetentionResult>(
            run_retention_model(comm, histories, engagement->scored, retention_config));
    }
    // The study: the as-of date, then every backtest date scored and fitted on its own data.
    std::vector<io::StudyDate> study_dates;
    StudyCorrelation correlation;
    if (study) {
        auto t = timer.measure("study");
        const std::size_t units = meta.business_unit_names.size();
        auto add_date = [&](Day as_of, const kernels::BacktestResult& result) {
            study_dates.push_back({format_iso_date(meta.epoch_unix_day + as_of),
                                   format_iso_date(meta.epoch_unix_day + as_of + o.retention.holdout_days), result});
        };
        const auto main = study_customers({records, engagement->scored, outcomes, histories, retention.get(),
                                           o.retention.holdout_days});
        add_date(ctx.as_of, run_backtest(comm, main, units));
        correlation = run_correlation(comm, main, engagement->scored, units, meta.epoch_unix_day,
                                      std::int64_t(o.engagement.min_group_size));
        for (auto& b : backtests) {
            const auto scored = run_engagement_model(comm, b.records, o.engagement, units, meta.region_names.size(),
                                                     meta.rm_names.size());
            const auto fitted = run_retention_model(comm, b.histories, scored.scored, retention_config);
            const auto customers = study_customers({b.records, scored.scored, b.outcomes, b.histories, &fitted,
                                                    o.retention.holdout_days});
            add_date(b.ctx.as_of, run_backtest(comm, customers, units));
            b = BacktestDate{};  // done with its customers
        }
        std::sort(study_dates.begin(), study_dates.end(),
                  [](const io::StudyDate& a, const io::StudyDate& b) { return a.as_of < b.as_of; });
    }
    {
        auto t = timer.measure("write");
        comm.agree([&] { writer->write_scores(engagement->scored); });
        if (retention) comm.agree([&] { writer->write_retention(retention->predictions); });
        comm.agree([&] { writer->close(); });
        comm.agree([&] { in->close(); });
    }

    std::vector<std::string> names{"customers.h5", "report.json"};
    nlohmann::ordered_json report;
    {
        auto t = timer.measure("report");
        comm.agree([&] {
            if (!comm.root()) return;
            report = io::build_score_report(
                summary, meta,
                {o.input, as_of, format_iso_date(meta.epoch_unix_day + ctx.window_start), o.window_days, shards,
                 std::int64_t(o.engagement.min_group_size)});
            report["engagement"] = io::engagement_report(engagement->summary, engagement->score_by_tier, engagement->truth, o.engagement,
                                                         meta, as_of, previous_as_of);
            if (retention) {
                const RetentionResult& rr = *retention;
                report["retention"] = io::retention_report(
                    {&rr.bg_nbd, &rr.pareto_nbd, &rr.gamma_gamma, rr.calibrated, rr.gamma_gamma_customers, rr.holdout_actual,
                     rr.holdout_bg_nbd, rr.holdout_pareto_nbd, &rr.survival, &cohorts},
                    retention_config, meta, as_of, format_iso_date(meta.epoch_unix_day + holdout_end));
            }
            if (study) {
                const std::string churn =
                    retention_config.cancel_code >= 0
                        ? "contractual, the first interaction on channel " + retention_config.cancel_channel
                        : "non-contractual, " + std::to_string(o.retention.churn_days) + " days without an interaction";
                io::StudyReportInput in{study_dates, as_of, o.retention.holdout_days,
                                        std::int64_t(o.engagement.min_group_size), churn, meta.has_truth};
                in.correlation = correlation.result.get();
                in.variables = kStudyVariableNames;
                in.key_bits = kCorrelationKeyBits;
                in.correlation_groups.emplace_back("corporate", "corporate");
                for (const auto& b : meta.business_unit_names) in.correlation_groups.emplace_back("business_unit", b);
                for (auto y = correlation.first_year; y <= correlation.last_year; ++y)
                    in.correlation_groups.emplace_back("acquisition_year", std::to_string(y));
                report["study"] = io::study_report(in, meta);
            }
            io::write_json(report, out->staged("report.json"));
            auto tables = io::score_report_tables(report);
            for (auto& t : io::engagement_tables(report["engagement"])) tables.push_back(std::move(t));
            if (retention)
                for (auto& t : io::retention_tables(report["retention"])) tables.push_back(std::move(t));
            if (study)
                for (auto& t : io::study_tables(report["study"])) tables.push_back(std::move(t));
            for (const auto& table : tables) {
                io::write_text(table.content, out->staged(table.name));
                names.push_back(table.name);
            }
        });
    }
    const std::int64_t interactions = comm.sum(std::int64_t(read_interactions));
    nlohmann::ordered_json extra;
    extra["input"] = o.input;
    extra["output"] = o.output;
    extra["as_of"] = as_of;
    extra["shards"] = shards;
    auto record = run_record(comm, info, timer, extra);
    const double read_s = record["phase_seconds_slowest_rank"]["read"].get<double>();
    const double total_s = record["wall_seconds"].get<double>();
    record["throughput"] = {
        {"interactions_per_second_end_to_end", total_s > 0 ? double(interactions) / total_s : 0.0},
        {"interactions_per_second_read", read_s > 0 ? double(interactions) / read_s : 0.0},
        {"uncompressed_read_MB_per_second",
         read_s > 0 ? double(interactions) * kBytesPerInteraction / 1e6 / read_s : 0.0}};
    comm.agree([&] {
        if (!comm.root()) return;
        io::write_text(io::html_report(report, record), out->staged("report.html"));
        io::write_json(record, out->staged("run.json"));
    });
    names.push_back("report.html");
    names.push_back("run.json");  // last: a run.json beside the results means they are complete
    out->commit(names);
    checkpoint.remove();
    if (talk) print_summary(o, as_of, report, record);
}

}  // namespace engage::jobs
