// Fuzz target: the transaction-log parser of `engage import` (io/transactions_csv.*) and the
// conversion of its good rows into a customer base. The first two bytes choose the options
// (separator, header, date format, columns by number or by name, the channel column and a
// channel map, no amount column, the date range, merging, the epoch); the rest is the file. The
// typed errors the importer documents (ConfigError, DataError) are expected; anything else that
// escapes, a crash, a sanitizer report or a broken promise of the parser's documentation
// (expect) is a finding.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "io/imported_base.hpp"
#include "io/transactions_csv.hpp"

using namespace engage;

namespace {

io::TransactionsCsvOptions options_from(std::uint8_t a, std::uint8_t b) {
    io::TransactionsCsvOptions o;
    o.separator = io::Separator(a % 5);
    o.header = io::HeaderMode(a / 5 % 3);
    o.date_format = io::DateFormat(a / 15 % 5);
    if (a & 0x80) {  // columns by header name, in another order
        o.id_column = "customer";
        o.date_column = "date";
        o.amount_column = "amount";
        if (b & 1) o.channel_column = "channel";
    } else {
        // id, date, amount: "123", "213", "321" or "124" (the text layout of CDNOW).
        static const char orders[4][4] = {"123", "213", "321", "124"};
        const char* order = orders[b >> 1 & 3];
        o.id_column.assign(1, order[0]);
        o.date_column.assign(1, order[1]);
        o.amount_column.assign(1, order[2]);
        if (b & 1) o.channel_column.assign(1, (b >> 1 & 3) == 3 ? '3' : '4');
    }
    if (b & 0x40) o.amount_column = "none";  // a log without amounts
    if (b & 0x80) {  // a channel map: a built-in channel, a new event and a second purchase channel
        static const io::ChannelMap map = [] {
            std::istringstream in("label,channel,kind\nOrder,purchase,\nWebinar,webinar,event\nShop,shop,purchase\n");
            return io::ChannelMap::parse(in, "map.csv");
        }();
        o.channels = map;
    }
    o.id_type = io::IdType((a ^ b) % 3);  // auto, number, string
    if (b & 0x08) {  // a narrow range of plausible dates: 2000-01-01 .. 2000-12-31
        o.min_unix_day = 10957;
        o.max_unix_day = 11322;
    }
    return o;
}

// A broken promise of the parser's or the builder's documentation: a finding.
void expect(bool ok) {
    if (!ok) __builtin_trap();
}

// What parse_transactions promises of its good rows (io/transactions_csv.hpp).
void check_rows(const io::ParsedTransactions& p, const io::TransactionsCsvOptions& o) {
    expect(p.rows.size() + p.bad_rows == p.data_lines);
    expect(p.bad.size() <= io::kMaxReportedBadRows && p.bad.size() <= p.bad_rows);
    std::uint64_t line = p.header_line;
    for (const io::Transaction& t : p.rows) {
        expect(t.line > line);
        line = t.line;
        expect(std::isfinite(t.amount) && std::fabs(t.amount) <= io::kMaxAmount);
        expect(t.unix_day >= o.min_unix_day && t.unix_day <= o.max_unix_day);
        expect(t.channel < o.channels.channels().size());
        if (o.id_type == io::IdType::number) expect(t.name.empty());
        else expect(!t.name.empty() && t.name.size() <= io::kMaxIdBytes);
    }
}

// What build_customer_base promises: customers sorted by id, each one's interactions in time
// order from its acquisition day, times since the epoch, amounts within the base's bound.
void check_base(const io::ImportedBase& b, std::size_t rows) {
    const io::CustomerShard& s = b.shard;
    expect(s.time.size() + b.merged_rows == rows);
    expect(s.offsets.size() == s.customers() + 1 && s.offsets.back() == s.time.size());
    expect(b.epoch_unix_day <= b.first_unix_day && b.first_unix_day <= b.last_unix_day);
    for (std::size_t c = 0; c < s.customers(); ++c) {
        expect(c == 0 || s.id[c] > s.id[c - 1]);
        expect(s.offsets[c] < s.offsets[c + 1]);
        expect(s.time[s.offsets[c]] == std::int64_t(s.acquisition_day[c]) * 86400);
        for (std::uint64_t i = s.offsets[c]; i < s.offsets[c + 1]; ++i) {
            expect(s.time[i] >= 0 && s.time[i] <= (b.last_unix_day - b.epoch_unix_day) * 86400);
            expect(i == s.offsets[c] || s.time[i] >= s.time[i - 1]);
            expect(std::isfinite(s.value[i]) && std::fabs(s.value[i]) <= io::kMaxAmount);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const io::TransactionsCsvOptions options = options_from(data[0], data[1]);
    const bool merge_same_day = data[1] & 0x10;
    // An epoch after the earliest date is a ConfigError; 1970-01-01 is after some of them.
    const std::optional<std::int64_t> epoch = data[1] & 0x20 ? std::optional<std::int64_t>(0) : std::nullopt;
    std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 2, size - 2));
    try {
        io::check_columns(options);
        io::ParsedTransactions parsed = io::parse_transactions(in, "fuzz.csv", options);
        check_rows(parsed, options);
        if (parsed.rows.empty()) return 0;
        const std::size_t rows = parsed.rows.size();
        if (options.id_type == io::IdType::string || parsed.text_ids) {
            const std::vector<std::string> names = io::number_string_ids(parsed.rows);
            expect(!names.empty() && std::adjacent_find(names.begin(), names.end(), std::greater_equal<>()) == names.end());
            for (const io::Transaction& t : parsed.rows) expect(t.id < names.size() && t.name.empty());
        }
        check_base(io::build_customer_base(std::move(parsed.rows), merge_same_day, epoch, options.channels.channels()), rows);
    } catch (const ConfigError&) {
    } catch (const DataError&) {
    }
    return 0;
}
