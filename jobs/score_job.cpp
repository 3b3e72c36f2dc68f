#include "jobs/score_job.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "core/dates.hpp"
#include "core/errors.hpp"
#include "core/progress.hpp"
#include "core/stop_request.hpp"
#include "features/feature_pass.hpp"
#include "io/customer_base.hpp"
#include "io/file_stamp.hpp"
#include "io/customers_csv.hpp"
#include "io/features_file.hpp"
#include "io/output_dir.hpp"
#include "io/report/engagement_report.hpp"
#include "io/report/html_report.hpp"
#include "io/report/score_report.hpp"
#include "io/report/retention_report.hpp"
#include "jobs/score_checkpoint.hpp"
#include "jobs/score_stages.hpp"
#include "jobs/touches_stage.hpp"
#include "jobs/shard_plan.hpp"
#include "mpi/comm.hpp"
#include "report/accounts_at_risk.hpp"
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

// T - T_fit of the backtest's baselines: --calibrate-as-of, by default the holdout. The training
// horizon (T_fit, T] must be long enough for the churn definition to see a customer leave.
std::int32_t resolve_fit_gap(const ScoreOptions& o, Day as_of, const io::CustomerBaseMeta& m) {
    if (o.calibrate_as_of.empty()) return o.retention.holdout_days;
    const Day fit = resolve_date("--calibrate-as-of", o.calibrate_as_of, 0, m);
    const std::int32_t least = o.retention.cancel_channel.empty() ? o.retention.churn_days : 1;
    if (as_of - fit < least)
        throw ConfigError("--calibrate-as-of " + o.calibrate_as_of + " must be at least " + std::to_string(least) +
                          " days before the as-of date " + format_iso_date(m.epoch_unix_day + as_of) +
                          (o.retention.cancel_channel.empty() ? " (--churn-days: the training outcomes are observed by then)"
                                                              : " (the training outcomes are observed by then)") +
                          "; choose " + format_iso_date(m.epoch_unix_day + as_of - least) + " or earlier");
    return std::int32_t(as_of - fit);
}

// How the memory budget of a rank is shared (docs/architecture.md, "Memory per rank"): a
// quarter for the sealed blocks of the spill stores, a sixteenth per scoring date for a sweep's
// block of customers (about 900 bytes a customer and date, the next block read ahead
// included), an eighth for the output on its way to the disk (the feature rows pending a
// write, a quarter of it, and the writes queued behind the rank, the rest); the rest for the
// shard, the histograms, the groups of the fits, MPI and HDF5.
struct MemoryPlan {
    std::uint64_t spill_bytes = 0;
    std::size_t block_rows = 1;
    std::int64_t flush_rounds = 1;
    std::uint64_t write_queue_bytes = 0;
    std::size_t manager_ranges = 1;  // the ranges the managers' groups are built in (1: all at once)
};

