#pragma once
// What `engage import` makes of one customer's --interaction-id-column and --answers-column
// (docs/data-format.md, "Who initiated an interaction, and what it answers"): each answer mapped
// to the row it answers, the rows that cannot be kept (an answer to an unknown id, to itself, to
// a row dated after it, to a dropped row, a cycle of same-day answers, an id used twice) named,
// and the order of rows of one day that puts every answer after what it answers. Pure: the
// caller reads the rows and reports the problems.
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace engage::io {

// One row of one customer, as the resolution sees it. (file, line) is unique per row and
// independent of how the rows were read: it decides which row of a duplicate id keeps it and
// which row of a cycle is dropped, so that the order of `rows` never changes the result.
struct LinkedRow {
    std::int64_t unix_day = 0;
    std::string_view interaction;  // the row's id, "" none
    std::string_view answers;      // the id this row answers, "" none
    std::uint32_t file = 0;        // index among the import's files
    std::uint64_t line = 0;        // 1-based line in its file
};

// For messages: the customer, the files and the columns as the user named them.
struct LinkContext {
    std::string customer;                  // shown as it is: "ACC-1" with quotes, or 42
    std::span<const std::string> files;
    std::string interaction_column;        // the --interaction-id-column spelling
    std::string answers_column;            // the --answers-column spelling
};

constexpr std::uint32_t kAnswersNone = std::numeric_limits<std::uint32_t>::max();

struct ResolvedLinks {
    // Per row of the input: the index (in the input) of the row it answers, kAnswersNone when
    // it answers none or is bad.
    std::vector<std::uint32_t> target;
    // Per row: how many same-day answers lead to it (0: it answers none, or a row of an earlier
    // day). Sorting a day's rows by depth first puts every answer after what it answers.
    std::vector<std::uint32_t> depth;
    // Per row: why it is dropped, "" when kept. The row dropped is always the answer (or the
    // later use of an id), never the row it answers.
    std::vector<std::string> bad;
};

// Resolves one customer's rows (any order). Rows with an empty `answers` are kept as they are
// (only a duplicate id can drop them). A row is bad, in this order of checks, when:
//   - its id was used by an earlier row (file, then line) of the customer: the first keeps it;
//   - it answers its own id;
//   - it answers an id the customer does not have;
//   - it is dated before the row it answers (a ticket answered before it was opened);
//   - the row it answers is bad (the answers to a dropped row are dropped too, in turn);
//   - it closes a cycle of same-day answers (of the rows of a cycle, the last in file and line).
ResolvedLinks resolve_links(std::span<const LinkedRow> rows, const LinkContext& context);

}  // namespace engage::io
