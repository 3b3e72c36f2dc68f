#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <tuple>

#include "core/dates.hpp"
#include "core/errors.hpp"
#include "io/bad_row_limit.hpp"
#include "io/imported_base.hpp"
#include "io/transactions_csv.hpp"

namespace engage::io {

namespace {

ParsedTransactions parse(const std::string& text, TransactionsCsvOptions o = {}) {
    std::istringstream in(text);
    return parse_transactions(in, "t.csv", o);
}

TransactionsCsvOptions columns(std::string id, std::string date, std::string amount, std::string channel = "") {
    TransactionsCsvOptions o;
    o.id_column = std::move(id);
    o.date_column = std::move(date);
    o.amount_column = std::move(amount);
    o.channel_column = std::move(channel);
    return o;
}

std::int64_t day(const char* iso) { return *parse_iso_date(iso); }

std::vector<std::uint64_t> lines_of(const ParsedTransactions& p) {
    std::vector<std::uint64_t> v;
    for (const auto& b : p.bad) v.push_back(b.line);
    return v;
}

Transaction tx(std::uint64_t id, const char* date, double amount, std::uint8_t channel = 0) {
    Transaction t;
    t.id = id;
    t.unix_day = day(date);
    t.amount = amount;
    t.channel = channel;
    return t;
}

}  // namespace

TEST(TransactionsCsv, SniffsEachSeparatorFromTheFirstDataLine) {
    for (const auto& [text, sep] : std::vector<std::pair<std::string, Separator>>{
             {"1,2021-03-04,9.5\n", Separator::comma},
             {"1;2021-03-04;9.5\n", Separator::semicolon},
             {"1\t2021-03-04\t9.5\n", Separator::tab},
             {"  1   2021-03-04   9.5\n", Separator::whitespace}}) {
        const auto p = parse(text);
        EXPECT_EQ(p.separator, sep) << text;
        ASSERT_EQ(p.rows.size(), 1u) << text;
        EXPECT_EQ(p.rows[0].id, 1u);
        EXPECT_EQ(p.rows[0].unix_day, day("2021-03-04"));
        EXPECT_EQ(p.rows[0].amount, 9.5);
        EXPECT_EQ(p.rows[0].line, 1u);
        EXPECT_EQ(p.header_line, 0u);
        EXPECT_EQ(p.fields, 3u);
    }
    // The first data line decides (line 2 when line 1 may be a header); separators inside quotes
    // do not count.
    const auto p = parse("id;date;amount\n7;\"2021-01-02\";\"1,5\"\n");
    EXPECT_EQ(p.separator, Separator::semicolon);
    EXPECT_EQ(p.header_line, 1u);
    EXPECT_EQ(p.rows.size(), 0u);  // "1,5" is not a number (amounts use a decimal point)
    EXPECT_EQ(p.bad_rows, 1u);
}

TEST(TransactionsCsv, QuotedAndTrimmedFields) {
    const auto p = parse("\"customer, id\",\"date\",\"amount\"\n \"0042\" , 2021-01-05 ,\"12.25\"\n");
    EXPECT_EQ(p.header_line, 1u);
    ASSERT_EQ(p.rows.size(), 1u);
    EXPECT_EQ(p.rows[0].id, 42u);
    EXPECT_EQ(p.rows[0].amount, 12.25);
    const auto bad = parse("3,2021-01-05,5\n1,2021-01-05,\"3\n2,2021-01-05,\"4\"x\n");
    EXPECT_EQ(bad.rows.size(), 1u);
    EXPECT_EQ(lines_of(bad), (std::vector<std::uint64_t>{2, 3}));
    EXPECT_NE(bad.bad[0].reason.find("quotes"), std::string::npos);
    // The first line sets the columns: when it cannot be split, nothing can be read.
    EXPECT_THROW(parse("1,2021-01-05,\"3\n3,2021-01-05,5\n"), DataError);
}

TEST(TransactionsCsv, GivenSeparatorWinsAndColumnsMustFit) {
    TransactionsCsvOptions o;
    o.separator = Separator::tab;
    const auto p = parse("1\t2021-03-04\t9.5\n1\t2021-03-04 x\t9.5\n", o);
    EXPECT_EQ(p.separator, Separator::tab);
    EXPECT_EQ(p.rows.size(), 1u);
    EXPECT_EQ(lines_of(p), std::vector<std::uint64_t>{2});  // "2021-03-04 x" is not a date
    // Sniffing picks tab whenever a line holds one; runs of blanks and tabs need --separator whitespace.
    o.separator = Separator::whitespace;
    EXPECT_EQ(parse("  1   2021-03-04 \t 9.5\n", o).rows.size(), 1u);
    o.separator = Separator::comma;
    try {
        parse("1 2021-03-04 9.5\n", o);
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("--date-column 2"), std::string::npos) << m;
        EXPECT_NE(m.find("has 1 fields"), std::string::npos) << m;
    }
}

