#pragma once
// Transaction logs in CSV or whitespace-separated text (customer id, date or timestamp,
// optionally amount and channel), as `engage import` reads them, and their conversion to the
// columns of a customer base (docs/data-format.md). Serial code: no MPI, no HDF5.
#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/channel_map.hpp"
#include "io/customer_base.hpp"
#include "io/timestamp.hpp"

namespace engage::io {

enum class Separator { sniff, comma, semicolon, tab, whitespace };
enum class HeaderMode { detect, yes, no };
// How customer ids are read (--id-type). number: whole numbers ("00042" is 42), anything else a
// bad row. string: any text of at most kMaxIdBytes bytes of UTF-8 without control characters,
// compared byte for byte ("42" and "042" are two customers). automatic: numbers when every id of
// every file is a whole number below 2^64, strings otherwise (all of them, digits included).
enum class IdType { automatic, number, string };

// From the spelling of the command line (`auto`, `comma`, ...); nullopt when unknown.
std::optional<Separator> parse_separator(std::string_view text);
std::optional<HeaderMode> parse_header_mode(std::string_view text);
std::string_view separator_name(Separator s) noexcept;
std::optional<IdType> parse_id_type(std::string_view text);  // auto, number, string
std::string_view id_type_name(IdType t) noexcept;

constexpr std::size_t kMaxIdBytes = 256;  // the longest string id

// Splits one line into fields. Whitespace: runs of spaces and tabs separate, no quoting.
// Otherwise one character separates; a field may be double-quoted ("" is a quote inside);
// unquoted fields are trimmed. Returns false when the quotes are malformed. (Separator::sniff
// must be resolved first, e.g. by sniff_separator.)
bool split_fields(std::string_view line, Separator sep, std::vector<std::string>& out);
// The separator of a line: the most frequent of comma, semicolon and tab outside double quotes
// (ties in that order), whitespace when there is none.
Separator sniff_separator(std::string_view line);

// Why `id` is not a customer id, "" when it is. number_id_problem: a whole number in digits
// below 2^64 ("00042" is 42, stored in `number`). string_id_problem: at most kMaxIdBytes bytes
// of valid UTF-8 without control characters. The reason starts with `customer id "..."`.
std::string number_id_problem(std::string_view id, std::uint64_t& number);
std::string string_id_problem(std::string_view id);

struct TransactionsCsvOptions {
    Separator separator = Separator::sniff;
    HeaderMode header = HeaderMode::detect;
    // A column is a 1-based field number ("2") or a header name (case-insensitive, and the file
    // must then have a header). An empty channel column: every row is a purchase.
    // amount_column "none" (case-insensitive): the log has no amounts (see Transaction::amount).
    std::string id_column = "1";
    std::string date_column = "2";
    std::string amount_column = "3";
    std::string channel_column;
    // Optional (empty: none; docs/data-format.md, "Who initiated an interaction, and what it
    // answers"). initiator: `customer` or `company` (case-insensitive, trimmed), anything else a
    // bad row. interaction: the row's id, unique within its customer ("" none). answers: the
    // interaction id of the same customer that the row answers ("" none). The ids are checked
    // like string customer ids (kMaxIdBytes of UTF-8, no control characters) and go to
    // LineRange::linked_sink; the mapping of answers to rows is io/interaction_links.hpp's.
    std::string initiator_column;
    std::string interaction_column;
    std::string answers_column;
    IdType id_type = IdType::automatic;
    // The labels of the channel column: the built-in names and kinds, plus --channel-map.
    ChannelMap channels;
    DateFormat date_format = DateFormat::automatic;
    // Plausible dates, days since 1970-01-01 (--min-date, --max-date): a row dated outside is a
    // bad row (reported with its line, skipped), so that one typo (0024 for 2024) cannot move
    // the epoch of the whole base by 2,000 years. Defaults: 1900-01-01 and 2199-12-31.
    std::int64_t min_unix_day = -25567;
    std::int64_t max_unix_day = 84005;
};

// Throws ConfigError when a column is empty, a number is 0, or two columns are the same number.
void check_columns(const TransactionsCsvOptions& options);

// False when the amount column is "none": a log of customer and date (and channel) only.
bool has_amounts(const TransactionsCsvOptions& options);
// Whether the log has an interaction id or answers column (the rows then carry ids).
bool has_interaction_ids(const TransactionsCsvOptions& options);

// One good row of the file.
struct Transaction {
    std::uint64_t id = 0;         // numeric customer id ("00042" is 42); 0 for a non-numeric one
    std::string name;             // the id as written (IdType string and automatic); empty for number
    std::int64_t unix_day = 0;    // the (UTC) date, in days since 1970-01-01 (io/timestamp.hpp)
    // Finite, |amount| <= kMaxAmount. Without an amount column: 0 for a purchase (its revenue is
    // unknown), 1 for the count-like kinds; survey and review rows, whose value is the answer,
    // are then bad rows.
    double amount = 0;
    std::uint8_t channel = 0;     // code in the ChannelMap's channels() (0: purchase)
    std::uint8_t initiator = 0;   // io::Initiator, with an initiator column (0 otherwise)
    std::uint64_t line = 0;       // 1-based line number in the file
};

// A skipped row: its 1-based line number and why.
struct BadRow {
    std::uint64_t line = 0;
    std::string reason;
};

struct ParsedTransactions {
    std::vector<Transaction> rows;   // in file order
    std::vector<BadRow> bad;         // the first kMaxReportedBadRows bad rows
    std::uint64_t bad_rows = 0;      // all of them
    std::uint64_t data_lines = 0;    // non-empty lines after the header: rows.size() + bad_rows
    std::uint64_t header_line = 0;   // 1-based line of the header; 0 when there is none
    Separator separator = Separator::whitespace;  // the one used (sniffed or given)
    std::size_t fields = 0;          // fields per row: the header's, or the first data line's
    // IdType automatic: some good row's id is not a whole number below 2^64 (the ids are strings).
    bool text_ids = false;
    std::uint64_t lines = 0;         // lines read (empty ones included); of a LineRange: its lines
};

// Where good rows go instead of ParsedTransactions::rows (a bucketed import keeps none).
using RowSink = std::function<void(const Transaction&)>;
// The same with the row's interaction id and the id it answers ("" none), for a log with an
// interaction or answers column.
using LinkedRowSink = std::function<void(const Transaction&, std::string_view interaction, std::string_view answers)>;

// A part of a file, as one rank of `engage import` reads it: the lines that start at a byte
// offset in [begin, end) (a range that begins inside a line starts at the next line, so that
// ranges cut at any byte read every line exactly once). The layout (separator, header, columns)
// is still found from the first lines of the file. Line numbers in rows and bad rows count from
// the range's first line (1); add the `lines` of the ranges before for the file's numbers.
struct LineRange {
    std::uint64_t begin = 0;
    std::uint64_t end = std::uint64_t(-1);
    RowSink sink;  // empty: the rows are kept in ParsedTransactions::rows
    LinkedRowSink linked_sink;  // when set, and the log has ids, used instead of sink
};

constexpr std::size_t kMaxReportedBadRows = 10;
constexpr double kMaxAmount = 1e13;  // the customer-base bound on |value|

// Parses a whole transaction log. `name` is the file name used in messages. Empty lines are
// ignored; CR before LF and a UTF-8 byte-order mark are dropped. Fields of comma, semicolon and
// tab files are trimmed and may be double-quoted ("" inside quotes is one quote). Bad rows are
// counted and skipped. Throws ConfigError when the columns do not fit the file (a name not in
// the header, a name without a header, a number beyond the first line's fields). `progress`,
// if set, is called now and then with the bytes read so far.
// `range`: only that part of the stream (which must then be seekable).
ParsedTransactions parse_transactions(std::istream& in, const std::string& name,
                                      const TransactionsCsvOptions& options,
                                      const std::function<void(std::uint64_t)>& progress = {},
                                      const std::optional<LineRange>& range = std::nullopt);

// The same for a file; throws IoError when it cannot be opened or read.
ParsedTransactions read_transactions(const std::string& path, const TransactionsCsvOptions& options,
                                     const std::function<void(std::uint64_t)>& progress = {},
                                     const std::optional<LineRange>& range = std::nullopt);

// String ids: numbers each customer by the rank of its name (Transaction::name) among the
// distinct names in byte order (std::string's <), sets every row's id to it, clears the names
// and returns the distinct names: entry i is the original id of customer i. `more_ids`: further
// ids to number with them (customers of an attribute file without transactions).
std::vector<std::string> number_string_ids(std::vector<Transaction>& rows,
                                           const std::vector<std::string>& more_ids = {});

}  // namespace engage::io