// The budget less what a rank holds whatever its share of the customers (the main date's
// engagement groups and accounts-at-risk lists of every business unit, region and relationship
// manager: at most half the budget; the input read ahead, at most half of what is left), split: 1/4
// for the spill stores' blocks in memory, 1/16 for a sweep block of every date, 1/32 for the
// pass's pending feature rows and 3/32 for the writes queued behind the rank: a flush hands the
// disk a burst that the queue takes whole, so that the rank computes on while it is written
// (docs/performance.md, "A write queue as deep as a flush"). Where the managers' groups and
// lists do not fit that half, they are built range by range, as many managers a range as fit
// (jobs/engagement_stage.hpp): the other half is what the rest of the job needs
// (docs/performance.md, "Relationship managers range by range").
MemoryPlan plan_memory(const ScoreOptions& o, const io::CustomerBaseMeta& meta, std::size_t dates, bool touches) {
    // A sweep's block of a date: 600 bytes a customer, and 300 more for the next block of each
    // spill store that the sweep reads, read ahead while this one is worked on (records 96 bytes,
    // histories 96, landmark rows 96, outcomes 32: io/spill_store.hpp).
    constexpr std::uint64_t kSweepBytesPerCustomer = 600 + 300;
    // With the study, the adjusted claims' sums per relationship manager (the revenue
    // regression's 32 bytes, the attrition regression's 16: kernels/study/*_regression.hpp).
    constexpr std::uint64_t kStudyBytesPerManager = 32 + 16;
    // A manager's engagement group and accounts-at-risk list, and with touches its touches'
    // groups at both dates: what a range holds per manager.
    using kernels::TouchesSummary;
    const std::uint64_t manager_bytes = sizeof(kernels::EngagementGroup) + sizeof(kernels::ManagerSlots) +
                                   (touches ? TouchesSummary::bytes(0, 0, 1, 0) - TouchesSummary::bytes(0, 0, 0, 0) : 0);
    const bool study = o.retention.enabled && o.retention.holdout_days > 0;
    const std::uint64_t rms = meta.rm_names.size(), units = meta.business_unit_names.size();
    // Held whatever the ranges: the groups and lists above the managers, the study's sums per
    // manager and the touches' groups of the other levels (and a range's corporate group:
    // jobs/touches_stage.hpp).
    const std::uint64_t fixed =
        kernels::EngagementSummary::bytes(units, meta.region_names.size(), 0) + kernels::AccountsAtRisk::bytes(units, 0) +
        (study ? kStudyBytesPerManager * rms : 0) +
        (touches ? TouchesSummary::bytes(units, meta.region_names.size(), 0, meta.segment_names.size()) +
                       TouchesSummary::bytes(0, 0, 0, 0)
                 : 0);
    // The lists' merge takes a piece of another rank's, of at most 8 MB (mpi::reduce_merged).
    auto piece = [&](std::uint64_t managers) {
        return std::min<std::uint64_t>(kernels::AccountsAtRisk::bytes(units, managers), 8u << 20);
    };
    const std::uint64_t half = o.memory_per_rank / 2;
    const std::uint64_t room = half - std::min(half, fixed + piece(rms));
    if (rms > 0 && room < manager_bytes) {
        const std::uint64_t mib = (2 * (fixed + piece(rms) + manager_bytes) + (1 << 20) - 1) >> 20;
        throw ConfigError("--memory-per-rank " + std::to_string(o.memory_per_rank >> 20) + "M: every rank holds the "
                          "engagement groups and accounts-at-risk lists above the relationship managers of " + o.input +
                          (study ? ", the study's sums per manager" : "") +
                          (touches ? ", the touches' groups of the other levels" : "") + " (" + std::to_string(rms) +
                          " relationship managers, " + std::to_string(units) + " business units: " +
                          std::to_string((fixed + piece(rms)) >> 20) +
                          " MB), which with one manager's group and list must be at most half the budget; give "
                          "--memory-per-rank " + std::to_string(mib) + "M or more");
    }
    MemoryPlan p;
    const std::uint64_t per_range = std::min(rms, room / manager_bytes);  // at most, a range holds
    if (per_range < rms) p.manager_ranges = std::size_t((rms + per_range - 1) / per_range);
    const std::uint64_t held = fixed + per_range * manager_bytes + piece(per_range);
    // The input's shards read past the page cache (io/direct_reader.hpp) take two sets of a
    // shard's interaction columns, the one folded and the next; held by every rank that reads
    // so, reserved whether it does or not so that the plan does not depend on the page cache.
    const std::uint64_t input_buffers = 2 * o.shards.interactions * (sizeof(std::int64_t) + 1 + sizeof(double));
    const std::uint64_t rest = o.memory_per_rank - held;
    const std::uint64_t budget = rest - std::min(input_buffers, rest / 2);
    p.spill_bytes = budget / 4;
    p.block_rows = std::size_t(std::clamp<std::uint64_t>(budget / 16 / (kSweepBytesPerCustomer * dates), 256,
                                                         std::uint64_t(1) << 20));
    const std::uint64_t row_bytes = 96 + 12 * meta.channels.size();  // id, attributes, features, signals of one customer
    const std::uint64_t round_bytes = std::max<std::uint64_t>(1, std::min<std::uint64_t>(o.shards.customers, o.shards.interactions) * row_bytes);
    p.flush_rounds = std::int64_t(std::max<std::uint64_t>(1, budget / 32 / round_bytes));
    p.write_queue_bytes = budget / 32 * 3;
    return p;
}

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
            if (b.contains("baselines") && b["baselines"].contains("best_baseline"))  // the best baseline beside it
                std::printf("    %s\n", b["baselines"]["best_baseline"]["verdict"].get<std::string>().c_str());
        }
        for (const auto& c : report["study"]["claims"]) {
            const auto& g = c["groups"][0];
            std::printf("  claim %s: %s [%s, %s] (published %+.0f%%)\n", c["claim"].get<std::string>().c_str(),
                        num(g["value"], "%+.1f%%", 100.0).c_str(), num(g["ci_low"], "%+.1f%%", 100.0).c_str(),
                        num(g["ci_high"], "%+.1f%%", 100.0).c_str(), 100.0 * c["reference"].get<double>());
        }
    }
    std::printf("  outputs in %s: customers.h5%s report.json summary.csv features.csv channels.csv engagement.csv "
                "tier_migration.csv score_distribution.csv accounts_at_risk.csv%s%s%s report.html run.json\n",
                o.output.c_str(), o.customers_csv ? " customers.csv" : "",
                report.contains("touches") ? " touches.csv" : "",
                report.contains("study")       ? " survival.csv cohort_retention.csv backtest.csv lift.csv calibration.csv claims.csv correlations.csv"
                : report.contains("retention") ? " survival.csv cohort_retention.csv"
                                               : "",
                report.contains("survival") ? " landmark_survival.csv cox.csv" : "");
    std::printf("%s", timing_summary(record).c_str());
}

}  // namespace