TEST(TransactionsCsv, DetectsHeaderByItsDateField) {
    const auto with = parse("customer,date,amount\n5,20210101,1\n");
    EXPECT_EQ(with.header_line, 1u);
    EXPECT_EQ(with.data_lines, 1u);
    ASSERT_EQ(with.rows.size(), 1u);
    EXPECT_EQ(with.rows[0].line, 2u);
    const auto without = parse("5,20210101,1\n6,20210102,2\n");
    EXPECT_EQ(without.header_line, 0u);
    EXPECT_EQ(without.rows.size(), 2u);
    // Blank lines before the header are skipped; the header is the first non-empty line.
    const auto blank = parse("\n  \nid,day,value\n\n5,2021-01-01,1\n");
    EXPECT_EQ(blank.header_line, 3u);
    ASSERT_EQ(blank.rows.size(), 1u);
    EXPECT_EQ(blank.rows[0].line, 5u);
}

TEST(TransactionsCsv, ForcedHeaderModes) {
    TransactionsCsvOptions o;
    o.header = HeaderMode::yes;
    const auto yes = parse("5,20210101,1\n6,20210102,2\n", o);  // the first line is taken as the header
    EXPECT_EQ(yes.header_line, 1u);
    ASSERT_EQ(yes.rows.size(), 1u);
    EXPECT_EQ(yes.rows[0].id, 6u);
    o.header = HeaderMode::no;
    const auto no = parse("customer,date,amount\n5,20210101,1\n", o);  // the header is a bad row
    EXPECT_EQ(no.header_line, 0u);
    EXPECT_EQ(no.rows.size(), 1u);
    EXPECT_EQ(lines_of(no), std::vector<std::uint64_t>{1});
}

TEST(TransactionsCsv, ColumnsByHeaderName) {
    // cdnowElog.csv: masterid,sampleid,date,cds,sales
    const std::string elog = "masterid,sampleid,date,cds,sales\n4,1,19970101,2,29.33\n18,2,19970101,1,11.77\n";
    const auto p = parse(elog, columns("SampleID", "date", "sales"));
    EXPECT_EQ(p.header_line, 1u);
    ASSERT_EQ(p.rows.size(), 2u);
    EXPECT_EQ(p.rows[1].id, 2u);
    EXPECT_EQ(p.rows[1].amount, 11.77);
    EXPECT_THROW(parse(elog, columns("customer", "date", "sales")), ConfigError);
    auto o = columns("sampleid", "date", "sales");
    o.header = HeaderMode::no;
    EXPECT_THROW(parse(elog, o), ConfigError);
    EXPECT_THROW(parse(elog, columns("sampleid", "3", "date")), ConfigError);  // two names for one column
}

TEST(TransactionsCsv, CheckColumnsRejectsZeroEmptyAndDuplicates) {
    EXPECT_NO_THROW(check_columns(columns("2", "3", "5")));
    EXPECT_THROW(check_columns(columns("0", "3", "5")), ConfigError);
    EXPECT_THROW(check_columns(columns("", "3", "5")), ConfigError);
    EXPECT_THROW(check_columns(columns("2", "3", "3")), ConfigError);
    EXPECT_THROW(check_columns(columns("id", "date", "amount", "ID")), ConfigError);
    EXPECT_THROW(check_columns(columns("1", "2", "99999999999999999999999")), ConfigError);
}

