#pragma once
// The customer attribute file of `engage import --attributes FILE` (docs/data-format.md): a CSV
// export of the CRM with a header and one row per customer, its id and any of business unit,
// region, relationship manager, segment, wallet and acquisition date. Columns other than these
// are ignored. Serial code: no MPI, no HDF5; jobs/import_job.cpp merges the rows into the base
// (io/imported_hierarchy.hpp).
#include <array>
#include <cstdint>
#include <istream>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "io/timestamp.hpp"
#include "io/transactions_csv.hpp"

namespace engage::io {

// The attributes a file may give, in this order everywhere (the first four are the groups of the
// hierarchy).
enum class Attribute { business_unit, region, rm, segment, wallet, acquisition_date };
constexpr std::size_t kAttributes = 6;
constexpr std::size_t kGroups = 4;  // business_unit, region, rm, segment

// The attribute's name on the command line (business_unit, region, rm, segment, wallet,
// acquisition_date).
std::string_view attribute_name(Attribute a) noexcept;
// The header names that give an attribute by default, compared after normalize_column_name:
// business_unit (or bu), region, relationship_manager (or rm), segment, wallet,
// acquisition_date (or acquired).
const std::vector<std::string>& default_column_names(Attribute a);
// A header name as matched: ASCII lower case, trimmed, spaces and '-' as '_' ("Business Unit"
// is business_unit).
std::string normalize_column_name(std::string_view name);
// `ATTRIBUTE=NAME` of --attributes-column (ATTRIBUTE also relationship_manager for rm); throws
// ConfigError naming the option and what is expected.
std::pair<Attribute, std::string> parse_attribute_column(std::string_view spec);

// The longest group name, in bytes.
constexpr std::size_t kMaxGroupNameBytes = 256;

struct AttributesCsvOptions {
    // The customer id column: a 1-based field number or a header name (case-insensitive).
    std::string id_column = "1";
    // Header names given by --attributes-column, by attribute; empty: default_column_names.
    std::array<std::string, kAttributes> columns;
    // The ids' type, as decided for the transaction logs: number or string (not automatic).
    IdType id_type = IdType::string;
    Separator separator = Separator::sniff;
    DateFormat date_format = DateFormat::automatic;
    // Plausible acquisition dates, days since 1970-01-01 (--min-date, --max-date).
    std::int64_t min_unix_day = -25567;
    std::int64_t max_unix_day = 84005;
};

// One good row.
struct CustomerAttributes {
    std::uint64_t id = 0;    // the numeric id; with string ids, 0 until numbered
    std::string name;        // string ids: the id as written; empty for numbers
    // Business unit, region, relationship manager, segment: "" when blank or not in the file.
    std::array<std::string, kGroups> group;
    double wallet = std::numeric_limits<double>::quiet_NaN();  // NaN: blank or not in the file
    std::optional<std::int64_t> acquisition_unix_day;           // days since 1970-01-01
    std::uint64_t line = 0;  // 1-based line in the file
};

struct ParsedAttributes {
    std::vector<CustomerAttributes> rows;  // in file order
    std::vector<BadRow> bad;               // the first kMaxReportedBadRows bad rows, by line
    std::uint64_t bad_rows = 0;
    std::uint64_t data_lines = 0;          // non-empty lines after the header
    std::uint64_t header_line = 0;         // 1-based
    Separator separator = Separator::comma;
    // The header name of each attribute's column as written; "" when the file has none.
    std::array<std::string, kAttributes> column;
};

// Parses a whole attribute file; `name` is the file name used in messages. The first non-empty
// line is the header. Empty lines are ignored, CR before LF and a byte-order mark dropped, fields
// trimmed and optionally double-quoted. A row is bad (counted and skipped, with its line and the
// field) when: its field count differs from the header's; its id is empty or not an id of
// `id_type`; a group name is longer than kMaxGroupNameBytes, not UTF-8 or holds a control
// character; the wallet is not a number >= 0 (blank: unknown); the acquisition date is not a date
// of `date_format` or is outside min..max. Throws ConfigError when the id column is not in the
// file, a named column is missing, two columns give one attribute, or there is no attribute
// column at all; DataError when two good rows have the same customer (naming both lines).
ParsedAttributes parse_attributes(std::istream& in, const std::string& name, const AttributesCsvOptions& options);

// The same for a file; throws IoError when it cannot be opened or read.
ParsedAttributes read_attributes(const std::string& path, const AttributesCsvOptions& options);

// Rows of customers that have no transaction in `transactions` (numeric ids compared by number,
// string ids byte for byte) and no acquisition date become bad rows: such a customer has no day
// from which to count its tenure. Keeps `bad` sorted by line.
// `id_type`: the one the file was parsed with.
void reject_customers_without_dates(ParsedAttributes& p, const std::vector<Transaction>& transactions,
                                    IdType id_type);
// The same with the customers that have transactions given as sorted ids (IdType number) or
// sorted names (IdType string), as a bucketed import knows them.
void reject_customers_without_dates(ParsedAttributes& p, const std::vector<std::uint64_t>& sorted_ids,
                                    const std::vector<std::string>& sorted_names, IdType id_type);

}  // namespace engage::io
