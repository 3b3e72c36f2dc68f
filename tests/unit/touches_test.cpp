// The touches kernel (kernels/touches/touches.hpp) on hand-made customers, each value checked by
// hand in the comments, and the group summary's binned percentiles and merge
// (kernels/touches/touches_summary.hpp). The window is days 1-10 (as of day 10).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "touches/touches_summary.hpp"

namespace engage::kernels {
namespace {

using K = ChannelKind;
constexpr Day kStart = 1, kAsOf = 10;

// One customer's rows: (day, second of the day, kind, value, initiator 0/1, rows back answered).
struct Row {
    Day day;
    std::int64_t second;
    K kind;
    double value;
    std::uint8_t initiator;
    std::uint32_t answers;
};

struct Customer {
    std::vector<std::uint64_t> offsets{0};
    std::vector<Day> acquisition{0};
    std::vector<std::int64_t> time;
    std::vector<std::uint8_t> channel, initiator;
    std::vector<double> value;
    std::vector<std::uint32_t> answers;

    Customer(const std::vector<Row>& rows, bool with_initiator = true, bool with_answers = true) {
        for (const Row& r : rows) {
            time.push_back(std::int64_t(r.day) * 86400 + r.second);
            channel.push_back(std::uint8_t(r.kind));
            value.push_back(r.value);
            if (with_initiator) initiator.push_back(r.initiator);
            if (with_answers) answers.push_back(r.answers);
        }
        offsets.push_back(time.size());
    }
    CustomerTouches touches(std::vector<std::int64_t>* delays = nullptr) const {
        ShardView v{offsets, acquisition, time, channel, value, {}, initiator, answers};
        ChannelKinds kinds{};
        for (int i = 0; i < kChannelKinds; ++i) kinds[i] = ChannelKind(i);
        TouchesState scratch;
        return customer_touches(v, 0, kStart, kAsOf, kinds, scratch, delays);
    }
};

TEST(Touches, OffersNeverAnsweredAndAnsweredTwice) {
    const Customer c({
        {2, 0, K::offer, 0, 1, 0},      // 0: offer A
        {3, 0, K::offer, 0, 1, 0},      // 1: offer B
        {3, 600, K::usage, 0, 0, 1},    // 2: answers B after 600 s
        {3, 1200, K::purchase, 9, 0, 2},// 3: answers B again: B still counts once, its time stays 600 s
        {4, 0, K::offer, 0, 1, 0},      // 4: offer C, never answered
        {4, 100, K::usage, 0, 0, 5},    // 5: answers A after 2 days + 100 s = 172,900 s
    });
    const CustomerTouches t = c.touches();
    EXPECT_TRUE(t.answers_known);
    EXPECT_EQ(t.offers, 3);           // A, B, C
    EXPECT_EQ(t.offers_answered, 2);  // A, B
    EXPECT_DOUBLE_EQ(t.offer_response_rate, 2.0 / 3.0);
    // Delays {600, 172900}: nearest rank ceil(0.5 x 2) = 1 -> 600.
    EXPECT_EQ(t.offer_response_median_s, 600.0);
    EXPECT_EQ(t.interactions, 6);
    EXPECT_EQ(t.customer_initiated, 3);  // rows 2, 3, 5
    EXPECT_EQ(t.customer_initiated_share, 0.5);
    // Stages: usage x2 -> content, purchase -> company; offers are the company's, not staged.
    EXPECT_EQ(t.stage[0], 1);
    EXPECT_EQ(t.stage[1], 2);
    EXPECT_EQ(t.stage[2], 0);
    EXPECT_EQ(t.tickets, 0);
    EXPECT_TRUE(std::isnan(t.first_response_median_s));  // no ticket
    EXPECT_TRUE(std::isnan(t.within_share[0]));
}

TEST(Touches, TicketsAnsweredIn3MinutesIn2DaysAndNever) {
    std::vector<std::int64_t> delays;
    const Customer c({
        {5, 0, K::support, 0, 0, 0},          // 0: ticket 1
        {5, 180, K::support_reply, 1, 1, 1},  // 1: first reply to ticket 1 after 180 s (3 minutes)
        {5, 3600, K::support_reply, 2, 1, 2}, // 2: ticket 1 resolved after 3,600 s
        {6, 0, K::support, 0, 0, 0},          // 3: ticket 2
        {6, 100, K::support, 0, 0, 0},        // 4: ticket 3, never answered
        {8, 0, K::support_reply, 2, 1, 2},    // 5: ticket 2 answered and resolved after 2 days = 172,800 s
    });
    const CustomerTouches t = c.touches(&delays);
    EXPECT_EQ(t.tickets, 3);
    EXPECT_EQ(t.tickets_answered, 2);
    EXPECT_EQ(t.tickets_resolved, 2);
    // First responses {180, 172800}: median rank ceil(0.5 x 2) = 1 -> 180; p90 rank ceil(0.9 x 2) = 2 -> 172800.
    EXPECT_EQ(t.first_response_median_s, 180.0);
    EXPECT_EQ(t.first_response_p90_s, 172800.0);
    EXPECT_EQ(delays, (std::vector<std::int64_t>{180, 172800}));
    // Resolutions {3600, 172800}: median rank 1 -> 3600.
    EXPECT_EQ(t.resolution_median_s, 3600.0);
    // Within 5 min, 1 h, 1 day: only ticket 1 (180 s); of 3 tickets, the unanswered one counts as not within.
    EXPECT_EQ(t.within, (std::array<std::int32_t, 3>{1, 1, 1}));
    EXPECT_DOUBLE_EQ(t.within_share[0], 1.0 / 3.0);
    EXPECT_DOUBLE_EQ(t.within_share[2], 1.0 / 3.0);
    EXPECT_EQ(t.customer_initiated, 3);  // the tickets
    EXPECT_EQ(t.stage[0], 3);            // support -> customer-to-company
    EXPECT_EQ(t.offers, 0);
    EXPECT_TRUE(std::isnan(t.offer_response_rate));  // no offer: unknown, not 0
}

TEST(Touches, IdeaCommentedThenImplemented) {
    const Customer c({
        {0, 0, K::idea, 0, 0, 0},              // 0: idea C, before the window: to date only
        {2, 0, K::idea, 0, 0, 0},              // 1: idea A
        {3, 0, K::idea_feedback, 1, 1, 1},     // 2: A commented
        {4, 0, K::idea, 0, 0, 0},              // 3: idea B
        {5, 0, K::idea_vote, 1, 0, 0},         // 4: a vote on another's idea
        {6, 0, K::idea_feedback, 3, 1, 4},     // 5: A implemented (so also evaluated)
        {12, 0, K::idea_feedback, 2, 1, 3},    // 6: B evaluated after the as-of date: not seen
    });
    const CustomerTouches t = c.touches();
    EXPECT_EQ(t.ideas, 2);          // A, B
    EXPECT_EQ(t.ideas_to_date, 3);  // C, A, B
    EXPECT_EQ(t.ideas_commented, 1);
    EXPECT_EQ(t.ideas_evaluated, 1);
    EXPECT_EQ(t.ideas_implemented, 1);
    EXPECT_EQ(t.idea_votes, 1);
    EXPECT_EQ(t.stage[2], 3);       // A, B, the vote: customer-to-community
    EXPECT_EQ(t.interactions, 5);   // rows 1-5
    EXPECT_DOUBLE_EQ(t.customer_initiated_share, 3.0 / 5.0);
}

TEST(Touches, WithoutInitiatorColumnTheKindDecides) {
    const std::vector<Row> rows = {
        {2, 0, K::offer, 0, 1, 0},   // 0: offer
        {2, 60, K::usage, 0, 1, 1},  // 1: answers it after 60 s; initiator 1 (the company's) in the column
    };
    // Without the column, the offer is the company's and the usage the customer's.
    const CustomerTouches by_kind = Customer(rows, false).touches();
    EXPECT_EQ(by_kind.offers, 1);
    EXPECT_EQ(by_kind.offers_answered, 1);
    EXPECT_EQ(by_kind.offer_response_rate, 1.0);
    EXPECT_EQ(by_kind.offer_response_median_s, 60.0);
    EXPECT_EQ(by_kind.customer_initiated, 1);
    EXPECT_EQ(by_kind.customer_initiated_share, 0.5);
    // With it, the usage row is the company's: it does not answer the offer, and the customer initiated nothing.
    const CustomerTouches by_column = Customer(rows, true).touches();
    EXPECT_EQ(by_column.offers_answered, 0);
    EXPECT_EQ(by_column.offer_response_rate, 0.0);
    EXPECT_EQ(by_column.customer_initiated, 0);
    EXPECT_EQ(by_column.customer_initiated_share, 0.0);
}

TEST(Touches, WithoutAnswersColumnResponsesAreUnknown) {
    const Customer c({
        {2, 0, K::offer, 0, 1, 0},
        {3, 0, K::support, 0, 0, 0},
        {3, 60, K::support_reply, 2, 1, 1},
        {4, 0, K::idea, 0, 0, 0},
    }, true, false);
    const CustomerTouches t = c.touches();
    EXPECT_FALSE(t.answers_known);
    EXPECT_EQ(t.offers, 1);  // what is counted without answers is known
    EXPECT_EQ(t.tickets, 1);
    EXPECT_EQ(t.ideas, 1);
    EXPECT_EQ(t.offers_answered, -1);  // -1: unknown; NaN for rates and times
    EXPECT_EQ(t.tickets_answered, -1);
    EXPECT_EQ(t.tickets_resolved, -1);
    EXPECT_EQ(t.within[0], -1);
    EXPECT_EQ(t.ideas_commented, -1);
    EXPECT_TRUE(std::isnan(t.offer_response_rate));
    EXPECT_TRUE(std::isnan(t.first_response_median_s));
    EXPECT_TRUE(std::isnan(t.within_share[0]));
}

TEST(Touches, NearestRank) {
    const std::vector<std::int64_t> v = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110};
    EXPECT_EQ(nearest_rank(v, 50), 60);   // ceil(5.5) = 6
    EXPECT_EQ(nearest_rank(v, 90), 100);  // ceil(9.9) = 10
    EXPECT_EQ(nearest_rank(std::vector<std::int64_t>{7}, 90), 7);
}

TEST(TouchesSummary, BinsPercentilesAndMerge) {
    EXPECT_EQ(ResponseBins::upper(0), 60);
    EXPECT_EQ(ResponseBins::upper(4), 300);
    EXPECT_EQ(ResponseBins::upper(10), 3600);
    EXPECT_EQ(ResponseBins::upper(33), 86400);
    EXPECT_EQ(ResponseBins::upper(62), 30 * 86400);
    EXPECT_EQ(ResponseBins::bin(0), 0);
    EXPECT_EQ(ResponseBins::bin(180), 2);       // (120, 180]
    EXPECT_EQ(ResponseBins::bin(181), 3);
    EXPECT_EQ(ResponseBins::bin(172800), 34);   // (1 day, 2 days]
    EXPECT_EQ(ResponseBins::bin(40 * 86400), ResponseBins::kBins - 1);

    CustomerTouches t;
    t.answers_known = true;
    t.tickets = 3;
    t.tickets_answered = 3;
    t.within = {1, 1, 1};
    const std::vector<std::int64_t> delays = {180, 172800, 40 * 86400};
    const TouchesContribution c = touches_contribution(t, true, delays);
    const TouchesContribution none = touches_contribution(CustomerTouches{}, false, {});
    // One summary with the customer twice, and two with it once each, merged: the same words.
    TouchesSummary both(2, 1, 1, 1), a(2, 1, 1, 1), b(2, 1, 1, 1);
    both.update(c, none, 1, 0, 0, 0);
    both.update(c, none, 1, 0, 0, 0);
    a.update(c, none, 1, 0, 0, 0);
    b.update(c, none, 1, 0, 0, 0);
    auto sa = a.sum_words(), sb = b.sum_words();
    for (std::size_t i = 0; i < sa.size(); ++i) sa[i] += sb[i];
    auto ma = a.max_words(), mb = b.max_words();
    for (std::size_t i = 0; i < ma.size(); ++i) ma[i] = std::max(ma[i], mb[i]);
    EXPECT_TRUE(std::equal(sa.begin(), sa.end(), both.sum_words().begin()));
    EXPECT_TRUE(std::equal(ma.begin(), ma.end(), both.max_words().begin()));
    const TouchesGroup& g = both.group(false, 1, 1);
    EXPECT_EQ(g.customers, 2);
    EXPECT_EQ(g.tickets, 6);
    EXPECT_EQ(both.group(false, 1, 0).customers, 0);
    EXPECT_EQ(both.group(true, 0, 0).customers, 0);  // not acquired at the previous date
    // Six answered tickets: 180, 180, 172800, 172800, 40 d, 40 d. Median rank 3 -> bin (1 d, 2 d]: 172800;
    // p90 rank ceil(5.4) = 6 -> the last bin: the longest, 40 days = 3,456,000 s.
    EXPECT_EQ(binned_percentile(g, both.longest(false, 1, 1), 50), 172800);
    EXPECT_EQ(binned_percentile(g, both.longest(false, 1, 1), 90), 3456000);
    EXPECT_EQ(binned_percentile(g, both.longest(false, 1, 1), 30), 180);  // rank ceil(1.8) = 2
    EXPECT_EQ(binned_percentile(both.group(false, 1, 0), -1, 50), -1);
}

// What the memory plan counts for the touches' groups (jobs/score_job.cpp): every word the
// summary holds and reduces, at both dates.
TEST(TouchesSummary, BytesAreTheWordsItHolds) {
    TouchesSummary s(3, 7, 1000, 2);
    EXPECT_EQ(TouchesSummary::bytes(3, 7, 1000, 2), (s.sum_words().size() + s.max_words().size()) * sizeof(std::int64_t));
    EXPECT_EQ(s.groups(3), 1000u);
}

}  // namespace
}  // namespace engage::kernels