TEST(TransactionsCsv, DateFormats) {
    auto o = columns("1", "2", "3");
    const auto automatic = parse("1 19970101 1\n1 1997-01-02 1\n1 02/01/1997 1\n", o);
    ASSERT_EQ(automatic.rows.size(), 2u);
    EXPECT_EQ(automatic.rows[0].unix_day, day("1997-01-01"));
    EXPECT_EQ(automatic.rows[1].unix_day, day("1997-01-02"));
    EXPECT_EQ(lines_of(automatic), std::vector<std::uint64_t>{3});
    o.date_format = DateFormat::dmy;
    const auto dmy = parse("1 02/01/1997 1\n1 31/12/1997 1\n1 1/2/1997 1\n1 12/31/1997 1\n", o);
    ASSERT_EQ(dmy.rows.size(), 3u);
    EXPECT_EQ(dmy.rows[0].unix_day, day("1997-01-02"));
    EXPECT_EQ(dmy.rows[1].unix_day, day("1997-12-31"));
    EXPECT_EQ(dmy.rows[2].unix_day, day("1997-02-01"));
    EXPECT_EQ(lines_of(dmy), std::vector<std::uint64_t>{4});
    o.date_format = DateFormat::mdy;
    const auto mdy = parse("1 02/01/1997 1\n1 12/31/1997 1\n", o);
    ASSERT_EQ(mdy.rows.size(), 2u);
    EXPECT_EQ(mdy.rows[0].unix_day, day("1997-02-01"));
    EXPECT_EQ(mdy.rows[1].unix_day, day("1997-12-31"));
    o.date_format = DateFormat::yyyymmdd;
    const auto compact = parse("1 20240229 1\n1 20230229 1\n1 2024-02-29 1\n", o);
    ASSERT_EQ(compact.rows.size(), 1u);
    EXPECT_EQ(compact.rows[0].unix_day, day("2024-02-29"));
    EXPECT_EQ(lines_of(compact), (std::vector<std::uint64_t>{2, 3}));
    EXPECT_EQ(parse_date_format("dd/mm/yyyy"), DateFormat::dmy);
    EXPECT_EQ(parse_date_format("YYYY-MM-DD"), DateFormat::iso);
    EXPECT_FALSE(parse_date_format("YY-MM-DD"));
}

TEST(TransactionsCsv, TimestampsWithZonesAreDatedByTheirUtcDay) {
    const std::string text =
        "account,timestamp,amount\n"
        "1,2024-01-01T10:15:00Z,10\n"             // 2: 2024-01-01
        "1,2024-01-01T23:30:00-02:00,5\n"         // 3: 01:30 UTC on 2024-01-02
        "2,2024-01-01T01:00:00+02:00,7\n"         // 4: 23:00 UTC on 2023-12-31
        "2,2024-01-01 10:15:00,1\n"               // 5: no zone: as written
        "2,2024-01-01T10:15,1\n"                  // 6
        "3,2024-02-29T23:59:59.999-00:30,1\n"     // 7: 2024-03-01 00:29:59 UTC
        "3,2024/03/02,1\n"                        // 8
        "3,2024-01-01T25:00:00Z,1\n"              // 9: bad hour
        "3,2024-01-01T10:15:00+02:00x,1\n";       // 10: text after the zone
    const auto p = parse(text, columns("account", "timestamp", "amount"));
    EXPECT_EQ(p.header_line, 1u);
    ASSERT_EQ(p.rows.size(), 7u);
    EXPECT_EQ(p.rows[0].unix_day, day("2024-01-01"));
    EXPECT_EQ(p.rows[1].unix_day, day("2024-01-02"));
    EXPECT_EQ(p.rows[2].unix_day, day("2023-12-31"));
    EXPECT_EQ(p.rows[3].unix_day, day("2024-01-01"));
    EXPECT_EQ(p.rows[4].unix_day, day("2024-01-01"));
    EXPECT_EQ(p.rows[5].unix_day, day("2024-03-01"));
    EXPECT_EQ(p.rows[6].unix_day, day("2024-03-02"));
    EXPECT_EQ(lines_of(p), (std::vector<std::uint64_t>{9, 10}));
    EXPECT_NE(p.bad[0].reason.find("date \"2024-01-01T25:00:00Z\" is not a date"), std::string::npos) << p.bad[0].reason;
    // The header is still told by its date field: a timestamp is a date.
    EXPECT_EQ(parse("1,2024-01-01T10:15:00Z,1\n").header_line, 0u);
    // A US export: month first, 12-hour clock, a zone west of Greenwich.
    auto o = columns("1", "2", "3");
    o.date_format = DateFormat::mdy;
    const auto us = parse("7,01/15/2024 11:30 PM -05:00,1\n7,1/16/2024 9:05 AM,2\n", o);
    ASSERT_EQ(us.rows.size(), 2u);
    EXPECT_EQ(us.rows[0].unix_day, day("2024-01-16"));
    EXPECT_EQ(us.rows[1].unix_day, day("2024-01-16"));
    // A German one: day first with dots, semicolons, a decimal point in the amount.
    o.date_format = DateFormat::dmy;
    const auto de = parse("7;15.01.2024 08:00;1.5\n7;31.12.2023;2\n", o);
    ASSERT_EQ(de.rows.size(), 2u);
    EXPECT_EQ(de.separator, Separator::semicolon);
    EXPECT_EQ(de.rows[0].unix_day, day("2024-01-15"));
    EXPECT_EQ(de.rows[1].unix_day, day("2023-12-31"));
}

