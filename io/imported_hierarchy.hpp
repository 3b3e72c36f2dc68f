#pragma once
// The hierarchy, wallets and acquisition dates of an imported base: what `engage import` writes
// without an attribute file (one group of everyone per level), and the merge of an attribute
// file's rows (io/attributes_csv.hpp) into the customers built from the transaction logs
// (docs/data-format.md). Serial code: no MPI, no HDF5.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "io/attributes_csv.hpp"
#include "io/imported_base.hpp"
#include "io/transactions_csv.hpp"

namespace engage::io {

// The group of a customer without a value, per level (business unit, region, relationship
// manager, segment). Without an attribute file, or for a level the file has no column for, every
// customer is in the one group of kWholeLevel; a level the file gives puts the customers it does
// not name, or names with a blank field, in kNoValue's group.
inline const std::array<std::string, kGroups> kWholeLevel = {"all", "all", "unassigned", "unknown"};
inline const std::array<std::string, kGroups> kNoValue = {"unknown", "unknown", "unassigned", "unknown"};
constexpr std::size_t kMaxSegments = 256;  // /customers/segment is uint8

struct ImportedHierarchy {
    // The name tables, in the order of kGroups: business_unit_names, region_names, rm_names,
    // segment_names. Sorted in byte order, so that they depend neither on the file's order nor on
    // the number of ranks; the default group is an entry like any other, present when used.
    std::array<std::vector<std::string>, kGroups> names;
    std::uint64_t rows = 0;                     // customers of the attribute file
    std::uint64_t without_transactions = 0;     // of them, added with no interaction
    std::uint64_t wallets = 0;                  // customers given a wallet
    std::uint64_t acquisition_dates = 0;        // acquisition days taken from the file
    std::uint64_t acquisition_after_first = 0;  // dates after the first transaction: that day kept
};

// Without an attribute file: one group per level, kWholeLevel; the shard's indices are all 0.
ImportedHierarchy default_hierarchy();

// Merges the rows of an attribute file into `base` (its customers sorted by id, as
// build_customer_base leaves them). `rows` carry final ids (numbered string ids:
// number_string_ids) and are unique. A customer of `rows` without transactions is added in id
// order with no interaction (it must have an acquisition date: reject_customers_without_dates).
// For each level the file has (`parsed.column`), the indices into the sorted name table; a
// wallet replaces NaN; an acquisition date replaces the first transaction's day when it is
// earlier (a later one is counted in acquisition_after_first and the first transaction's day
// kept: nobody interacts before being acquired). Throws DataError naming `file` when there are
// more than kMaxSegments segments.
ImportedHierarchy apply_attributes(ImportedBase& base, std::vector<CustomerAttributes> rows,
                                   const ParsedAttributes& parsed, const std::string& file);

}  // namespace engage::io
