#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "core/dates.hpp"
#include "core/errors.hpp"
#include "io/attributes_csv.hpp"
#include "io/imported_hierarchy.hpp"

namespace engage::io {

namespace {

AttributesCsvOptions options(IdType ids = IdType::string, std::string id_column = "account") {
    AttributesCsvOptions o;
    o.id_type = ids;
    o.id_column = std::move(id_column);
    return o;
}

ParsedAttributes parse(const std::string& text, const AttributesCsvOptions& o = options()) {
    std::istringstream in(text);
    return parse_attributes(in, "a.csv", o);
}

template <class E>
std::string error_of(const std::string& text, const AttributesCsvOptions& o = options()) {
    try {
        parse(text, o);
    } catch (const E& e) {
        return e.what();
    }
    return "";
}

std::int64_t day(const char* iso) { return *parse_iso_date(iso); }

std::vector<std::uint64_t> lines_of(const ParsedAttributes& p) {
    std::vector<std::uint64_t> v;
    for (const auto& b : p.bad) v.push_back(b.line);
    return v;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

Transaction tx(std::uint64_t id, const char* date, double amount = 1) {
    Transaction t;
    t.id = id;
    t.unix_day = day(date);
    t.amount = amount;
    return t;
}

}  // namespace

TEST(AttributesCsv, ColumnsByDefaultNamesInAnyCaseOthersIgnored) {
    const auto p = parse(
        "Account,Notes,Business Unit,REGION,RM,Segment,Wallet,Acquisition-Date\r\n"
        "ACC-2,vip,Retail,EMEA,Alice,Gold,1200.50,2023-06-15\r\n"
        "\r\n"
        "ACC-1,,Corporate,APAC,Bob,Silver,,2024-01-03T10:00:00Z\r\n");
    ASSERT_EQ(p.rows.size(), 2u);
    EXPECT_EQ(p.bad_rows, 0u);
    EXPECT_EQ(p.data_lines, 2u);
    EXPECT_EQ(p.header_line, 1u);
    EXPECT_EQ(p.column[0], "Business Unit");
    EXPECT_EQ(p.column[2], "RM");
    EXPECT_EQ(p.column[5], "Acquisition-Date");
    EXPECT_EQ(p.rows[0].name, "ACC-2");
    EXPECT_EQ(p.rows[0].group, (std::array<std::string, kGroups>{"Retail", "EMEA", "Alice", "Gold"}));
    EXPECT_EQ(p.rows[0].wallet, 1200.5);
    EXPECT_EQ(p.rows[0].acquisition_unix_day, day("2023-06-15"));
    EXPECT_EQ(p.rows[0].line, 2u);
    EXPECT_TRUE(std::isnan(p.rows[1].wallet));  // blank: unknown
    EXPECT_EQ(p.rows[1].acquisition_unix_day, day("2024-01-03"));
    EXPECT_EQ(p.rows[1].line, 4u);
}

TEST(AttributesCsv, AnySubsetOfColumnsAliasesAndSeparators) {
    auto p = parse("account;bu;relationship_manager\n7;Retail;\"Martin, Alice\"\n", options(IdType::number));
    ASSERT_EQ(p.rows.size(), 1u);
    EXPECT_EQ(p.separator, Separator::semicolon);
    EXPECT_EQ(p.rows[0].id, 7u);
    EXPECT_EQ(p.rows[0].name, "");
    EXPECT_EQ(p.rows[0].group, (std::array<std::string, kGroups>{"Retail", "", "Martin, Alice", ""}));
    EXPECT_TRUE(p.column[1].empty());
    EXPECT_FALSE(p.rows[0].acquisition_unix_day);
    // A field number as the id column, and a column named by --attributes-column.
    auto o = options(IdType::string, "2");
    o.columns[std::size_t(Attribute::rm)] = "account manager";
    p = parse("region\tid\tAccount Manager\nNorth\tX\tEve\n", o);
    ASSERT_EQ(p.rows.size(), 1u);
    EXPECT_EQ(p.rows[0].name, "X");
    EXPECT_EQ(p.rows[0].group, (std::array<std::string, kGroups>{"", "North", "Eve", ""}));
    // Numeric ids: 00042 is 42.
    p = parse("account,wallet\n00042,5\n", options(IdType::number));
    EXPECT_EQ(p.rows[0].id, 42u);
}

TEST(AttributesCsv, ParseAttributeColumnOption) {
    EXPECT_EQ(parse_attribute_column("rm=Account Manager"), std::make_pair(Attribute::rm, std::string("Account Manager")));
    EXPECT_EQ(parse_attribute_column("Relationship Manager=Owner").first, Attribute::rm);
    EXPECT_EQ(parse_attribute_column("acquisition_date=Since").first, Attribute::acquisition_date);
    EXPECT_THROW(parse_attribute_column("rm"), ConfigError);
    EXPECT_THROW(parse_attribute_column("rm="), ConfigError);
    EXPECT_THROW(parse_attribute_column("country=Land"), ConfigError);
    EXPECT_EQ(normalize_column_name("  Business-Unit "), "business_unit");
}

TEST(AttributesCsv, BadRowsNameLineAndField) {
    const auto p = parse(
        "account,region,wallet,acquisition_date\n"
        "A,North,10,2024-01-01\n"       // 2 good
        "B,North,-5,2024-01-01\n"       // 3 negative wallet
        "C,North,ten,2024-01-01\n"      // 4 not a number
        "D,North,1,2024-13-01\n"        // 5 not a date
        "E,North,1,0024-01-01\n"        // 6 implausible
        ",North,1,2024-01-01\n"         // 7 empty id
        "F,North\n"                     // 8 field count
        "G,No\x01rth,1,\n"              // 9 control character
        "H,North,inf,\n"                // 10 not finite
        "I,North,+3,\n"                 // 11 good
        "J,\"North,1,\n");              // 12 quotes
    EXPECT_EQ(p.rows.size(), 2u);
    EXPECT_EQ(p.rows[1].wallet, 3);
    EXPECT_EQ(p.data_lines, 11u);
    EXPECT_EQ(p.bad_rows, 9u);
    EXPECT_EQ(lines_of(p), (std::vector<std::uint64_t>{3, 4, 5, 6, 7, 8, 9, 10, 12}));
    EXPECT_EQ(p.bad[0].reason, "wallet \"-5\" is negative; a wallet is an amount >= 0, or blank when unknown");
    EXPECT_EQ(p.bad[1].reason, "wallet \"ten\" is not a number; a wallet is an amount >= 0, or blank when unknown");
    EXPECT_EQ(p.bad[2].reason,
              "acquisition_date \"2024-13-01\" is not a date YYYYMMDD, YYYY-MM-DD or YYYY/MM/DD (or set --date-format)");
    EXPECT_TRUE(has(p.bad[3].reason, "outside the plausible range")) << p.bad[3].reason;
    EXPECT_EQ(p.bad[4].reason, "the customer id is empty");
    EXPECT_EQ(p.bad[5].reason, "expected 4 fields, found 2");
    EXPECT_EQ(p.bad[6].reason, "region \"No\\x01rth\" holds a control character");
    EXPECT_TRUE(has(p.bad[7].reason, "wallet \"inf\" is beyond 1e13")) << p.bad[7].reason;
}

TEST(AttributesCsv, IdsOfTheLogsType) {
    auto p = parse("account,segment\nACC-1,Gold\n12,Gold\n", options(IdType::number));
    ASSERT_EQ(p.bad.size(), 1u);
    EXPECT_EQ(p.bad[0].reason, "customer id \"ACC-1\" is not a whole number >= 0, and the ids of the transaction logs are numbers");
    p = parse("account,segment\ncaf\xC3,Gold\n");
    ASSERT_EQ(p.bad.size(), 1u);
    EXPECT_TRUE(has(p.bad[0].reason, "byte 4 is not valid UTF-8")) << p.bad[0].reason;
}

TEST(AttributesCsv, DuplicateCustomersNameBothLines) {
    EXPECT_EQ(error_of<DataError>("account,segment\nA,Gold\nB,Gold\n\nA,Silver\n"),
              "a.csv: customer \"A\" is on line 2 and again on line 5; an attribute file gives each customer once: "
              "remove or merge one of the rows");
    // Numbers: 042 and 42 are one customer.
    EXPECT_TRUE(has(error_of<DataError>("account,segment\n042,Gold\n42,Gold\n", options(IdType::number)),
                    "customer 42 is on line 2 and again on line 3"));
    // A bad row does not count as a duplicate.
    EXPECT_EQ(error_of<DataError>("account,wallet\nA,-1\nA,5\n"), "");
}

TEST(AttributesCsv, ColumnErrors) {
    EXPECT_TRUE(has(error_of<ConfigError>("id,segment\n1,Gold\n"), "no customer id column \"account\""));
    EXPECT_TRUE(has(error_of<ConfigError>("account,notes\n1,x\n"), "no attribute column"));
    EXPECT_TRUE(has(error_of<ConfigError>("account,rm,relationship manager\n1,a,b\n"),
                    "columns \"rm\" and \"relationship manager\" both give the rm"));
    auto o = options();
    o.columns[std::size_t(Attribute::wallet)] = "Budget";
    EXPECT_TRUE(has(error_of<ConfigError>("account,wallet\n1,2\n", o), "--attributes-column wallet=Budget: no such column"));
    EXPECT_TRUE(has(error_of<ConfigError>("account,segment\n1,Gold\n", options(IdType::string, "3")), "asks for field 3 of 2"));
    EXPECT_EQ(parse("").data_lines, 0u);
    EXPECT_EQ(parse("account,segment\n").data_lines, 0u);
}

TEST(AttributesCsv, CustomersWithoutTransactionsNeedADate) {
    auto p = parse("account,acquisition_date\n5,2020-01-01\n6,\n7,\n", options(IdType::number));
    reject_customers_without_dates(p, {tx(7, "2024-01-01"), tx(9, "2024-01-01")}, IdType::number);
    ASSERT_EQ(p.rows.size(), 2u);  // 5: a date; 7: transactions
    EXPECT_EQ(p.rows[0].id, 5u);
    EXPECT_EQ(p.rows[1].id, 7u);
    ASSERT_EQ(p.bad.size(), 1u);
    EXPECT_EQ(p.bad_rows, 1u);
    EXPECT_EQ(p.bad[0].line, 3u);
    EXPECT_EQ(p.bad[0].reason, "customer 6 has no transactions and no acquisition date, so no day to count its tenure "
                               "from; give its acquisition date, or leave the row out");
    // String ids, merged with the parse's bad rows in line order.
    p = parse("account,segment,wallet\nB,Gold,-1\nA,Gold,\nC,Gold,x\n");
    Transaction t;
    t.name = "C";
    reject_customers_without_dates(p, {t}, IdType::string);
    EXPECT_EQ(p.rows.size(), 0u);
    EXPECT_EQ(lines_of(p), (std::vector<std::uint64_t>{2, 3, 4}));
    EXPECT_TRUE(has(p.bad[1].reason, "customer \"A\" has no transactions and no acquisition date, so no day to count "
                                     "its tenure from; give its acquisition date (an acquisition_date column)"));
}

TEST(ImportedHierarchy, WithoutAFileOneGroupPerLevel) {
    const auto h = default_hierarchy();
    EXPECT_EQ(h.names[0], (std::vector<std::string>{"all"}));
    EXPECT_EQ(h.names[1], (std::vector<std::string>{"all"}));
    EXPECT_EQ(h.names[2], (std::vector<std::string>{"unassigned"}));
    EXPECT_EQ(h.names[3], (std::vector<std::string>{"unknown"}));
}

TEST(ImportedHierarchy, MergesRowsSortedNamesDefaultsAndAddedCustomers) {
    // Customers 10, 20, 30 with transactions (first days 2024-01-05, 2024-01-02, 2024-01-03).
    auto base = build_customer_base({tx(10, "2024-01-05"), tx(20, "2024-01-02"), tx(30, "2024-01-03"),
                                     tx(20, "2024-01-04")},
                                    false, std::nullopt);
    auto p = parse(
        "account,region,rm,wallet,acquisition_date\n"
        "30,North,,0,2024-01-10\n"          // a date after the first transaction: ignored
        "25,South,Zoe,7.5,2023-12-01\n"     // no transactions: added, before the epoch
        "10,Central,Anna,,2023-06-01\n",    // an earlier date replaces the first transaction's
        options(IdType::number));
    const auto h = apply_attributes(base, p.rows, p, "a.csv");
    const auto& s = base.shard;
    EXPECT_EQ(s.id, (std::vector<std::uint64_t>{10, 20, 25, 30}));
    EXPECT_EQ(s.offsets, (std::vector<std::uint64_t>{0, 1, 3, 3, 4}));  // 25: no interaction
    EXPECT_EQ(s.time.size(), 4u);
    const std::int64_t epoch = day("2024-01-01");
    EXPECT_EQ(base.epoch_unix_day, epoch);
    EXPECT_EQ(s.acquisition_day, (std::vector<kernels::Day>{kernels::Day(day("2023-06-01") - epoch), 1,
                                                            kernels::Day(day("2023-12-01") - epoch), 2}));
    // Region: the file's names and "unknown" for 20 (not in the file), sorted; rm: "unassigned"
    // for the blank field and the missing customer; no business unit or segment column: "all"
    // and "unknown" for everyone.
    EXPECT_EQ(h.names[1], (std::vector<std::string>{"Central", "North", "South", "unknown"}));
    EXPECT_EQ(s.region, (std::vector<std::uint32_t>{0, 3, 2, 1}));
    EXPECT_EQ(h.names[2], (std::vector<std::string>{"Anna", "Zoe", "unassigned"}));
    EXPECT_EQ(s.rm, (std::vector<std::uint32_t>{0, 2, 1, 2}));
    EXPECT_EQ(h.names[0], (std::vector<std::string>{"all"}));
    EXPECT_EQ(s.business_unit, (std::vector<std::uint32_t>{0, 0, 0, 0}));
    EXPECT_EQ(h.names[3], (std::vector<std::string>{"unknown"}));
    EXPECT_EQ(s.segment, (std::vector<std::uint8_t>{0, 0, 0, 0}));
    ASSERT_EQ(s.wallet.size(), 4u);
    EXPECT_TRUE(std::isnan(s.wallet[0]));
    EXPECT_TRUE(std::isnan(s.wallet[1]));
    EXPECT_EQ(s.wallet[2], 7.5);
    EXPECT_EQ(s.wallet[3], 0.0);
    EXPECT_EQ(h.rows, 3u);
    EXPECT_EQ(h.without_transactions, 1u);
    EXPECT_EQ(h.wallets, 2u);
    EXPECT_EQ(h.acquisition_dates, 2u);
    EXPECT_EQ(h.acquisition_after_first, 1u);
}

TEST(ImportedHierarchy, TablesDoNotDependOnRowOrder) {
    const char* rows[] = {"1,Zeta\n", "2,alpha\n", "3,Beta\n", "4,Zeta\n"};
    for (int order = 0; order < 2; ++order) {
        std::string text = "account,business_unit\n";
        for (int k = 0; k < 4; ++k) text += rows[order ? 3 - k : k];
        auto base = build_customer_base({tx(1, "2024-01-01"), tx(2, "2024-01-01"), tx(3, "2024-01-01"),
                                         tx(4, "2024-01-01")},
                                        false, std::nullopt);
        const auto p = parse(text, options(IdType::number));
        const auto h = apply_attributes(base, p.rows, p, "a.csv");
        EXPECT_EQ(h.names[0], (std::vector<std::string>{"Beta", "Zeta", "alpha"}));  // byte order
        EXPECT_EQ(base.shard.business_unit, (std::vector<std::uint32_t>{1, 2, 0, 1}));
    }
}

TEST(ImportedHierarchy, AtMost256Segments) {
    std::string text = "account,segment\n";
    std::vector<Transaction> t;
    for (int k = 0; k < 257; ++k) {
        text += std::to_string(k) + ",s" + std::to_string(k) + "\n";
        t.push_back(tx(std::uint64_t(k), "2024-01-01"));
    }
    auto base = build_customer_base(t, false, std::nullopt);
    const auto p = parse(text, options(IdType::number));
    try {
        apply_attributes(base, p.rows, p, "a.csv");
        ADD_FAILURE() << "257 segments accepted";
    } catch (const DataError& e) {
        EXPECT_TRUE(has(e.what(), "a.csv: 257 distinct segments (column segment), more than the 256")) << e.what();
    }
}

}  // namespace engage::io
