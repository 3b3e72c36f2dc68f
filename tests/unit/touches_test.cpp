// The touches kernel (kernels/touches/touches.hpp) on hand-made customers, each value checked by
// hand in the comments, and the group summary's binned percentiles and merge
// (kernels/touches/touches_summary.hpp). The window is days 1-10 (as of day 10).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "touches/touches_record.hpp"
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
    CustomerTouches touches(std::vector<std::int64_t>* delays = nullptr, Day start = kStart, Day as_of = kAsOf,
                            TouchesState* state = nullptr) const {
        ShardView v{offsets, acquisition, time, channel, value, {}, initiator, answers};
        ChannelKinds kinds{};
        for (int i = 0; i < kChannelKinds; ++i) kinds[i] = ChannelKind(i);
        TouchesState scratch;
        return customer_touches(v, 0, start, as_of, kinds, state ? *state : scratch, delays);
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

// Every field of two customers' touches, NaN equal to NaN.
void expect_same(const CustomerTouches& a, const CustomerTouches& b, const char* what) {
    SCOPED_TRACE(what);
    auto same = [](double x, double y) { return std::isnan(x) ? std::isnan(y) : x == y; };
    EXPECT_EQ(a.answers_known, b.answers_known);
    EXPECT_EQ(a.offers, b.offers);
    EXPECT_EQ(a.offers_answered, b.offers_answered);
    EXPECT_TRUE(same(a.offer_response_rate, b.offer_response_rate));
    EXPECT_TRUE(same(a.offer_response_median_s, b.offer_response_median_s));
    EXPECT_EQ(a.interactions, b.interactions);
    EXPECT_EQ(a.customer_initiated, b.customer_initiated);
    EXPECT_TRUE(same(a.customer_initiated_share, b.customer_initiated_share));
    EXPECT_EQ(a.tickets, b.tickets);
    EXPECT_EQ(a.tickets_answered, b.tickets_answered);
    EXPECT_EQ(a.tickets_resolved, b.tickets_resolved);
    EXPECT_TRUE(same(a.first_response_median_s, b.first_response_median_s));
    EXPECT_TRUE(same(a.first_response_p90_s, b.first_response_p90_s));
    EXPECT_TRUE(same(a.resolution_median_s, b.resolution_median_s));
    EXPECT_EQ(a.within, b.within);
    for (int w = 0; w < 3; ++w) EXPECT_TRUE(same(a.within_share[w], b.within_share[w]));
    EXPECT_EQ(a.ideas, b.ideas);
    EXPECT_EQ(a.ideas_to_date, b.ideas_to_date);
    EXPECT_EQ(a.ideas_commented, b.ideas_commented);
    EXPECT_EQ(a.ideas_evaluated, b.ideas_evaluated);
    EXPECT_EQ(a.ideas_implemented, b.ideas_implemented);
    EXPECT_EQ(a.idea_votes, b.idea_votes);
    EXPECT_EQ(a.stage, b.stage);
}

// The stage reads a customer's rows once, up to the as-of date, and finalizes them again at the
// trend's earlier date: the same touches and delays as rows read up to that date only. The
// customer's answers, replies and feedback after the earlier date must not count at it.
TEST(Touches, AnEarlierDateFromTheRowsReadUpToALaterOne) {
    const Customer c({
        {2, 0, K::offer, 0, 1, 0},             // 0: offer, answered on day 7 (after the earlier date 5)
        {3, 0, K::support, 0, 0, 0},           // 1: ticket, replied to on day 3 and resolved on day 8
        {3, 200, K::support_reply, 1, 1, 1},   // 2: first reply to 1 after 200 s
        {4, 0, K::idea, 0, 0, 0},              // 3: idea, commented on day 5, implemented on day 9
        {4, 50, K::support, 0, 0, 0},          // 4: ticket, first replied to on day 6
        {5, 0, K::idea_feedback, 1, 1, 2},     // 5: comments idea 3
        {5, 10, K::idea_vote, 0, 0, 0},        // 6
        {6, 0, K::support_reply, 1, 1, 3},     // 7: replies to ticket 4
        {7, 0, K::usage, 0, 0, 8},             // 8: answers offer 0
        {8, 0, K::support_reply, 2, 1, 8},     // 9: resolves ticket 1
        {9, 0, K::idea_feedback, 3, 1, 7},     // 10: implements idea 3
        {9, 30, K::idea, 0, 0, 0},             // 11
    });
    for (const auto& [start, earlier] : std::vector<std::pair<Day, Day>>{{1, 5}, {3, 6}, {1, 8}, {0, 1}, {4, 4}}) {
        std::vector<std::int64_t> alone, again;
        const CustomerTouches expected = c.touches(&alone, start, earlier);
        TouchesState state;
        std::vector<std::int64_t> later;
        const CustomerTouches at_as_of = c.touches(&later, kStart, kAsOf, &state);
        const CustomerTouches at_earlier = TouchesKernel::finalize(state, start, earlier, true, &again);
        expect_same(at_earlier, expected, ("window " + std::to_string(start) + "-" + std::to_string(earlier)).c_str());
        EXPECT_EQ(again, alone);
        // Finalizing again leaves the later date's answer as it was.
        expect_same(TouchesKernel::finalize(state, kStart, kAsOf, true, &later), at_as_of, "the later date again");
    }
    // Hand-checked at day 5 (window 1-5): the offer unanswered, ticket 1 answered (200 s) and
    // not resolved, ticket 4 unanswered, the idea commented only.
    const CustomerTouches t = c.touches(nullptr, 1, 5);
    EXPECT_EQ(t.offers, 1);
    EXPECT_EQ(t.offers_answered, 0);
    EXPECT_EQ(t.tickets, 2);
    EXPECT_EQ(t.tickets_answered, 1);
    EXPECT_EQ(t.tickets_resolved, 0);
    EXPECT_EQ(t.first_response_median_s, 200.0);
    EXPECT_EQ(t.ideas_commented, 1);
    EXPECT_EQ(t.ideas_implemented, 0);
    // At day 10 the offer is answered, both tickets too (200 s and 2 days - 50 s), ticket 1 resolved, the idea implemented.
    const CustomerTouches u = c.touches();
    EXPECT_EQ(u.offers_answered, 1);
    EXPECT_EQ(u.tickets_answered, 2);
    EXPECT_EQ(u.tickets_resolved, 1);
    EXPECT_EQ(u.first_response_p90_s, 172750.0);
    EXPECT_EQ(u.ideas_implemented, 1);
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

// A block's customers added at once (their managers' groups fetched ahead) give the words of
// the customers added one by one; a customer without an answered ticket adds no bin.
TEST(TouchesSummary, ABlockAddsWhatItsCustomersAddOneByOne) {
    std::vector<TouchesContribution> now, previous;
    std::vector<std::uint32_t> units, regions, rms;
    std::vector<std::uint8_t> segments;
    TouchesSummary one_by_one(3, 5, 40, 2), block(3, 5, 40, 2);
    for (std::uint32_t k = 0; k < 100; ++k) {
        CustomerTouches t;
        t.answers_known = true;
        t.offers = std::int32_t(k % 4);
        t.tickets = std::int32_t(k % 3);
        t.tickets_answered = k % 5 == 0 ? t.tickets : 0;
        t.interactions = std::int32_t(k);
        t.stage = {std::int32_t(k % 2), 1, 0};
        const std::vector<std::int64_t> delays =
            t.tickets_answered > 0 ? std::vector<std::int64_t>(std::size_t(t.tickets), std::int64_t(k) * 977) : std::vector<std::int64_t>{};
        now.push_back(touches_contribution(t, k % 7 != 0, delays));
        previous.push_back(touches_contribution(t, k % 3 == 0, {}));
        units.push_back(k % 3);
        regions.push_back(k % 5);
        rms.push_back((k * 13) % 40);
        segments.push_back(std::uint8_t(k % 2));
        one_by_one.update(now.back(), previous.back(), units.back(), regions.back(), rms.back(), segments.back());
    }
    block.update(now, previous, units, regions, rms, segments);
    const auto a = one_by_one.sum_words(), b = block.sum_words();
    EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
    const auto ma = one_by_one.max_words(), mb = block.max_words();
    EXPECT_TRUE(std::equal(ma.begin(), ma.end(), mb.begin()));
    EXPECT_EQ(block.group(false, 0, 0).customers, 85);  // 100 less k = 0, 7, ..., 98
    EXPECT_EQ(block.longest(false, 0, 0), 95 * 977);     // the largest k, a multiple of 5 with a ticket
}

// A customer's record (kept for a later range of managers) adds to a range's managers exactly
// what its contributions add: with and without answers known, not acquired at the earlier date,
// answered tickets in the last bin (beyond 30 days), counts past one LEB128 byte. A record of a
// manager outside the range adds nothing; a record cut short is an error, not a wrong sum.
TEST(TouchesRecord, AddsWhatTheContributionsAdd) {
    std::vector<std::uint8_t> bytes;
    TouchesSummary direct(0, 0, 3, 0, 5), decoded(0, 0, 3, 0, 5);
    std::vector<std::size_t> ends;
    for (std::uint32_t k = 0; k < 40; ++k) {
        CustomerTouches t;
        t.answers_known = k % 4 != 0;
        t.offers = std::int32_t(k * 37);  // up to 1,443: two bytes
        t.interactions = std::int32_t(k * 1000 + 1);
        t.customer_initiated = std::int32_t(k);
        t.tickets = std::int32_t(k % 6);
        t.ideas = 1;
        t.ideas_to_date = 2;
        t.idea_votes = std::int32_t(k % 3);
        t.stage = {std::int32_t(k), 2, 3};
        if (t.answers_known) {
            t.offers_answered = std::int32_t(k * 11);
            t.tickets_answered = t.tickets / 2;
            t.tickets_resolved = t.tickets / 3;
            t.within = {0, t.tickets_answered / 2, t.tickets_answered};
            t.ideas_commented = 1;
            t.ideas_evaluated = k % 2 == 0 ? 1 : 0;
            t.ideas_implemented = 0;
        }
        std::vector<std::int64_t> delays;
        for (std::int32_t a = 0; a < t.tickets_answered; ++a) delays.push_back(k);   // a bin of several
        if (t.tickets_answered >= 2) delays.push_back(31 * 86400 + k);              // the last bin
        const TouchesContribution now = touches_contribution(t, true, t.answers_known ? delays : std::vector<std::int64_t>{});
        const TouchesContribution before = touches_contribution(t, k % 5 != 0, {});
        const std::uint32_t rm = 4 + k % 5;  // managers 4-8, of which 5-7 are the range's
        direct.update(now, before, 0, 0, rm, 0);
        append_touches_record(bytes, rm, now, before);
        ends.push_back(bytes.size());
    }
    std::uint32_t rm = 0;
    TouchesContribution now, before;
    for (std::size_t at = 0, k = 0; at < bytes.size(); ++k) {
        at = read_touches_record(bytes, at, rm, now, before);
        ASSERT_EQ(at, ends[k]);
        decoded.update(now, before, 0, 0, rm, 0);
    }
    EXPECT_EQ(rm, 4u + 39 % 5);
    const auto a = direct.sum_words(), b = decoded.sum_words();
    EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()));
    const auto ma = direct.max_words(), mb = decoded.max_words();
    EXPECT_TRUE(std::equal(ma.begin(), ma.end(), mb.begin()));
    // Manager 5 (range group 0): customers k = 1, 6, ..., 36: 8 of them.
    EXPECT_EQ(decoded.group(false, kTouchesManagerLevel, 0).customers, 8);
    EXPECT_GT(decoded.longest(false, kTouchesManagerLevel, 0), 30 * 86400);  // a bin beyond 30 days
    EXPECT_EQ(decoded.groups(1), 0u);
    EXPECT_THROW(read_touches_record(std::span(bytes).first(ends[0] - 1), 0, rm, now, before), std::out_of_range);
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
