// Fuzz target: the transaction-log parser of `engage import` (io/transactions_csv.*) and the
// conversion of its good rows into a customer base. The first two bytes choose the options
// (separator, header, date format, columns by number or by name, the channel column, the date
// range, merging, the epoch); the rest is the file. The typed errors the importer documents
// (ConfigError, DataError) are expected; anything else that escapes, a crash or a sanitizer
// report is a finding.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>

#include "core/errors.hpp"
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
    if (b & 0x08) {  // a narrow range of plausible dates: 2000-01-01 .. 2000-12-31
        o.min_unix_day = 10957;
        o.max_unix_day = 11322;
    }
    return o;
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
        if (parsed.rows.size() + parsed.bad_rows != parsed.data_lines) __builtin_trap();
        if (parsed.bad.size() > io::kMaxReportedBadRows) __builtin_trap();
        if (parsed.rows.empty()) return 0;
        const std::size_t rows = parsed.rows.size();
        const io::ImportedBase base = io::build_customer_base(std::move(parsed.rows), merge_same_day, epoch);
        if (base.shard.time.size() + base.merged_rows != rows) __builtin_trap();
        if (base.shard.offsets.size() != base.shard.customers() + 1) __builtin_trap();
    } catch (const ConfigError&) {
    } catch (const DataError&) {
    }
    return 0;
}
