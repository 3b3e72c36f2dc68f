#include <gtest/gtest.h>

#include <sstream>

#include "core/errors.hpp"
#include "io/channel_map.hpp"
#include "io/imported_base.hpp"
#include "io/transactions_csv.hpp"

namespace engage::io {

namespace {

ChannelMap map_of(const std::string& text) {
    std::istringstream in(text);
    return ChannelMap::parse(in, "map.csv");
}

// The ConfigError message of a mapping file, "" when it parses.
std::string error_of(const std::string& text) {
    try {
        map_of(text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

using K = kernels::ChannelKind;

}  // namespace

TEST(ChannelMap, BuiltInLabelsAreChannelAndKindNames) {
    const ChannelMap m;
    EXPECT_EQ(m.channels().size(), 14u);
    EXPECT_EQ(m.code("purchase"), 0u);
    EXPECT_EQ(m.code("LOGIN"), 1u);
    EXPECT_EQ(m.code("usage"), 1u);
    EXPECT_EQ(m.code(" nps_survey "), 4u);
    EXPECT_EQ(m.code("survey"), 4u);
    EXPECT_FALSE(m.code("Zendesk Ticket"));
    EXPECT_NE(m.expected_labels().find("--channel-map FILE"), std::string::npos);
}

TEST(ChannelMap, FileMapsLabelsToBuiltInAndNewChannels) {
    const auto m = map_of(
        "label,channel,kind\n"
        "# the CRM and helpdesk export\n"
        "Order,purchase,\n"
        "Web Login,login,usage\n"
        "NPS,nps_survey,survey\n"
        "\"Zendesk Ticket\",support_ticket,\n"
        "Webinar,webinar,event\n"
        "Webinar (recording),webinar,\n"
        "Store Purchase,store_purchase,purchase\n"
        "\r\n"
        "login,webinar,event\n");  // a file's label wins over the built-in one
    ASSERT_EQ(m.channels().size(), 16u);
    EXPECT_EQ(m.channels()[14].name, "webinar");
    EXPECT_EQ(m.channels()[14].kind, K::event);
    EXPECT_EQ(m.channels()[15].name, "store_purchase");
    EXPECT_EQ(m.channels()[15].kind, K::purchase);
    EXPECT_EQ(m.code("order"), 0u);
    EXPECT_EQ(m.code("WEB LOGIN"), 1u);
    EXPECT_EQ(m.code("NPS"), 4u);
    EXPECT_EQ(m.code("Zendesk Ticket"), 2u);
    EXPECT_EQ(m.code("Webinar"), 14u);
    EXPECT_EQ(m.code("webinar (recording)"), 14u);
    EXPECT_EQ(m.code("Store Purchase"), 15u);
    EXPECT_EQ(m.code("login"), 14u);
    EXPECT_EQ(m.code("usage"), 1u);  // the kind name still names the built-in channel
    EXPECT_EQ(m.file_labels(), 8u);
    EXPECT_EQ(m.source(), "map.csv");
}

TEST(ChannelMap, BadLinesNameTheLineAndTheFix) {
    EXPECT_NE(error_of("Order,purchase\n").find("map.csv: line 1: expected 3 comma-separated fields"), std::string::npos);
    EXPECT_NE(error_of("Order,purchase,buying\n").find("line 1: unknown kind \"buying\""), std::string::npos);
    EXPECT_NE(error_of("\nWebinar,webinar,\n").find("line 2: new channel \"webinar\" needs a kind"), std::string::npos);
    EXPECT_NE(error_of("Order,purchase,usage\n").find("channel \"purchase\" is of kind purchase (built-in), not usage"),
              std::string::npos);
    EXPECT_NE(error_of("A,web,event\nB,web,usage\n").find("line 2: channel \"web\" is of kind event (from an earlier line)"),
              std::string::npos);
    EXPECT_NE(error_of("Order,purchase,\norder,purchase,\n").find("line 2: the label \"order\" is already mapped on line 1"),
              std::string::npos);
    EXPECT_NE(error_of(",purchase,\n").find("the label is empty"), std::string::npos);
    EXPECT_NE(error_of("A,,usage\n").find("the channel is empty"), std::string::npos);
    EXPECT_NE(error_of("\"A,purchase,\n").find("double quotes"), std::string::npos);
    // 14 built-in channels + 18 new ones = 32, the most a base holds.
    std::string many;
    for (int i = 0; i < 18; ++i) many += "L" + std::to_string(i) + ",c" + std::to_string(i) + ",usage\n";
    EXPECT_EQ(map_of(many).channels().size(), 32u);
    EXPECT_NE(error_of(many + "L18,c18,usage\n").find("line 19: channel \"c18\" would be channel 33"), std::string::npos);
    EXPECT_THROW(ChannelMap::from_file("/nonexistent/engage/map.csv"), IoError);
}

TEST(ChannelMap, ImportWithMappedLabels) {
    TransactionsCsvOptions o;
    o.id_column = "account";
    o.date_column = "when";
    o.amount_column = "none";
    o.channel_column = "source";
    o.channels = map_of("Order,purchase,\nZendesk Ticket,support_ticket,\nWebinar,webinar,event\n"
                        "Shop,store_purchase,purchase\n");
    std::istringstream in("account,when,source\n1,2024-01-01,Order\n1,2024-01-01,Zendesk Ticket\n"
                          "1,2024-01-01,webinar\n1,2024-01-01,Fax\n1,2024-01-01,Order\n1,2024-01-01,Shop\n");
    auto p = parse_transactions(in, "t.csv", o);
    ASSERT_EQ(p.rows.size(), 5u);
    EXPECT_EQ(p.rows[0].channel, 0u);
    EXPECT_EQ(p.rows[1].channel, 2u);
    EXPECT_EQ(p.rows[2].channel, 14u);
    EXPECT_EQ(p.rows[2].amount, 1.0);  // no amounts: an event counts 1
    EXPECT_EQ(p.rows[4].channel, 15u);
    EXPECT_EQ(p.rows[4].amount, 0.0);  // a purchase of unknown revenue
    ASSERT_EQ(p.bad.size(), 1u);
    EXPECT_EQ(p.bad[0].line, 5u);
    EXPECT_NE(p.bad[0].reason.find("unknown channel \"Fax\"; expected a label of --channel-map map.csv"),
              std::string::npos)
        << p.bad[0].reason;
    // Merging folds the purchases of one day per purchase channel: Order + Order, Shop apart.
    const auto b = build_customer_base(std::move(p.rows), true, std::nullopt, o.channels.channels());
    EXPECT_EQ(b.merged_rows, 1u);
    EXPECT_EQ(b.shard.channel, (std::vector<std::uint8_t>{0, 2, 14, 15}));
}

}  // namespace engage::io
