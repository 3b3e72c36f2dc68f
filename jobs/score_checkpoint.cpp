#include "jobs/score_checkpoint.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include "core/errors.hpp"
#include "core/stop_request.hpp"
#include "features/channel_kind.hpp"
#include "jobs/score_job.hpp"
#include "jobs/stage.hpp"
#include "mpi/comm.hpp"
#include "partition/block_plan.hpp"

namespace engage::jobs {

namespace fs = std::filesystem;

namespace {

// The layout of the rank files; raise it whenever what save_and_stop() writes changes.
constexpr std::uint32_t kStateFormat = 3;  // 3: the baseline stages

// Every digit of a double, so that any change of a parameter shows.
std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

// A file's modification time as UTC with nanoseconds, or "unknown".
std::string modified(const std::string& path) {
    std::error_code ec;
    const auto t = fs::last_write_time(path, ec);
    if (ec) return "unknown";
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::file_clock::to_sys(t).time_since_epoch())
                        .count();
    const std::time_t seconds = std::time_t(ns / 1000000000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buf[64];
    const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%09lld UTC", (long long)(ns % 1000000000));
    return buf;
}

// What a checkpoint of `engage score` belongs to: the input file (as given, where it is, its size
// and modification time), every option that changes a result, the number of ranks (it decides
// which shards each rank holds), the shards and the planning block that cut them, and the
// version of engage.
io::CheckpointIdentity identity_of(const ScoreOptions& o, const std::string& version, int ranks, std::size_t shards) {
    io::CheckpointIdentity id;
    auto add = [&](std::string name, std::string value) { id.emplace_back(std::move(name), std::move(value)); };
    std::error_code ec;
    add("engage version", version);
    add("--input", o.input);
    const fs::path canonical = fs::canonical(o.input, ec);
    add("input file", ec ? o.input : canonical.string());
    const auto size = fs::file_size(o.input, ec);
    add("input size", ec ? "unknown" : std::to_string(size));
    add("input modified", modified(o.input));
    add("number of ranks", std::to_string(ranks));
    add("shards", std::to_string(shards));
    // With the limits, the planning block decides where the shards are cut (a checkpoint of a
    // binary with other blocks may have as many shards, cut elsewhere).
    add("shard planning block (customers)", std::to_string(partition::kPlanBlockCustomers));
    add("--as-of", o.as_of);
    add("--window-days", std::to_string(o.window_days));
    add("--shard-interactions", std::to_string(o.shards.interactions));
    add("--shard-customers", std::to_string(o.shards.customers));
    add("--memory-per-rank", std::to_string(o.memory_per_rank));  // it sets the blocks of the sweeps
    const kernels::EngagementConfig& e = o.engagement;
    for (int k = 0; k < kernels::kChannelKinds; ++k) {
        const std::string kind(kernels::kChannelKindNames[k]);
        add("--dimensions." + kind, std::to_string(e.dimensions_of_kind[k]));
        add("--kind-weight." + kind, number(e.kind_weight[k]));
    }
    for (int d = 0; d < kernels::kDimensions; ++d)
        add(std::string("--dimension-weight.") + kernels::kDimensionNames[d], number(e.dimension_weight[d]));
    add("--half-life-days", number(e.half_life_days));
    add("--trend-days", std::to_string(e.trend_days));
    add("--tier.fully-engaged", number(e.fully_engaged_min));
    add("--tier.engaged", number(e.engaged_min));
    add("--min-group-size", std::to_string(e.min_group_size));
    const kernels::RetentionConfig& r = o.retention;
    add("--retention", r.enabled ? "on" : "off");
    add("--holdout-days", std::to_string(r.holdout_days));
    std::string dates;
    for (const auto& d : o.backtest_as_of) dates += (dates.empty() ? "" : ",") + d;
    add("--backtest-as-of", dates);
    add("--calibrate-as-of", o.calibrate_as_of);
    add("--churn-days", std::to_string(r.churn_days));
    add("--cancel-channel", r.cancel_channel);
    add("--cohort", std::string(kernels::cohort_unit_name(r.cohort_unit)));
    add("--cohort-periods", std::to_string(r.cohort_periods));
    std::string brackets;
    for (std::int32_t b : r.cohort_brackets) brackets += (brackets.empty() ? "" : ",") + std::to_string(b);
    add("--cohort-brackets", brackets);
    add("--cohort-windows", std::string(kernels::cohort_window_name(r.cohort_window)));
    add("--cohort-by", r.cohort_by);
    add("--horizon-weeks", std::to_string(r.horizon_weeks));
    add("--discount-rate", number(r.annual_discount_rate));
    add("--opportunity-days", std::to_string(r.opportunity_days));
    add("--prediction-model", kernels::prediction_model_name(r.prediction_model));
    return id;
}

std::string rank_file(int rank) { return "rank-" + std::to_string(rank) + ".state"; }

}  // namespace

ScoreCheckpoint::ScoreCheckpoint(const mpi::Comm& comm, const ScoreOptions& o, const std::string& engage_version,
                                 std::size_t shards, const std::string& staged_features)
    : comm_(comm), dir_(comm, o.output), identity_(identity_of(o, engage_version, comm.size(), shards)) {
    const auto found = dir_.find(identity_);
    if (!found) return;
    rounds_done_ = *found;
    // A copy: the checkpoint stays complete should this run end without one of its own.
    comm.agree([&] {
        if (!comm.root()) return;
        std::error_code ec;
        fs::copy_file(dir_.file("customers.h5"), staged_features, fs::copy_options::overwrite_existing, ec);
        if (ec)
            throw IoError(dir_.file("customers.h5") + ": cannot copy it to resume (" + ec.message() +
                          "); remove " + dir_.path() + " to start afresh");
    });
}

Position ScoreCheckpoint::restore(PassState state) const {
    Position at;
    comm_.agree([&] {
        io::StateReader in(dir_.file(rank_file(comm_.rank())), kStateFormat);
        const auto rank = in.value<std::int64_t>(), ranks = in.value<std::int64_t>(), done = in.value<std::int64_t>();
        const auto stages = in.value<std::uint64_t>();
        if (rank != comm_.rank() || ranks != comm_.size() || done != rounds_done_ || stages != state.size())
            throw IoError(dir_.file(rank_file(comm_.rank())) + ": belongs to another run than " +
                          dir_.file("checkpoint.json") + "; remove " + dir_.path() + " to start afresh");
        at = in.value<Position>();
        at.rounds = done;
        for (std::size_t i = 0; i < state.size(); ++i) state[i]->restore(in, at.finished_by(i));
        in.close();
    });
    return at;
}

int ScoreCheckpoint::stop_requested() const { return int(comm_.max(std::int64_t(StopRequests::stop_signal()))); }

void ScoreCheckpoint::save_and_stop(PassState state, const Position& at, const std::string& where,
                                    const std::string& staged_features, int signal) const {
    const std::int64_t rounds_done = at.rounds;
    dir_.begin_save();
    comm_.agree([&] {
        io::StateWriter out(dir_.pending_file(rank_file(comm_.rank())), kStateFormat);
        out.value(std::int64_t(comm_.rank()));
        out.value(std::int64_t(comm_.size()));
        out.value(rounds_done);
        out.value(std::uint64_t(state.size()));
        out.value(at);
        for (const auto& stage : state) stage->save(out);
        out.close();
    });
    comm_.agree([&] {
        if (!comm_.root()) return;
        std::error_code ec;
        fs::rename(staged_features, dir_.pending_file("customers.h5"), ec);
        if (ec) throw IoError(staged_features + ": cannot move it into the checkpoint (" + ec.message() + ")");
    });
    dir_.finish_save(identity_, rounds_done);
    throw Interrupted("stopped on request (" + std::string(StopRequests::signal_name(signal)) + ") " + where +
                      "; its progress is saved in " + dir_.path() +
                      " and no outputs were written (earlier outputs there are as they were). Rerun the same "
                      "command, with the same number of ranks, to resume");
}

}  // namespace engage::jobs