void run_score(const mpi::Comm& comm, const ScoreOptions& o, const RunInfo& info) {
    PhaseTimer timer({"open", "read", "compute", "write", "engagement", "retention", "study", "reduce", "report"});
    const bool talk = comm.root() && !o.quiet;
    // Rank 0's progress lines (core/progress.hpp): every phase below names itself, and counts
    // what it can of all ranks' work from the global plan (shards per rank, customers per rank),
    // never from a collective of its own.
    Progress progress(talk, "score");
    progress.phase("opening " + o.input + " and planning the shards");
    const StopRequests stop_requests;  // SIGTERM, SIGUSR1: stop at the end of a round, resumable
    std::unique_ptr<io::CustomerBaseReader> in;
    std::unique_ptr<io::OutputDir> out;
    io::FileStamp input_stamp;  // rank 0: the input as opened, compared before the commit
    Day as_of_day = 0;
    std::int32_t fit_gap = 0;  // T - T_fit of the baselines
    std::vector<Day> extra;  // further dates of the backtest
    ShardPlan plan;
    {
        auto t = timer.measure("open");
        out = std::make_unique<io::OutputDir>(comm, o.output);
        comm.agree([&] { in = std::make_unique<io::CustomerBaseReader>(comm, o.input); });
        if (comm.root()) input_stamp = io::FileStamp::of(o.input);
        comm.agree([&] {
            as_of_day = resolve_as_of(o, in->meta());
            for (const auto& d : o.backtest_as_of) extra.push_back(resolve_date("--backtest-as-of", d, holdout_of(o), in->meta()));
            fit_gap = resolve_fit_gap(o, as_of_day, in->meta());
        });
        std::sort(extra.begin(), extra.end());
        extra.erase(std::unique(extra.begin(), extra.end()), extra.end());
        std::erase(extra, as_of_day);
        plan = plan_shards_parallel(comm, *in, o.shards);
    }
    const io::CustomerBaseMeta& meta = in->meta();
    const std::size_t shards = plan.shards;
    const std::size_t mine_count = plan.last - plan.first;  // this rank's shards
    const std::vector<std::uint64_t>& bounds = plan.bounds;  // bounds[i]: first customer of shard first + i
    const std::int64_t rounds = comm.max(std::int64_t(mine_count));
    // Rank 0's view of the pass over all ranks: every rank folds its next shard each round, so
    // after r rounds the ranks have folded the sum over ranks of min(r, its shards).
    auto shards_after = [&, ranks = comm.size()](std::int64_t r) {
        std::uint64_t done = 0;
        for (int k = 0; k < ranks; ++k) {
            const auto [a, b] = partition::shards_of_rank(shards, k, ranks);
            done += std::min<std::uint64_t>(std::uint64_t(r), b - a);
        }
        return done;
    };

    RunContext run;
    run.options = &o;
    run.meta = &meta;
    run.shards = shards;
    run.rank = comm.rank();
    run.talk = talk;
    run.progress = &progress;
    run.retention = o.retention;
    run.fit_gap_days = fit_gap;
    std::vector<std::string> channel_names;
    for (std::size_t k = 0; k < meta.channels.size(); ++k) {
        run.kinds[k] = meta.channels[k].kind;
        channel_names.push_back(meta.channels[k].name);
    }
    comm.agree([&] {
        kernels::RetentionConfig& r = run.retention;
        if (r.cancel_channel.empty()) return;
        for (std::size_t k = 0; k < meta.channels.size(); ++k)
            if (meta.channels[k].name == r.cancel_channel) r.cancel_code = int(k);
        if (r.cancel_code < 0) {
            std::string names;
            for (const auto& c : meta.channels) names += (names.empty() ? "" : ", ") + c.name;
            throw ConfigError("--cancel-channel " + r.cancel_channel + ": not a channel of " + o.input +
                              "; its channels: " + names);
        }
    });
    const std::string as_of = format_iso_date(meta.epoch_unix_day + as_of_day);
    const std::string previous_as_of = format_iso_date(meta.epoch_unix_day + as_of_day - o.engagement.trend_days);

    // The stages, with the rank's per-customer state in spill stores under the memory budget.
    const bool study = o.retention.enabled && o.retention.holdout_days > 0;
    MemoryPlan memory;
    comm.agree([&] { memory = plan_memory(o, meta, 1 + (study ? extra.size() + !o.calibrate_as_of.empty() : 0), touches_apply(run)); });
    io::SpillBudget spill_budget(memory.spill_bytes);
    run.spill_budget = &spill_budget;
    run.spill_dir = out->staging_dir();
    run.block_rows = memory.block_rows;
    run.manager_ranges = memory.manager_ranges;
    auto pipeline = make_score_stages(run, as_of_day, extra, memory.flush_rounds);
    const auto& stages = pipeline->stages;
    const std::uint64_t first = bounds.front(), local_customers = bounds.back() - bounds.front();
    // Every rank's customers (in place of a maximum of the blocks: the same one collective), so
    // that rank 0 counts a sweep's customers over all ranks.
    const std::vector<std::uint64_t> customers_of_rank = comm.allgather(local_customers);
    std::int64_t blocks = 0;
    for (const std::uint64_t c : customers_of_rank)
        blocks = std::max(blocks, std::int64_t((c + run.block_rows - 1) / run.block_rows));
    auto swept_after = [&](std::int64_t b) {  // customers of all ranks in blocks [0, b)
        std::uint64_t done = 0;
        for (const std::uint64_t c : customers_of_rank) done += std::min<std::uint64_t>(c, std::uint64_t(b) * run.block_rows);
        return done;
    };

    // A checkpoint of this run, if any: the stages' states and where it stopped. customers.h5 is
    // reopened with every row the stopped run wrote, and appended to from there.
    const ScoreCheckpoint checkpoint(comm, o, info.version, shards, out->staged("customers.h5"));
    Position at;
    std::optional<std::uint64_t> resume_at, scores_at;
    if (checkpoint.rounds_done() > 0) {
        at = checkpoint.restore(stages);
        resume_at = bounds[std::min<std::size_t>(std::size_t(at.rounds), mine_count)];
        const bool swept0 = at.step > 0 || (at.step == 0 && at.finished == int(stages.size()));
        const std::int64_t done = at.step > 0 ? blocks : swept0 ? at.blocks : 0;
        scores_at = first + std::min<std::uint64_t>(local_customers, std::uint64_t(done) * run.block_rows);
        const std::string where =
            at.step < 0 ? "after round " + std::to_string(at.rounds) + " of " + std::to_string(rounds)
            : at.finished == int(stages.size())
                ? "in sweep " + std::to_string(at.step + 1) + " after block " + std::to_string(at.blocks) + " of " +
                      std::to_string(blocks)
                : "in step " + std::to_string(at.step + 1) + " after " + std::to_string(at.finished) + " of its " +
                      std::to_string(stages.size()) + " stage steps";
        if (talk) std::fprintf(stderr, "engage score: resuming %s, from %s\n", where.c_str(), checkpoint.path().c_str());
    }
    std::unique_ptr<io::FeaturesWriter> writer;
    io::FeaturesFileInfo file_info;
    file_info.input = o.input;
    file_info.as_of = as_of;
    file_info.previous_as_of = previous_as_of;
    file_info.window_days = o.window_days;
    file_info.engage_version = info.version;
    file_info.channel_names = channel_names;
    file_info.epoch = meta.epoch;
    file_info.rm_names = meta.rm_names;
    file_info.region_names = meta.region_names;
    file_info.business_unit_names = meta.business_unit_names;
    file_info.segment_names = meta.segment_names;
    file_info.retention = o.retention.enabled;
    file_info.bgbb = o.retention.enabled && o.retention.opportunity_days > 0;
    file_info.prediction_model = o.retention.prediction_model == kernels::PredictionModel::pareto_nbd ? "Pareto/NBD" : "BG/NBD";
    file_info.landmark = study;
    file_info.touches = touches_apply(run);
    file_info.compression = o.compression;
    file_info.write_queue_bytes = memory.write_queue_bytes;
    comm.agree([&] {
        writer = std::make_unique<io::FeaturesWriter>(comm, out->staged("customers.h5"), meta.customers, file_info,
                                                      first, resume_at, scores_at);
    });
    run.writer = writer.get();
    // A failure while customers.h5 is open (a full disk) abandons the staged outputs on every
    // rank before the writer closes it: its closing flush then finds room, so that no rank is
    // left in a collective and HDF5 is not left a half-closed file. A stop on request closes the
    // writer first (stop_point) and keeps them for the resume.
    bool writer_closed = false;
    struct AbandonOnFailure {
        io::OutputDir& out;
        std::unique_ptr<io::FeaturesWriter>& writer;
        const bool& closed;
        const int exceptions = std::uncaught_exceptions();
        ~AbandonOnFailure() {
            if (closed || std::uncaught_exceptions() <= exceptions) return;
            out.abandon();
            writer.reset();
        }
    } abandon_on_failure{*out, writer, writer_closed};
    // At a point where the job can stop: when any rank was asked to, every rank saves and stops.
    auto stop_point = [&](const Position& p, const std::string& where) {
        StopRequests::raise_at(where);
        if (const int signal = checkpoint.stop_requested()) {
            comm.agree([&] { writer->write_pending(); });
            comm.agree([&] { writer->close(); });
            writer_closed = true;
            checkpoint.save_and_stop(stages, p, where, out->staged("customers.h5"), signal);
        }
    };

    // The pass: shard by shard through every stage.
    io::CustomerShard shard;
    const io::CustomerShard none;
    std::uint64_t read_interactions = 0;
    progress.phase("pass over the data", shards, "shards of all ranks");
    progress.update(shards_after(at.rounds));
    for (std::int64_t r = at.rounds; r < rounds; ++r) {
        const bool mine = std::size_t(r) < mine_count;
        const std::size_t s = std::size_t(r);
        {
            auto t = timer.measure("read");
            comm.agree([&] {
                if (mine) in->read_shard(bounds[s], bounds[s + 1], shard);
            });
            // The rank's next shard comes from the disk while this one is folded.
            if (s + 1 < mine_count) in->prefetch(bounds[s + 1], bounds[s + 2]);
        }
        // One agreement for all stages of the round: a stage's collective calls come before
        // anything in it can fail on one rank only (jobs/stage.hpp).
        const io::CustomerShard& current = mine ? shard : none;
        comm.agree([&] {
            for (const auto& stage : stages) {
                auto t = timer.measure(stage->phase());
                stage->fold(current, r);
            }
        });
        if (mine) read_interactions += shard.interactions();
        progress.update(shards_after(r + 1));
        if (r + 1 < rounds)
            stop_point({r + 1, -1, 0, 0}, "after round " + std::to_string(r + 1) + " of " + std::to_string(rounds) +
                                              " of the pass over " + std::to_string(shards) + " shards");
    }

    // The steps after the pass: each stage's collective finish, then a sweep over the rank's
    // customers block by block while any stage asks for one. The job can stop after any
    // stage's finish and after any block.
    const int n = int(stages.size());
    for (int step = std::max(0, at.step);; ++step) {
        const bool resumed = step == at.step;
        for (int i = resumed ? at.finished : 0; i < n; ++i) {
            {
                progress.phase("step " + std::to_string(step + 1) + " after the pass, stage " + std::to_string(i + 1) +
                               " of " + std::to_string(n) + " (" + stages[std::size_t(i)]->name() + ")");
                auto t = timer.measure(stages[std::size_t(i)]->phase());
                comm.agree([&] { stages[std::size_t(i)]->finish(comm, step); });
            }
            stop_point({rounds, step, i + 1, 0}, "in step " + std::to_string(step + 1) + " after the pass, after " +
                                                     std::to_string(i + 1) + " of its " + std::to_string(n) +
                                                     " stage steps (stage step " + std::to_string(i + 1) + ")");
        }
        if (std::none_of(stages.begin(), stages.end(), [&](const auto& s) { return s->wants_sweep(step); })) break;
        std::string sweeping;  // the stages that read their customers again
        for (const auto& stage : stages)
            if (stage->wants_sweep(step)) sweeping += (sweeping.empty() ? "" : ", ") + stage->name();
        const std::int64_t first_block = resumed && at.finished == n ? at.blocks : 0;
        progress.phase("sweep " + std::to_string(step + 1) + " (" + sweeping + ")", swept_after(blocks),
                       "customers of all ranks");
        progress.update(swept_after(first_block));
        for (std::int64_t b = first_block; b < blocks; ++b) {
            comm.agree([&] {
                for (const auto& stage : stages) {
                    auto t = timer.measure(stage->phase());
                    stage->sweep(step, std::size_t(b));
                }
            });
            progress.update(swept_after(b + 1));
            stop_point({rounds, step, n, b + 1}, "in sweep " + std::to_string(step + 1) + " after the pass, after block " +
                                                     std::to_string(b + 1) + " of " + std::to_string(blocks));
        }
    }
    {
        auto t = timer.measure("write");
        progress.phase("closing customers.h5");
        comm.agree([&] { writer->write_pending(); });
        comm.agree([&] { writer->close(); });
        writer_closed = true;
        comm.agree([&] { in->close(); });
        // customers.csv, from the complete customers.h5: after the last stop point, so a resumed
        // run writes it whole as a run never stopped does (docs/data-format.md, section 4).
        io::CustomersCsvJob csv;
        csv.customers_h5 = out->staged("customers.h5");
        csv.input = o.input;
        csv.block_rows = run.block_rows;
        csv.write_queue_bytes = memory.write_queue_bytes;  // customers.h5's, free again
        if (o.customers_csv) {
            progress.phase("writing customers.csv");
            csv.csv = out->staged("customers.csv");
            io::write_customers_csv(comm, csv);
        }
        // accounts_at_risk.csv, every account at risk (docs/data-format.md), the same way.
        progress.phase("writing accounts_at_risk.csv");
        csv.csv = out->staged("accounts_at_risk.csv");
        csv.accounts_at_risk = true;
        io::write_customers_csv(comm, csv);
        comm.agree([&] {
            if (comm.root()) io::check_unchanged(o.input, input_stamp);
        });
    }

    std::vector<std::string> names{"customers.h5", "report.json", "accounts_at_risk.csv"};
    if (o.customers_csv) names.push_back("customers.csv");
    ReportOutput result;
    {
        auto t = timer.measure("report");
        progress.phase("writing report.json and the CSV tables");
        comm.agree([&] {
            if (!comm.root()) return;
            for (const auto& stage : stages) stage->report(result);
            io::write_json(result.report, result.splices, out->staged("report.json"));
            io::replace_markers(result.report, result.splices);  // what report.html shows of those lists
            for (const auto& table : result.tables) {
                io::write_table(table, out->staged(table.name));
                names.push_back(table.name);
            }
        });
    }
    progress.phase("committing the outputs");
    pipeline.reset();  // its scratch files are gone before the commit
    const nlohmann::ordered_json& report = result.report;
    const std::int64_t interactions = comm.sum(std::int64_t(read_interactions));
    std::int64_t spilled = std::int64_t(spill_budget.spilled());
    spilled = comm.sum(spilled);
    nlohmann::ordered_json extra_record;
    extra_record["input"] = o.input;
    extra_record["output"] = o.output;
    extra_record["as_of"] = as_of;
    extra_record["shards"] = shards;
    extra_record["memory_per_rank_bytes"] = o.memory_per_rank;
    extra_record["sweep_block_customers"] = run.block_rows;
    // The sweeps that built the relationship managers' groups, a range of managers each (1: all at once).
    extra_record["relationship_manager_ranges"] = memory.manager_ranges;
    extra_record["spilled_bytes_all_ranks"] = spilled;
    auto record = run_record(comm, info, timer, extra_record);
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
    // Without --no-customers-csv's table, an earlier run's would sit beside results it does not match.
    if (!o.customers_csv && comm.root()) {
        std::error_code ignored;
        std::filesystem::remove(std::filesystem::path(o.output) / "customers.csv", ignored);
    }
    checkpoint.remove();
    progress.end();
    if (talk) print_summary(o, as_of, report, record);
}

}  // namespace engage::jobs