TEST(TransactionsCsv, CrlfByteOrderMarkAndMissingFinalNewline) {
    const auto p = parse("\xEF\xBB\xBFid,date,amount\r\n00007,2021-01-01,1.5\r\n\r\n8,2021-01-02,2\r\n9,2021-01-03,3");
    EXPECT_EQ(p.header_line, 1u);
    EXPECT_EQ(p.bad_rows, 0u);
    ASSERT_EQ(p.rows.size(), 3u);
    EXPECT_EQ(p.rows[0].id, 7u);
    EXPECT_EQ(p.rows[2].amount, 3.0);
    EXPECT_EQ(p.rows[2].line, 5u);
    // CDNOW_sample.txt: leading blanks, runs of spaces, CRLF, zero-padded ids.
    const auto cdnow = parse(" 00004 0001 19970101  2   29.33\r\n 00004 0001 19970118  2   29.73\r\n",
                             columns("2", "3", "5"));
    EXPECT_EQ(cdnow.separator, Separator::whitespace);
    ASSERT_EQ(cdnow.rows.size(), 2u);
    EXPECT_EQ(cdnow.rows[1].id, 1u);
    EXPECT_EQ(cdnow.rows[1].amount, 29.73);
}

TEST(TransactionsCsv, ReportsBadRowsWithLineNumbers) {
    std::string text = "id,date,amount,channel\n";
    text += "1,2021-01-01,5,purchase\n";        // 2 good
    text += "x1,2021-01-01,5,purchase\n";       // 3 id not a number
    text += "1,2021-13-01,5,purchase\n";        // 4 not a date
    text += "1,2021-01-01,abc,purchase\n";      // 5 amount not a number
    text += "1,2021-01-01,NaN,purchase\n";      // 6 not finite
    text += "1,2021-01-01,2e13,purchase\n";     // 7 out of range
    text += "1,2021-01-01,5,telepathy\n";       // 8 unknown channel
    text += "1,2021-01-01,5\n";                 // 9 wrong field count
    text += "\n";                               // 10 blank: not a row
    text += "2,2021-01-01,1,LOGIN\n";           // 11 good (names are case-insensitive)
    text += "3,2021-01-01,-2.5,support\n";      // 12 good (a kind name; negative amounts are allowed)
    text += "99999999999999999999,2021-01-01,1,purchase\n";  // 13 id beyond 64 bits
    text += ",2021-01-01,1,purchase\n";         // 14 empty id
    for (int i = 0; i < 5; ++i) text += "1,2021-01-01,5,purchase,extra\n";  // 15-19 field count
    auto o = columns("id", "date", "amount", "channel");
    o.id_type = IdType::number;
    const auto p = parse(text, o);
    EXPECT_EQ(p.data_lines, 17u);
    EXPECT_EQ(p.rows.size(), 3u);
    EXPECT_EQ(p.bad_rows, 14u);
    EXPECT_EQ(lines_of(p), (std::vector<std::uint64_t>{3, 4, 5, 6, 7, 8, 9, 13, 14, 15}));
    EXPECT_NE(p.bad[0].reason.find("\"x1\""), std::string::npos);
    EXPECT_NE(p.bad[1].reason.find("not a date"), std::string::npos);
    EXPECT_NE(p.bad[2].reason.find("not a number"), std::string::npos);
    EXPECT_NE(p.bad[3].reason.find("not finite"), std::string::npos);
    EXPECT_NE(p.bad[4].reason.find("1e13"), std::string::npos);
    EXPECT_NE(p.bad[5].reason.find("unknown channel \"telepathy\""), std::string::npos);
    EXPECT_NE(p.bad[6].reason.find("expected 4 fields, found 3"), std::string::npos);
    EXPECT_NE(p.bad[7].reason.find("too large"), std::string::npos);
    EXPECT_NE(p.bad[8].reason.find("empty"), std::string::npos);
    EXPECT_EQ(p.rows[1].channel, 1u);  // login
    EXPECT_EQ(p.rows[2].channel, 2u);  // support_ticket
    EXPECT_EQ(p.rows[2].amount, -2.5);
}

