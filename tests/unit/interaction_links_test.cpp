// io/interaction_links.hpp: one customer's answers mapped to their rows, the bad rows named
// (and always the answer dropped), the same-day order, whatever the order of the input; and
// build_customer_base turning the mapping into rows back.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "io/interaction_links.hpp"
#include "io/imported_base.hpp"
#include "io/transactions_csv.hpp"

namespace engage::io {

namespace {

const std::array<std::string, 2> kFiles = {"crm.csv", "helpdesk.csv"};

LinkContext context() { return {"\"ACC-1\"", kFiles, "id", "answers"}; }

LinkedRow row(std::int64_t day, std::string_view id, std::string_view answers, std::uint32_t file, std::uint64_t line) {
    return {day, id, answers, file, line};
}

}  // namespace

TEST(ResolveLinks, MapsAnswersAndOrdersSameDayChains) {
    // An offer (day 1) answered by a purchase (day 3); a ticket answered the same day by a reply,
    // which is answered the same day by a second reply; a login that answers nothing.
    const std::vector<LinkedRow> rows = {
        row(10, "R2", "R1", 1, 9), row(3, "P1", "O1", 0, 4), row(10, "T1", "", 1, 2),
        row(1, "O1", "", 0, 2),    row(10, "R1", "T1", 1, 5), row(7, "", "", 0, 7)};
    const ResolvedLinks r = resolve_links(rows, context());
    EXPECT_EQ(r.target, (std::vector<std::uint32_t>{4, 3, kAnswersNone, kAnswersNone, 2, kAnswersNone}));
    EXPECT_EQ(r.depth, (std::vector<std::uint32_t>{2, 0, 0, 0, 1, 0}));
    for (const auto& b : r.bad) EXPECT_EQ(b, "");
}

TEST(ResolveLinks, DropsTheAnswerNamingFileLineAndField) {
    const std::vector<LinkedRow> rows = {
        row(5, "T1", "", 1, 2),     // a ticket opened on day 5
        row(4, "R1", "T1", 1, 3),   // answered on day 4: before it was opened
        row(6, "R2", "T9", 1, 4),   // answers an id the customer does not have
        row(6, "R3", "R3", 1, 5),   // answers itself
        row(7, "T1", "", 0, 8),     // the id again (crm.csv comes before helpdesk.csv): this one keeps it
        row(8, "R4", "R1", 1, 6)};  // answers a dropped row
    const ResolvedLinks r = resolve_links(rows, context());
    EXPECT_EQ(r.bad[4], "");  // crm.csv line 8 keeps T1
    EXPECT_EQ(r.bad[0], "interaction id \"T1\" (--interaction-id-column id) of customer \"ACC-1\" is already used by "
                        "crm.csv line 8; ids must be unique within a customer");
    // R1 answers T1, which is crm.csv line 8's (day 7): dated before it.
    EXPECT_EQ(r.bad[1], "answers \"T1\" (--answers-column answers): dated 1970-01-05, before the interaction it answers "
                        "(crm.csv line 8, dated 1970-01-08): an answer cannot come before what it answers (a ticket "
                        "answered before it was opened); fix the dates or the answer");
    EXPECT_EQ(r.bad[2], "answers \"T9\" (--answers-column answers): customer \"ACC-1\" has no interaction with that id "
                        "(--interaction-id-column id); give the id of one of its rows, or leave the field empty");
    EXPECT_EQ(r.bad[3], "answers \"R3\" (--answers-column answers) is the row's own interaction id; a row cannot "
                        "answer itself");
    EXPECT_EQ(r.bad[5], "answers \"R1\" (--answers-column answers): the row it answers (helpdesk.csv line 3) is dropped "
                        "as bad, so this answer is dropped too");
    for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(r.target[i], kAnswersNone) << i;
}

TEST(ResolveLinks, BreaksASameDayCycleAtItsLastRow) {
    // A answers C, B answers A, C answers B, all on day 2; D answers C the next day.
    const std::vector<LinkedRow> rows = {row(2, "A", "C", 0, 3), row(2, "B", "A", 0, 4), row(2, "C", "B", 1, 2),
                                         row(3, "D", "C", 0, 9)};
    const ResolvedLinks r = resolve_links(rows, context());
    // helpdesk.csv line 2 (C) is the last of the cycle: dropped, and D, which answers it, too;
    // A answers C and B answers A: dropped in turn, the whole cycle goes.
    EXPECT_EQ(r.bad[2], "answers \"B\" (--answers-column answers) closes a cycle of answers on one day (crm.csv line 3, "
                        "crm.csv line 4, helpdesk.csv line 2): each answers another of them, so none can come first; one "
                        "must answer something else");
    EXPECT_NE(r.bad[3], "");
    EXPECT_EQ(r.bad[0], "answers \"C\" (--answers-column answers): the row it answers (helpdesk.csv line 2) is dropped "
                        "as bad, so this answer is dropped too");
    EXPECT_EQ(r.bad[1], "answers \"A\" (--answers-column answers): the row it answers (crm.csv line 3) is dropped as "
                        "bad, so this answer is dropped too");
}

TEST(ResolveLinks, TheOrderOfTheRowsDoesNotMatter) {
    std::vector<LinkedRow> rows = {row(1, "X", "", 0, 2),  row(1, "Y", "X", 0, 3), row(1, "X", "", 1, 2),
                                   row(2, "Z", "Y", 1, 3), row(0, "W", "Z", 1, 4), row(1, "V", "Y", 0, 5)};
    const ResolvedLinks first = resolve_links(rows, context());
    std::vector<std::size_t> perm = {0, 1, 2, 3, 4, 5};
    int checked = 0;
    while (std::next_permutation(perm.begin(), perm.end())) {
        std::vector<LinkedRow> shuffled;
        for (std::size_t k : perm) shuffled.push_back(rows[k]);
        const ResolvedLinks r = resolve_links(shuffled, context());
        for (std::size_t k = 0; k < perm.size(); ++k) {
            ASSERT_EQ(r.bad[k], first.bad[perm[k]]);
            ASSERT_EQ(r.depth[k], first.depth[perm[k]]);
            const std::uint32_t t = r.target[k];
            ASSERT_EQ(t == kAnswersNone ? kAnswersNone : std::uint32_t(perm[t]), first.target[perm[k]]);
        }
        ++checked;
    }
    EXPECT_EQ(checked, 719);
    // Y and V answer X (crm.csv line 2, which keeps the id) and Y on day 1: depths 1 and 2.
    EXPECT_EQ(first.depth, (std::vector<std::uint32_t>{0, 1, 0, 0, 0, 2}));
    EXPECT_EQ(first.target[1], 0u);
    EXPECT_NE(first.bad[2], "");  // the second X
    EXPECT_EQ(first.target[3], 1u);
    EXPECT_NE(first.bad[4], "");  // W answers Z, a day later
}

TEST(BuildCustomerBase, AnswersAreRowsBackAndLinkedPurchasesStayApart) {
    // One customer, sorted: an offer (day 0, company), two purchases on day 2 (the first answers
    // the offer), a third purchase on day 2; a second customer whose reply answers its ticket.
    std::vector<Transaction> rows(6);
    const std::int64_t days[] = {0, 2, 2, 2, 5, 5};
    const std::uint64_t ids[] = {1, 1, 1, 1, 2, 2};
    const std::uint8_t channels[] = {14, 0, 0, 0, 2, 15};
    const std::uint8_t who[] = {1, 0, 0, 0, 0, 1};
    for (std::size_t i = 0; i < rows.size(); ++i) {
        rows[i].id = ids[i];
        rows[i].unix_day = 10000 + days[i];
        rows[i].channel = channels[i];
        rows[i].initiator = who[i];
        rows[i].amount = double(i + 1);
    }
    BaseLinks links;
    links.initiator = true;
    links.answered = {kAnswersNone, 0, kAnswersNone, kAnswersNone, kAnswersNone, 4};
    const auto b = build_customer_base(rows, true, std::nullopt, default_channels_with_touches(), links);
    const CustomerShard& s = b.shard;
    // The answering purchase stays apart; the two others merge (3 + 4).
    EXPECT_EQ(s.value, (std::vector<double>{1, 2, 7, 5, 6}));
    EXPECT_EQ(s.answers, (std::vector<std::uint32_t>{0, 1, 0, 0, 1}));
    EXPECT_EQ(s.initiator, (std::vector<std::uint8_t>{1, 0, 0, 0, 1}));
    EXPECT_EQ(b.merged_rows, 1u);
    EXPECT_EQ(s.offsets, (std::vector<std::uint64_t>{0, 3, 5}));
}

}  // namespace engage::io
