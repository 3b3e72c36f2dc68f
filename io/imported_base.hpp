#pragma once
// A customer base built from the good rows of transaction logs (`engage import`): the rows
// sorted by customer and day, same-day purchases optionally merged, the links between rows
// kept, as the columns of one shard (docs/data-format.md, "engage import").
#include <cstdint>
#include <optional>
#include <vector>

#include "io/customer_base.hpp"
#include "io/transactions_csv.hpp"

namespace engage::io {

// The columns of a customer base built from good rows.
struct ImportedBase {
    CustomerShard shard;               // every customer, sorted by id; interactions by customer, time
    std::int64_t epoch_unix_day = 0;   // day 0 of the times
    std::uint64_t merged_rows = 0;     // rows folded into another row of the same customer and day
    std::int64_t first_unix_day = 0;   // earliest and latest transaction date
    std::int64_t last_unix_day = 0;

    // The shard's customers with no hierarchy (every code 0) and unknown (NaN) wallets, as a
    // log without an attribute file has them.
    void without_attributes();
};

// Sorts the rows by customer id and date (file order kept within a day) and, with
// `merge_same_day`, folds each customer's rows of one day and one channel of kind purchase
// (in `channels`, the dictionary the codes index) into the first of them (amounts summed; rows
// of other kinds are kept as they are). acquisition_day is each
// customer's first date; time is the start of the day in seconds since the epoch; rm, region,
// business unit and segment are 0; wallet is NaN (unknown). The epoch defaults to January 1st
// of the earliest date's year. Throws ConfigError when `epoch_unix_day` is after the earliest
// date and DataError when a merged amount exceeds kMaxAmount. `rows` must not be empty.
//
// `links`: the base's optional columns. initiator: each row's Transaction::initiator goes to
// shard.initiator (and purchases of one day merge only with those of the same initiator).
// answered (not empty: one entry per row, and `rows` already sorted by customer and day, as
// sort_bucket leaves them): the index in `rows` of the row each answers (kAnswersNone, of
// io/interaction_links.hpp, for none); shard.answers gets the rows back. Rows that answer or are
// answered are never merged.
struct BaseLinks {
    bool initiator = false;
    std::vector<std::uint32_t> answered;
};
ImportedBase build_customer_base(std::vector<Transaction> rows, bool merge_same_day,
                                 std::optional<std::int64_t> epoch_unix_day,
                                 const std::vector<Channel>& channels = default_channels(),
                                 const BaseLinks& links = {});

}  // namespace engage::io