TEST(TransactionsCsv, IdTypes) {
    const std::string numeric = "00042,2021-01-01,1\n42,2021-01-02,2\n7,2021-01-03,3\n";
    // auto, every id a whole number: numbers, "00042" is 42.
    const auto a = parse(numeric);
    ASSERT_EQ(a.rows.size(), 3u);
    EXPECT_FALSE(a.text_ids);
    EXPECT_EQ(a.rows[0].id, 42u);
    EXPECT_EQ(a.rows[1].id, 42u);
    EXPECT_EQ(a.rows[0].name, "00042");
    // number: no names kept.
    TransactionsCsvOptions num;
    num.id_type = IdType::number;
    const auto n = parse(numeric, num);
    EXPECT_EQ(n.rows[0].id, 42u);
    EXPECT_EQ(n.rows[0].name, "");
    EXPECT_FALSE(n.text_ids);
    // auto with one id not a number, or one beyond 64 bits: the ids are strings.
    const auto mixed = parse(numeric + "ACC-00001,2021-01-04,4\n");
    EXPECT_TRUE(mixed.text_ids);
    EXPECT_EQ(mixed.rows.size(), 4u);
    EXPECT_EQ(mixed.rows[3].name, "ACC-00001");
    EXPECT_TRUE(parse("18446744073709551616,2021-01-01,1\n").text_ids);
    EXPECT_FALSE(parse("18446744073709551615,2021-01-01,1\n").text_ids);
    // string: names kept as written.
    TransactionsCsvOptions str;
    str.id_type = IdType::string;
    const auto st = parse("\"ACC, 1\",2021-01-01,1\nZ\xC3\xBCrich,2021-01-01,1\n", str);
    ASSERT_EQ(st.rows.size(), 2u);
    EXPECT_EQ(st.rows[0].name, "ACC, 1");
    EXPECT_EQ(st.rows[1].name, "Z\xC3\xBCrich");
    // number rejects what auto accepts, naming the way out.
    const auto r = parse("ACC-00001,2021-01-01,1\n", num);
    ASSERT_EQ(r.bad.size(), 1u);
    EXPECT_NE(r.bad[0].reason.find("--id-type string"), std::string::npos);
    for (const char* t : {"auto", "AUTO", "number", "string"}) EXPECT_TRUE(parse_id_type(t)) << t;
    EXPECT_FALSE(parse_id_type("text"));
    EXPECT_EQ(id_type_name(IdType::automatic), "auto");
}

TEST(TransactionsCsv, BadStringIds) {
    std::string text = "id,date,amount\n";
    text += "ACC-1,2021-01-01,1\n";                              // 2 good
    text += ",2021-01-01,1\n";                                   // 3 empty
    text += std::string(256, 'x') + ",2021-01-01,1\n";           // 4 good: 256 bytes
    text += std::string(257, 'x') + ",2021-01-01,1\n";           // 5 too long
    text += "caf\xC3,2021-01-01,1\n";                           // 6 cut UTF-8 sequence
    text += "\xC0\xAF,2021-01-01,1\n";                         // 7 overlong form
    text += "a\x01" "b,2021-01-01,1\n";                         // 8 control character
    text += "\"\",2021-01-01,1\n";                             // 9 empty, quoted
    for (const IdType t : {IdType::automatic, IdType::string}) {
        TransactionsCsvOptions o;
        o.id_type = t;
        const auto p = parse(text, o);
        EXPECT_EQ(p.rows.size(), 2u);
        EXPECT_EQ(lines_of(p), (std::vector<std::uint64_t>{3, 5, 6, 7, 8, 9}));
        ASSERT_EQ(p.bad.size(), 6u);
        EXPECT_NE(p.bad[0].reason.find("the customer id is empty"), std::string::npos);
        EXPECT_NE(p.bad[1].reason.find("257 bytes long, more than the 256"), std::string::npos);
        EXPECT_NE(p.bad[2].reason.find("customer id \"caf\\xC3\": byte 4 is not valid UTF-8"), std::string::npos);
        EXPECT_NE(p.bad[3].reason.find("byte 1 is not valid UTF-8"), std::string::npos);
        EXPECT_NE(p.bad[4].reason.find("control character"), std::string::npos);
        EXPECT_NE(p.bad[5].reason.find("empty"), std::string::npos);
    }
}

