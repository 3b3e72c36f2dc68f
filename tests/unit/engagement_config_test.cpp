// The engagement model's configuration: the shipped docs/engagement.cfg is the default, each
// section sets its field, the command line wins over the file, and every invalid value gets a
// message naming the key, the value and what is allowed.
#include <gtest/gtest.h>

#include <boost/program_options.hpp>

#include <fstream>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "cli/engagement_options.hpp"
#include "core/errors.hpp"
#include "engagement/engagement_config.hpp"

namespace engage::cli {
namespace {

using kernels::Dimension;
using kernels::EngagementConfig;
using kernels::kChannelKinds;
using kernels::kDimensions;

const std::string kShippedConfig = std::string(ENGAGE_SOURCE_DIR) + "/docs/engagement.cfg";

Command parse(std::vector<std::string> args) {
    args.insert(args.begin(), "engage");
    std::vector<const char*> argv;
    for (auto& a : args) argv.push_back(a.c_str());
    return parse_command_line(int(argv.size()), argv.data());
}

// `engage score` with a configuration file holding `text` (none when empty) and `extra` options.
EngagementConfig score_config(const std::string& text, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"score", "--input", "a.h5", "--output", "out"};
    if (!text.empty()) {
        const std::string path = ::testing::TempDir() + "/engage_engagement_test.cfg";
        std::ofstream(path) << text;
        args.insert(args.end(), {"--config", path});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    return std::get<jobs::ScoreOptions>(parse(args)).engagement;
}

struct Failure {
    std::string path;     // the configuration file
    std::string message;  // the ConfigError's message, or "no error"
};

Failure error_of(const std::string& text, std::vector<std::string> extra = {}) {
    const std::string path = ::testing::TempDir() + "/engage_engagement_bad.cfg";
    std::ofstream(path) << text;
    std::vector<std::string> args = {"score", "--input", "a.h5", "--output", "out", "--config", path};
    args.insert(args.end(), extra.begin(), extra.end());
    try {
        parse(args);
    } catch (const ConfigError& e) {
        return {path, e.what()};
    }
    return {path, "no error"};
}

::testing::AssertionResult mentions(const std::string& message, std::initializer_list<std::string> parts) {
    for (const auto& part : parts)
        if (message.find(part) == std::string::npos)
            return ::testing::AssertionFailure() << "\"" << part << "\" missing from: " << message;
    return ::testing::AssertionSuccess();
}

void expect_defaults(const EngagementConfig& c) {
    const EngagementConfig d;
    for (int k = 0; k < kChannelKinds; ++k) {
        EXPECT_EQ(c.dimensions_of_kind[k], d.dimensions_of_kind[k]) << "kind " << k;
        EXPECT_EQ(c.kind_weight[k], d.kind_weight[k]) << "kind " << k;
    }
    for (int i = 0; i < kDimensions; ++i) EXPECT_EQ(c.dimension_weight[i], d.dimension_weight[i]) << "dimension " << i;
    EXPECT_EQ(c.half_life_days, d.half_life_days);
    EXPECT_EQ(c.trend_days, d.trend_days);
    EXPECT_EQ(c.fully_engaged_min, d.fully_engaged_min);
    EXPECT_EQ(c.engaged_min, d.engaged_min);
    EXPECT_EQ(c.min_group_size, d.min_group_size);
}

constexpr int kReview = int(kernels::ChannelKind::review);
constexpr int kSocial = int(kernels::ChannelKind::social);
constexpr int kIdeaVote = int(kernels::ChannelKind::idea_vote);

TEST(EngagementConfig, NoFileGivesTheDefaults) { expect_defaults(score_config("")); }

TEST(EngagementConfig, ShippedFileParsesToTheDefaults) {
    ASSERT_TRUE(std::ifstream(kShippedConfig)) << kShippedConfig;
    const auto c = parse({"score", "--input", "a.h5", "--output", "out", "--config", kShippedConfig});
    expect_defaults(std::get<jobs::ScoreOptions>(c).engagement);
    EXPECT_EQ(std::get<jobs::ScoreOptions>(c).window_days, jobs::ScoreOptions{}.window_days);
}

TEST(EngagementConfig, ShippedFileDocumentsEveryKey) {
    namespace po = boost::program_options;
    po::options_description d, shown;
    add_engagement_options(d, shown);
    std::ifstream in(kShippedConfig);
    std::set<std::string> in_file;
    for (const auto& option : po::parse_config_file(in, d, true).options) in_file.insert(option.string_key);
    for (const auto& option : d.options()) EXPECT_TRUE(in_file.count(option->long_name())) << option->long_name();
}

TEST(EngagementConfig, TheDefaultTrendShrinksToAShortWindow) {
    EXPECT_EQ(score_config("", {"--window-days", "30"}).trend_days, 30);
    EXPECT_EQ(score_config("window-days = 120\n").trend_days, EngagementConfig{}.trend_days);
}

TEST(EngagementConfig, EachSectionSetsItsField) {
    const auto c = score_config(
        "half-life-days = 30.5\ntrend-days = 60\nmin-group-size = 3\n"
        "[dimensions]\nreview = involvement usage\nsocial = none\nidea_vote =\n"
        "[kind-weight]\nreview = 2.5\nsocial = 0\n"
        "[dimension-weight]\ncompetitive = 0\nusage = 1\n"
        "[tier]\nfully-engaged = 90\nengaged = 40\n");
    EXPECT_EQ(c.half_life_days, 30.5);
    EXPECT_EQ(c.trend_days, 60);
    EXPECT_EQ(c.min_group_size, 3u);
    EXPECT_EQ(c.dimensions_of_kind[kReview],
              EngagementConfig::bit(Dimension::involvement) | EngagementConfig::bit(Dimension::usage));
    EXPECT_EQ(c.dimensions_of_kind[kSocial], 0);
    EXPECT_EQ(c.dimensions_of_kind[kIdeaVote], 0);
    EXPECT_EQ(c.kind_weight[kReview], 2.5);
    EXPECT_EQ(c.kind_weight[kSocial], 0.0);
    EXPECT_EQ(c.dimension_weight[int(Dimension::competitive)], 0.0);
    EXPECT_EQ(c.dimension_weight[int(Dimension::usage)], 1.0);
    EXPECT_EQ(c.fully_engaged_min, 90.0);
    EXPECT_EQ(c.engaged_min, 40.0);
    // Everything the file does not name keeps its default.
    const EngagementConfig d;
    for (int k = 0; k < kChannelKinds; ++k) {
        if (k != kReview && k != kSocial && k != kIdeaVote) {
            EXPECT_EQ(c.dimensions_of_kind[k], d.dimensions_of_kind[k]) << "kind " << k;
        }
        if (k != kReview && k != kSocial) {
            EXPECT_EQ(c.kind_weight[k], d.kind_weight[k]) << "kind " << k;
        }
    }
    for (int i = int(Dimension::sentiment); i <= int(Dimension::advocacy); ++i)
        EXPECT_EQ(c.dimension_weight[i], d.dimension_weight[i]) << "dimension " << i;
}

TEST(EngagementConfig, SectionKeysWorkOnTheCommandLine) {
    const auto c = score_config("", {"--dimensions.review", "advocacy", "--kind-weight.idea", "7",
                                     "--dimension-weight.sentiment", "0.5", "--tier.engaged", "40",
                                     "--half-life-days", "14", "--trend-days", "30", "--min-group-size", "5"});
    EXPECT_EQ(c.dimensions_of_kind[kReview], EngagementConfig::bit(Dimension::advocacy));
    EXPECT_EQ(c.kind_weight[int(kernels::ChannelKind::idea)], 7.0);
    EXPECT_EQ(c.dimension_weight[int(Dimension::sentiment)], 0.5);
    EXPECT_EQ(c.engaged_min, 40.0);
    EXPECT_EQ(c.half_life_days, 14.0);
    EXPECT_EQ(c.trend_days, 30);
    EXPECT_EQ(c.min_group_size, 5u);
}

TEST(EngagementConfig, TheCommandLineWinsOverTheFile) {
    const auto c = score_config("trend-days = 30\n[tier]\nengaged = 40\nfully-engaged = 80\n"
                                "[dimensions]\nreview = usage\n[kind-weight]\nsocial = 2\n",
                                {"--tier.engaged", "45", "--dimensions.review", "sentiment", "--trend-days", "20"});
    EXPECT_EQ(c.engaged_min, 45.0);
    EXPECT_EQ(c.fully_engaged_min, 80.0);  // from the file
    EXPECT_EQ(c.dimensions_of_kind[kReview], EngagementConfig::bit(Dimension::sentiment));
    EXPECT_EQ(c.kind_weight[kSocial], 2.0);  // from the file
    EXPECT_EQ(c.trend_days, 20);
}

// Every configuration error: one assertion each, on the key as written, the value, the allowed
// values and, for a file, its name.
TEST(EngagementConfig, EveryErrorNamesTheKeyTheValueAndWhatIsAllowed) {
    const auto unknown = error_of("[tier]\nengagd = 40\n");
    EXPECT_TRUE(mentions(unknown.message, {unknown.path, "unknown key \"tier.engagd\"", "fully-engaged, engaged"}));

    const auto unknown_top = error_of("half-live-days = 30\n");
    EXPECT_TRUE(mentions(unknown_top.message, {unknown_top.path, "\"half-live-days\"", "half-life-days",
                                               "[dimensions]", "[kind-weight]", "[dimension-weight]", "[tier]"}));

    const auto population = error_of("reference-population = everyone\n");
    EXPECT_TRUE(mentions(population.message, {"reference-population = everyone", population.path,
                                              "allowed: alive", "or all"}));

    const auto non_numeric = error_of("[kind-weight]\nreview = heavy\n");
    EXPECT_TRUE(mentions(non_numeric.message, {"kind-weight.review = heavy", non_numeric.path, "not a number",
                                               "allowed: a number from 0 to 1000"}));

    const auto negative = error_of("[kind-weight]\nsocial = -1\n");
    EXPECT_TRUE(mentions(negative.message, {"kind-weight.social = -1", negative.path, "allowed: a number from 0 to 1000"}));

    const auto huge = error_of("[kind-weight]\nsocial = 5000\n");
    EXPECT_TRUE(mentions(huge.message, {"kind-weight.social = 5000", huge.path, "allowed: a number from 0 to 1000"}));

    const auto not_finite = error_of("[dimension-weight]\nusage = nan\n");
    EXPECT_TRUE(mentions(not_finite.message, {"dimension-weight.usage = nan", not_finite.path, "not a finite number",
                                              "a number >= 0"}));

    const auto all_zero = error_of("[dimension-weight]\nusage = 0\nsentiment = 0\ninvolvement = 0\n"
                                   "advocacy = 0\ncompetitive = 0\n");
    EXPECT_TRUE(mentions(all_zero.message, {"dimension-weight.usage, dimension-weight.sentiment, "
                                            "dimension-weight.involvement, dimension-weight.advocacy, "
                                            "dimension-weight.competitive are all 0",
                                            all_zero.path, "at least one > 0"}));

    const auto bad_dimension = error_of("[dimensions]\nreview = sentiment loyalty\n");
    EXPECT_TRUE(mentions(bad_dimension.message, {"dimensions.review = \"sentiment loyalty\"", bad_dimension.path,
                                                 "\"loyalty\" is not a dimension",
                                                 "usage, sentiment, involvement, advocacy, or none"}));

    const auto competitive = error_of("[dimensions]\npurchase = usage competitive\n");
    EXPECT_TRUE(mentions(competitive.message, {"dimensions.purchase = \"usage competitive\"", competitive.path,
                                               "\"competitive\" cannot be fed", "share of wallet",
                                               "usage, sentiment, involvement, advocacy, or none"}));

    const auto none_and_more = error_of("[dimensions]\nsocial = none advocacy\n");
    EXPECT_TRUE(mentions(none_and_more.message, {"dimensions.social = \"none advocacy\"", none_and_more.path,
                                                 "\"none\" cannot be combined", "or none"}));

    const auto tier_order = error_of("[tier]\nengaged = 75\n");
    EXPECT_TRUE(mentions(tier_order.message, {"tier.engaged = 75 (in " + tier_order.path + ")", "is not below",
                                              "tier.fully-engaged = 75 (the default)",
                                              "0 <= tier.engaged < tier.fully-engaged <= 100"}));

    const auto tier_high = error_of("[tier]\nfully-engaged = 101\n");
    EXPECT_TRUE(mentions(tier_high.message, {"tier.fully-engaged = 101", tier_high.path, "out of range",
                                             "a number from 0 to 100"}));

    const auto tier_low = error_of("[tier]\nengaged = -5\n");
    EXPECT_TRUE(mentions(tier_low.message, {"tier.engaged = -5", tier_low.path, "out of range",
                                            "a number from 0 to 100"}));

    const auto half_life = error_of("half-life-days = 0\n");
    EXPECT_TRUE(mentions(half_life.message, {"half-life-days = 0", half_life.path, "out of range",
                                             "a number of days > 0"}));

    const auto trend_zero = error_of("trend-days = 0\n");
    EXPECT_TRUE(mentions(trend_zero.message, {"trend-days = 0", trend_zero.path, "out of range",
                                              "an integer from 1 to window-days (365)"}));

    const auto trend_long = error_of("window-days = 60\ntrend-days = 61\n");
    EXPECT_TRUE(mentions(trend_long.message, {"trend-days = 61", trend_long.path, "out of range",
                                              "an integer from 1 to window-days (60)"}));

    const auto trend_fraction = error_of("trend-days = 7.5\n");
    EXPECT_TRUE(mentions(trend_fraction.message, {"trend-days = 7.5", trend_fraction.path, "not an integer",
                                                  "an integer from 1 to window-days"}));

    const auto group = error_of("min-group-size = 0\n");
    EXPECT_TRUE(mentions(group.message, {"min-group-size = 0", group.path, "out of range", "an integer >= 1"}));

    const auto on_command_line = error_of("", {"--tier.engaged", "abc"});
    EXPECT_TRUE(mentions(on_command_line.message, {"--tier.engaged abc: not a number", "a number from 0 to 100"}));
}

}  // namespace
}  // namespace engage::cli
