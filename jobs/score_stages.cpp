#include "jobs/score_stages.hpp"

#include "core/dates.hpp"
#include "jobs/baseline_stage.hpp"
#include "jobs/engagement_stage.hpp"
#include "jobs/features_stage.hpp"
#include "jobs/retention_stage.hpp"
#include "jobs/score_job.hpp"
#include "jobs/study_stage.hpp"
#include "jobs/survival_stage.hpp"
#include "jobs/touches_stage.hpp"

namespace engage::jobs {

DateContext::DateContext(const RunContext& r, kernels::Day day, bool is_main) : run(r), main(is_main) {
    const ScoreOptions& o = *run.options;
    const std::int64_t epoch = run.meta->epoch_unix_day;
    ctx.as_of = day;
    ctx.window_start = kernels::Day(day - o.window_days + 1);
    ctx.engagement = &o.engagement;
    ctx.previous_as_of = day - o.engagement.trend_days;
    ctx.previous_window_start = kernels::Day(ctx.previous_as_of - o.window_days + 1);
    for (kernels::Day d = ctx.window_start; d <= ctx.as_of; ++d) tables.month_of.push_back(month_index(epoch + d));
    tables.weights = kernels::engagement_weights(o.engagement, ctx.as_of - ctx.window_start + 1);
    ctx.month_of = tables.month_of.data();
    ctx.weights = tables.weights.data();
    as_of = format_iso_date(epoch + ctx.as_of);
    previous_as_of = format_iso_date(epoch + ctx.previous_as_of);
    window_start = format_iso_date(epoch + ctx.window_start);
    horizon_end = format_iso_date(epoch + ctx.as_of + run.retention.holdout_days);
    tag = main ? "" : "-" + as_of;
    wallets_known = run.meta->has_wallet && day >= run.meta->wallet_known_from.value_or(0);
}

std::unique_ptr<ScoreStages> make_score_stages(const RunContext& run, kernels::Day as_of,
                                               std::span<const kernels::Day> backtest_dates,
                                               std::int64_t flush_rounds) {
    auto s = std::make_unique<ScoreStages>();
    const bool retention = run.retention.enabled;
    const bool study = retention && run.retention.holdout_days > 0;
    const auto dates = std::make_shared<StudyDates>();
    const auto baselines = std::make_shared<BaselineDates>();
    // With --calibrate-as-of, the training date's scores: its features and engagement only, under
    // a tag of its own (it may be a backtest date too); its stages run before the main date's
    // baselines, which read its dimension scores in sweep 0.
    const DateContext* train = nullptr;
    if (study && !run.options->calibrate_as_of.empty()) {
        DateContext& t = s->dates.emplace_back(run, kernels::Day(as_of - run.fit_gap_days), false);
        t.tag = "-fit" + t.tag;
        s->stages.push_back(std::make_unique<FeaturesStage>(t));
        s->stages.push_back(std::make_unique<EngagementStage>(t));
        train = &t;
    }
    auto add_date = [&](kernels::Day day, bool main) {
        DateContext& d = s->dates.emplace_back(run, day, main);
        s->stages.push_back(std::make_unique<FeaturesStage>(d));
        if (main) s->stages.push_back(std::make_unique<SummaryStage>(d, flush_rounds));
        s->stages.push_back(std::make_unique<EngagementStage>(d));
        // Offered vs chosen engagement (issue 18), only for a base that can have touches.
        if (main && touches_apply(run)) s->stages.push_back(std::make_unique<TouchesStage>(d, flush_rounds));
        if (retention) s->stages.push_back(std::make_unique<RetentionStage>(d));
        if (!study) return;
        s->stages.push_back(std::make_unique<StudyStage>(d, dates, baselines));
        // RFM is fitted at the date one horizon earlier: its outcomes are known by this one.
        s->stages.push_back(std::make_unique<BaselineStage>(d, kernels::Day(day - run.fit_gap_days), main ? train : nullptr,
                                                            baselines));
        if (main) s->stages.push_back(std::make_unique<SurvivalStage>(d));
    };
    add_date(as_of, true);
    if (study)
        for (kernels::Day d : backtest_dates) add_date(d, false);
    return s;
}

}  // namespace engage::jobs