TEST(CustomerBaseBuild, StringIdsNumberedInByteOrder) {
    auto named = [](const char* name, const char* date, double amount) {
        Transaction t = tx(0, date, amount);
        t.name = name;
        return t;
    };
    // Byte order: upper case before lower case, "042" before "42", UTF-8 after ASCII.
    std::vector<Transaction> rows{named("b", "2021-01-03", 1),  named("42", "2021-01-01", 2),
                                  named("Z\xC3\xBC", "2021-01-02", 3), named("042", "2021-01-01", 4),
                                  named("B", "2021-01-04", 5), named("b", "2021-01-01", 6),
                                  named("Za", "2021-01-01", 7)};
    const auto names = number_string_ids(rows);
    EXPECT_EQ(names, (std::vector<std::string>{"042", "42", "B", "Za", "Z\xC3\xBC", "b"}));
    EXPECT_EQ(rows[0].id, 5u);
    EXPECT_EQ(rows[1].id, 1u);
    EXPECT_EQ(rows[3].id, 0u);
    for (const auto& t : rows) EXPECT_EQ(t.name, "");
    const auto b = build_customer_base(rows, false, std::nullopt);
    EXPECT_EQ(b.shard.id, (std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5}));
    EXPECT_EQ(b.shard.offsets, (std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5, 7}));
    EXPECT_EQ(b.shard.value, (std::vector<double>{4, 2, 5, 7, 3, 6, 1}));
}

TEST(TransactionsCsv, LogWithoutAmounts) {
    // The BTYDplus grocery log: customer and date only.
    auto o = columns("cust", "date", "none");
    EXPECT_FALSE(has_amounts(o));
    EXPECT_NO_THROW(check_columns(o));
    const auto grocery = parse("cust,date\n1,2006-01-01\n1,2006-01-03\n2,2006-01-02\n", o);
    ASSERT_EQ(grocery.rows.size(), 3u);
    EXPECT_EQ(grocery.bad_rows, 0u);
    EXPECT_EQ(grocery.rows[2].id, 2u);
    EXPECT_EQ(grocery.rows[1].unix_day, day("2006-01-03"));
    for (const auto& t : grocery.rows) {
        EXPECT_EQ(t.amount, 0.0);  // a purchase of unknown revenue
        EXPECT_EQ(t.channel, 0u);
    }
    // With a channel column: count-like kinds are 1; a survey or review needs its answer.
    o = columns("1", "2", "NONE", "3");
    const auto p = parse("7 2021-01-01 purchase\n7 2021-01-02 login\n7 2021-01-03 nps_survey\n"
                         "7 2021-01-04 review\n7 2021-01-05 complaint\n", o);
    ASSERT_EQ(p.rows.size(), 3u);
    EXPECT_EQ(p.rows[0].amount, 0.0);
    EXPECT_EQ(p.rows[1].amount, 1.0);
    EXPECT_EQ(p.rows[1].channel, 1u);
    EXPECT_EQ(p.rows[2].amount, 1.0);
    EXPECT_EQ(p.rows[2].channel, 3u);
    EXPECT_EQ(lines_of(p), (std::vector<std::uint64_t>{3, 4}));
    EXPECT_NE(p.bad[0].reason.find("a survey row (channel \"nps_survey\") needs its answer"), std::string::npos)
        << p.bad[0].reason;
    // A two-column file read with the default amount column 3 says how to read it.
    try {
        parse("1,2006-01-01\n");
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("--amount-column none"), std::string::npos) << e.what();
    }
}

TEST(TransactionsCsv, BlankAmountsCountOnceWhereARowHasNoValue) {
    // A CRM export leaves the value blank on a login or a ticket: such a row counts once, as in
    // a log without amounts; a blank purchase, survey answer or review is a bad row, not a zero.
    const auto p = parse("id,date,amount,source\n7,2021-01-01,,login\n7,2021-01-02,,complaint\n"
                         "7,2021-01-03,,purchase\n7,2021-01-04,,nps_survey\n7,2021-01-05,,review\n"
                         "7,2021-01-06,12.5,purchase\n",
                         columns("id", "date", "amount", "source"));
    ASSERT_EQ(p.rows.size(), 3u);
    EXPECT_EQ(p.rows[0].amount, 1.0);
    EXPECT_EQ(p.rows[1].amount, 1.0);
    EXPECT_EQ(p.rows[2].amount, 12.5);
    EXPECT_EQ(lines_of(p), (std::vector<std::uint64_t>{4, 5, 6}));
    EXPECT_NE(p.bad[0].reason.find("the amount is empty, and a purchase row needs one (its revenue)"), std::string::npos)
        << p.bad[0].reason;
    EXPECT_NE(p.bad[1].reason.find("a survey row needs one (its answer)"), std::string::npos) << p.bad[1].reason;
}

TEST(TransactionsCsv, EmptyInputHasNoDataLines) {
    EXPECT_EQ(parse("").data_lines, 0u);
    EXPECT_EQ(parse("\n\r\n  \n").data_lines, 0u);
    const auto header_only = parse("id,date,amount\n");
    EXPECT_EQ(header_only.header_line, 1u);
    EXPECT_EQ(header_only.data_lines, 0u);
}

