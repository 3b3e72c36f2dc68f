// The pieces of a bucketed import (io/import_buckets.hpp) and the byte ranges of the parser
// (io/transactions_csv.hpp, LineRange): ranges cut anywhere read every line once, with the
// file's line numbers once the lines before are added; rows come back from the buckets as they
// went in; a bucket's sort does not depend on the order of its rows.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <sstream>

#include "io/import_buckets.hpp"

namespace engage::io {

namespace {

// A log with a header, a blank line, CRLF endings, a bad row and string ids.
const std::string kLog =
    "customer,date,amount\r\n"
    "A-1,2024-01-02,10.5\r\n"
    "\r\n"
    "B-22,2024-01-01,3\r\n"
    "A-1,not a date,1\r\n"
    "C-333,2024-02-01,-2.25\r\n"
    "B-22,2024-01-01,7\r\n";

struct Seen {
    std::vector<std::pair<std::uint64_t, std::string>> rows;  // line, id
    std::vector<std::uint64_t> bad;                          // lines
};

// The lines [begin, end) of kLog, line numbers made the file's.
ParsedTransactions parse_range(std::uint64_t begin, std::uint64_t end, std::uint64_t lines_before, Seen& seen) {
    std::istringstream in(kLog);
    LineRange range{begin, end, [&](const Transaction& t) { seen.rows.emplace_back(t.line + lines_before, t.name); }};
    ParsedTransactions p = parse_transactions(in, "t.csv", {}, {}, range);
    for (const auto& b : p.bad) seen.bad.push_back(b.line + lines_before);
    return p;
}

class ScratchFolder {
public:
    ScratchFolder() : path_(std::filesystem::temp_directory_path() / ("engage-buckets-" + std::to_string(::getpid()))) {
        std::filesystem::create_directories(path_);
    }
    ~ScratchFolder() { std::filesystem::remove_all(path_); }
    std::string path() const { return path_.string(); }

private:
    std::filesystem::path path_;
};

Transaction row(std::string name, std::uint64_t id, std::int64_t day, double amount, std::uint8_t channel) {
    Transaction t;
    t.name = std::move(name);
    t.id = id;
    t.unix_day = day;
    t.amount = amount;
    t.channel = channel;
    return t;
}

}  // namespace

TEST(LineRange, EveryCutReadsEveryLineOnceWithItsNumber) {
    Seen whole;
    const ParsedTransactions all = parse_range(0, kLog.size(), 0, whole);
    ASSERT_EQ(whole.rows.size(), 4u);
    EXPECT_EQ(whole.rows.front(), std::make_pair(std::uint64_t(2), std::string("A-1")));
    EXPECT_EQ(whole.bad, std::vector<std::uint64_t>{5});
    EXPECT_EQ(all.data_lines, 5u);
    EXPECT_EQ(all.header_line, 1u);
    for (std::uint64_t a = 0; a <= kLog.size(); ++a)
        for (std::uint64_t b = a; b <= kLog.size(); ++b) {
            Seen seen;
            const auto p0 = parse_range(0, a, 0, seen);
            const auto p1 = parse_range(a, b, p0.lines, seen);
            const auto p2 = parse_range(b, kLog.size(), p0.lines + p1.lines, seen);
            EXPECT_EQ(seen.rows, whole.rows) << "cuts at " << a << " and " << b;
            EXPECT_EQ(seen.bad, whole.bad) << "cuts at " << a << " and " << b;
            EXPECT_EQ(p0.data_lines + p1.data_lines + p2.data_lines, all.data_lines);
        }
}

TEST(ImportBuckets, NumericIdsShareABucketWhateverTheirSpelling) {
    for (std::uint32_t buckets : {1u, 7u, 512u}) {
        EXPECT_EQ(bucket_of(row("00042", 42, 0, 0, 0), buckets), bucket_of(row("42", 42, 0, 0, 0), buckets));
        EXPECT_EQ(bucket_of(row("", 42, 0, 0, 0), buckets), bucket_of(row("42", 0, 0, 0, 0), buckets));
        EXPECT_LT(bucket_of(row("ACC-1", 0, 0, 0, 0), buckets), buckets);
    }
    // Not all in one bucket: 1,000 ids over 16 buckets reach every bucket.
    std::vector<int> used(16);
    for (int i = 0; i < 1000; ++i) used[bucket_of(row("C-" + std::to_string(i), 0, 0, 0, 0), 16)] = 1;
    EXPECT_EQ(std::count(used.begin(), used.end(), 1), 16);
}

TEST(ImportBuckets, RowsComeBackFromTheFilesOfEveryRank) {
    ScratchFolder dir;
    const std::vector<Transaction> rows = {row("A", 0, 19000, 1.5, 0), row("BB", 0, 19001, -2, 3),
                                           row("", 7, 19002, 0, 1), row("A", 0, 19003, 1e13, 13)};
    for (int rank = 0; rank < 2; ++rank) {
        BucketWriter w(dir.path(), rank, 1, 64);
        for (std::size_t i = std::size_t(rank); i < rows.size(); i += 2) w.append(rows[i]);
        w.flush();
    }
    const auto back = read_bucket(dir.path(), 0, 3);  // rank 2 wrote nothing
    ASSERT_EQ(back.size(), rows.size());
    const std::size_t order[] = {0, 2, 1, 3};  // rank 0's rows, then rank 1's
    for (std::size_t k = 0; k < back.size(); ++k) {
        const Transaction& a = rows[order[k]];
        EXPECT_EQ(back[k].name, a.name);
        EXPECT_EQ(back[k].id, a.id);
        EXPECT_EQ(back[k].unix_day, a.unix_day);
        EXPECT_EQ(back[k].amount, a.amount);
        EXPECT_EQ(back[k].channel, a.channel);
    }
    EXPECT_FALSE(std::filesystem::exists(bucket_path(dir.path(), 0, 0)));  // removed once read
}

TEST(ImportBuckets, TheSortOfABucketDoesNotDependOnTheOrderOfItsRows) {
    std::vector<Transaction> rows;
    std::mt19937 rng(15);
    for (int i = 0; i < 300; ++i)
        rows.push_back(row("C" + std::to_string(rng() % 20), 0, 19000 + std::int64_t(rng() % 5),
                           double(rng() % 1000) / 100, std::uint8_t(rng() % 3)));
    std::vector<std::string> names;
    for (const auto& t : rows) names.push_back(t.name);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    SortedRows first;
    BucketCustomers first_customers;
    for (int trial = 0; trial < 3; ++trial) {
        ScratchFolder dir;
        std::shuffle(rows.begin(), rows.end(), rng);
        {
            BucketWriter w(dir.path(), 0, 1, 1 << 16);
            for (const auto& t : rows) w.append(t);
            w.flush();
        }
        const BucketCustomers c = sort_bucket(dir.path(), 0, 1, names, true, 18993, default_channels());
        std::uint64_t total = 0;
        for (auto n : c.interactions) total += n;
        EXPECT_EQ(total + c.merged_rows, rows.size());
        EXPECT_EQ(c.id.size(), names.size());
        SortedRows back;
        SortedReader(sorted_path(dir.path(), 0), 4096).read(total, back);
        if (trial == 0) {
            first = back;
            first_customers = c;
            continue;
        }
        EXPECT_EQ(back.time, first.time);
        EXPECT_EQ(back.channel, first.channel);
        EXPECT_EQ(back.value, first.value);  // merged sums added in the same order
        EXPECT_EQ(c.id, first_customers.id);
        EXPECT_EQ(c.interactions, first_customers.interactions);
    }
}

// With initiators and ids: the rows of two ranks and two files come back with their ids and
// their files' line numbers; the sort resolves the answers (rows back in the sorted file, an
// answer after what it answers on its day) and lists the bad ones, whatever the rows' order.
TEST(ImportBuckets, AnswersThroughTheBuckets) {
    // Customer 0: an offer (file 0) answered the same day by a purchase (file 1) whose channel
    // code 0 sorts before the offer's 14; a reply dated before the ticket it answers (bad).
    struct In {
        std::int64_t day;
        std::uint8_t channel, initiator;
        std::uint16_t file;
        std::uint64_t line;  // in its rank's range
        const char *id, *answers;
    };
    const In in[] = {{19000, 14, 1, 0, 2, "O-1", ""},   {19000, 0, 0, 1, 3, "P-1", "O-1"},
                     {19005, 2, 0, 1, 4, "T-1", ""},    {19004, 15, 1, 0, 5, "R-1", "T-1"},
                     {19006, 1, 0, 0, 6, "", ""}};
    const std::vector<std::uint64_t> lines_before = {0, 100, 0, 200};  // file 0: rank 1 after 100 lines
    const RowFormat format{true, true};
    std::vector<int> order = {0, 1, 2, 3, 4};
    for (int trial = 0; trial < 3; ++trial) {
        ScratchFolder dir;
        for (int rank = 0; rank < 2; ++rank) {
            BucketWriter w(dir.path(), rank, 1, 64, format);
            for (std::size_t k = std::size_t(rank); k < 5; k += 2) {
                const In& r = in[order[k]];
                Transaction t = row("ACC-1", 0, r.day, 1, r.channel);
                t.initiator = r.initiator;
                t.line = r.line;
                w.file(r.file);
                w.append(t, r.id, r.answers);
            }
            w.flush();
        }
        BucketLinks links;
        links.format = format;
        links.answers = true;
        links.lines_before = lines_before;
        links.files = {"crm.csv", "helpdesk.csv"};
        links.interaction_column = "id";
        links.answers_column = "re";
        const BucketCustomers c = sort_bucket(dir.path(), 0, 2, {"ACC-1"}, false, 18993,
                                              default_channels_with_touches(), links);
        ASSERT_EQ(c.bad.size(), 1u);
        const In& bad = in[3];
        // The line made the file's: + lines_before[file * 2 + rank of the row].
        const int rank_of_bad = int(std::find(order.begin(), order.end(), 3) - order.begin()) % 2;
        EXPECT_EQ(c.bad[0].file, 0);
        EXPECT_EQ(c.bad[0].line, bad.line + lines_before[std::size_t(rank_of_bad)]);
        EXPECT_NE(c.bad[0].reason.find("answers \"T-1\" (--answers-column re): dated 2022-01-12, before"),
                  std::string::npos)
            << c.bad[0].reason;
        ASSERT_EQ(c.interactions, std::vector<std::uint64_t>{4});
        SortedRows back;
        SortedReader(sorted_path(dir.path(), 0), 4096, true, true).read(4, back);
        EXPECT_EQ(back.channel, (std::vector<std::uint8_t>{14, 0, 2, 1}));
        EXPECT_EQ(back.initiator, (std::vector<std::uint8_t>{1, 0, 0, 0}));
        EXPECT_EQ(back.answers, (std::vector<std::uint32_t>{0, 1, 0, 0}));
        std::rotate(order.begin(), order.begin() + 2, order.end());
    }
}

}  // namespace engage::io