TEST(TransactionsCsv, MissingFileIsAnIoError) {
    EXPECT_THROW(read_transactions("/nonexistent/engage/t.csv", {}), IoError);
}

TEST(BadRowLimit, CountsAndPercentages) {
    // The default: 1% of the data rows, rounded down (0 bad rows allowed among 99, 1 among 100).
    const BadRowLimit def;
    EXPECT_EQ(def.allowed(99), 0u);
    EXPECT_EQ(def.allowed(100), 1u);
    EXPECT_EQ(def.allowed(780), 7u);
    EXPECT_TRUE(def.exceeded(1, 99));
    EXPECT_FALSE(def.exceeded(1, 100));
    EXPECT_TRUE(def.exceeded(736, 780));  // issue 15: 94 % skipped must fail
    EXPECT_FALSE(def.exceeded(0, 0));

    const auto zero = parse_bad_row_limit("0");
    ASSERT_TRUE(zero);
    EXPECT_FALSE(zero->percent);
    EXPECT_TRUE(zero->exceeded(1, 1000000));
    EXPECT_FALSE(zero->exceeded(0, 5));
    const auto four = parse_bad_row_limit("4");
    EXPECT_FALSE(four->exceeded(4, 6));
    EXPECT_TRUE(four->exceeded(5, 6));

    const auto all = parse_bad_row_limit("100%");
    ASSERT_TRUE(all);
    EXPECT_EQ(all->per_million, 1000000u);
    EXPECT_FALSE(all->exceeded(780, 780));
    const auto half = parse_bad_row_limit("0.5%");
    ASSERT_TRUE(half);
    EXPECT_EQ(half->per_million, 5000u);
    EXPECT_EQ(half->allowed(1000), 5u);
    EXPECT_EQ(half->allowed(999), 4u);
    EXPECT_TRUE(half->exceeded(6, 1000));
    EXPECT_EQ(parse_bad_row_limit("12.3456%")->per_million, 123456u);
    EXPECT_EQ(parse_bad_row_limit("2.5%")->allowed(40), 1u);
    // 2^64 - 1 rows at 100% do not overflow.
    EXPECT_EQ(all->allowed(~std::uint64_t(0)), ~std::uint64_t(0));

    for (const char* bad : {"", "%", "-1", "1.5", "101%", "100.0001%", "1.23456%", "x%", "1e3", "1 %", ".5%"})
        EXPECT_FALSE(parse_bad_row_limit(bad)) << bad;
}

TEST(CustomerBaseBuild, SortsByNumericIdAndDateKeepingFileOrderWithinADay) {
    std::vector<Transaction> rows{tx(10, "2021-03-01", 1), tx(9, "2021-02-01", 2), tx(10, "2021-01-05", 3),
                                  tx(10, "2021-03-01", 4), tx(9, "2021-02-01", 5)};
    const auto b = build_customer_base(rows, false, std::nullopt);
    const auto& s = b.shard;
    EXPECT_EQ(b.epoch_unix_day, day("2021-01-01"));
    EXPECT_EQ(b.first_unix_day, day("2021-01-05"));
    EXPECT_EQ(b.last_unix_day, day("2021-03-01"));
    EXPECT_EQ(b.merged_rows, 0u);
    EXPECT_EQ(s.id, (std::vector<std::uint64_t>{9, 10}));
    EXPECT_EQ(s.acquisition_day, (std::vector<kernels::Day>{31, 4}));
    EXPECT_EQ(s.offsets, (std::vector<std::uint64_t>{0, 2, 5}));
    EXPECT_EQ(s.value, (std::vector<double>{2, 5, 3, 1, 4}));
    EXPECT_EQ(s.time, (std::vector<std::int64_t>{31 * 86400, 31 * 86400, 4 * 86400, 59 * 86400, 59 * 86400}));
    EXPECT_EQ(s.channel, (std::vector<std::uint8_t>{0, 0, 0, 0, 0}));
    ASSERT_EQ(s.wallet.size(), 2u);
    EXPECT_TRUE(std::isnan(s.wallet[0]) && std::isnan(s.wallet[1]));
    EXPECT_EQ(s.business_unit, (std::vector<std::uint32_t>{0, 0}));
    EXPECT_EQ(s.segment, (std::vector<std::uint8_t>{0, 0}));
}

TEST(CustomerBaseBuild, MergesSameDayPurchasesOnly) {
    // Customer 1: two purchases and a login on one day, one purchase the next day.
    std::vector<Transaction> rows{tx(1, "2021-01-02", 1.25), tx(1, "2021-01-02", 1, 1), tx(1, "2021-01-03", 7),
                                  tx(1, "2021-01-02", 2.5), tx(2, "2021-01-02", 4), tx(2, "2021-01-02", 0)};
    const auto b = build_customer_base(rows, true, std::nullopt);
    const auto& s = b.shard;
    EXPECT_EQ(b.merged_rows, 2u);
    EXPECT_EQ(s.offsets, (std::vector<std::uint64_t>{0, 3, 4}));
    EXPECT_EQ(s.value, (std::vector<double>{3.75, 1, 7, 4}));
    EXPECT_EQ(s.channel, (std::vector<std::uint8_t>{0, 1, 0, 0}));
    EXPECT_EQ(s.time, (std::vector<std::int64_t>{86400, 86400, 2 * 86400, 86400}));
    const auto unmerged = build_customer_base(rows, false, std::nullopt);
    EXPECT_EQ(unmerged.shard.value, (std::vector<double>{1.25, 1, 2.5, 7, 4, 0}));
}

TEST(CustomerBaseBuild, Epoch) {
    std::vector<Transaction> rows{tx(1, "1997-03-25", 1), tx(2, "1998-06-30", 1)};
    EXPECT_EQ(build_customer_base(rows, false, std::nullopt).epoch_unix_day, day("1997-01-01"));
    const auto b = build_customer_base(rows, false, day("1997-03-25"));
    EXPECT_EQ(b.shard.acquisition_day, (std::vector<kernels::Day>{0, 462}));
    EXPECT_THROW(build_customer_base(rows, false, day("1997-03-26")), ConfigError);
    std::vector<Transaction> huge{tx(1, "2021-01-01", 9e12), tx(1, "2021-01-01", 9e12)};
    EXPECT_THROW(build_customer_base(huge, true, std::nullopt), DataError);
    EXPECT_NO_THROW(build_customer_base(huge, false, std::nullopt));
}

}  // namespace engage::io

namespace engage::io {

// --initiator-column, --interaction-id-column, --answers-column: the values read, the bad rows
// named with their field, and the ids handed to the linked sink with the row.
TEST(TransactionsCsv, InitiatorAndInteractionIds) {
    TransactionsCsvOptions o = columns("c", "d", "a");
    o.initiator_column = "who";
    o.interaction_column = "id";
    o.answers_column = "re";
    const std::string text =
        "c,d,a,who,id,re\n"
        "A,2024-01-01,1, Company ,O-1,\n"
        "A,2024-01-02,5,CUSTOMER,P-1,O-1\n"
        "A,2024-01-03,5,robot,P-2,\n"
        "A,2024-01-03,5,customer,P-\x01,\n";
    std::vector<std::tuple<std::uint8_t, std::string, std::string, std::uint64_t>> seen;
    LineRange range;
    range.sink = [&](const Transaction&) { ADD_FAILURE() << "the plain sink, with ids"; };
    range.linked_sink = [&](const Transaction& t, std::string_view id, std::string_view re) {
        seen.emplace_back(t.initiator, std::string(id), std::string(re), t.line);
    };
    std::istringstream in(text);
    const ParsedTransactions p = parse_transactions(in, "t.csv", o, {}, range);
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0], std::make_tuple(std::uint8_t(1), std::string("O-1"), std::string(""), std::uint64_t(2)));
    EXPECT_EQ(seen[1], std::make_tuple(std::uint8_t(0), std::string("P-1"), std::string("O-1"), std::uint64_t(3)));
    ASSERT_EQ(p.bad.size(), 2u);
    EXPECT_EQ(p.bad[0].line, 4u);
    EXPECT_EQ(p.bad[0].reason,
              "initiator \"robot\" (--initiator-column who) is not customer or company; give who initiated the row");
    EXPECT_EQ(p.bad[1].line, 5u);
    EXPECT_NE(p.bad[1].reason.find("interaction id"), std::string::npos) << p.bad[1].reason;
    EXPECT_NE(p.bad[1].reason.find("(--interaction-id-column id)"), std::string::npos) << p.bad[1].reason;
    // Without a sink the rows are kept with their initiators (the ids are checked, not kept).
    const ParsedTransactions kept = parse(text, o);
    ASSERT_EQ(kept.rows.size(), 2u);
    EXPECT_EQ(kept.rows[0].initiator, 1);
    EXPECT_EQ(kept.rows[1].initiator, 0);
    // Two options naming one column.
    o.answers_column = "id";
    EXPECT_THROW(check_columns(o), ConfigError);
}

}  // namespace engage::io
