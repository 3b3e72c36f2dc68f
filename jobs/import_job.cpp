#include "jobs/import_job.hpp"


#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <unordered_set>
#include <filesystem>
#include <memory>

#include "core/dates.hpp"
#include "core/errors.hpp"
#include "core/progress.hpp"
#include "core/stop_request.hpp"
#include "io/customer_base.hpp"
#include "io/import_buckets.hpp"
#include "io/imported_base.hpp"
#include "io/imported_hierarchy.hpp"
#include "io/staged_file.hpp"
#include "jobs/import_gather.hpp"
#include "mpi/comm.hpp"

namespace engage::jobs {

using import::BadRows;
using import::LogFile;
using import::broadcast_lines;
using import::gather_link_bad_rows;
using import::gather_names;
using import::gather_parse;
using import::gather_to_root;
using import::lines_before;

namespace {

// The base's metadata; the name tables come from the attribute file, or are one group of
// everyone per level (io/imported_hierarchy.hpp).
io::CustomerBaseMeta imported_meta(const std::string& epoch, const std::vector<io::Channel>& channels,
                                   const io::ImportedHierarchy& h) {
    io::CustomerBaseMeta m;
    m.epoch = epoch;
    m.channels = channels;
    m.business_unit_names = h.names[0];
    m.region_names = h.names[1];
    m.rm_names = h.names[2];
    m.segment_names = h.names[3];
    m.has_wallet = true;  // NaN where unknown
    return m;
}

// Rank 0: the first bad rows with their line numbers, then how many more. `skipped`: the import
// goes on without them (within --max-bad-rows); otherwise they are only listed.
void report_bad_rows(const BadRows& f, bool skipped) {
    for (const auto& b : *f.first)
        std::fprintf(stderr, "engage import: %s: line %llu: %s%s\n", f.path.c_str(), (unsigned long long)b.line,
                     b.reason.c_str(), skipped ? "; row skipped" : "");
    if (f.count > f.first->size())
        std::fprintf(stderr, "engage import: %s: %llu more bad rows%s\n", f.path.c_str(),
                     (unsigned long long)(f.count - f.first->size()), skipped ? " skipped" : "");
}

// The error of an import with more bad rows than --max-bad-rows allows: the file(s), the count,
// the first bad rows and the ways out.
// `options`: those that read the file(s).
std::string too_many_bad_rows(const std::vector<BadRows>& files, std::uint64_t bad, std::uint64_t data,
                              const io::BadRowLimit& limit,
                              const std::string& options = "--separator, --header, the columns, --date-format") {
    constexpr std::size_t kShown = 3;
    const bool several = files.size() > 1;
    std::string first, counts;
    std::size_t shown = 0;
    for (const auto& f : files) {
        if (several)
            counts += (counts.empty() ? "" : ", ") + f.path + ": " + std::to_string(f.count) + " of " +
                      std::to_string(f.data_lines);
        for (std::size_t k = 0; k < f.first->size() && shown < kShown; ++k, ++shown)
            first += std::string(shown ? "; " : "") + (several ? f.path + " " : "") + "line " +
                     std::to_string((*f.first)[k].line) + ": " + (*f.first)[k].reason;
    }
    const std::uint64_t pct10 = data ? (bad * 1000 + data / 2) / data : 0;
    const std::string share = std::to_string(pct10 / 10) + "." + std::to_string(pct10 % 10) + " %";
    return (several ? std::to_string(bad) + " of " + std::to_string(data) + " data rows of " +
                          std::to_string(files.size()) + " files are bad (" + share + "; " + counts + ")"
                    : files[0].path + ": " + std::to_string(bad) + " of " + std::to_string(data) +
                          " data rows are bad (" + share + ")") +
           ", more than --max-bad-rows " + limit.spelling + " allows (" + std::to_string(limit.allowed(data)) +
           "); first bad rows: " + first + (bad > kShown ? " (more above)" : "") +
           ". Nothing was written. Fix the file, or the options that read it (" + options +
           "), or accept these rows as skipped with --max-bad-rows " + std::to_string(bad) +
           " (or a percentage, e.g. 100%)";
}

std::string column_list(const io::TransactionsCsvOptions& c) {
    std::string s = "id " + c.id_column + ", date " + c.date_column + ", amount " + c.amount_column;
    if (!c.channel_column.empty()) s += ", channel " + c.channel_column;
    if (!c.initiator_column.empty()) s += ", initiator " + c.initiator_column;
    if (!c.interaction_column.empty()) s += ", interaction id " + c.interaction_column;
    if (!c.answers_column.empty()) s += ", answers " + c.answers_column;
    return s;
}

// Rank 0: reads the attribute file with the id type of the logs, turns the rows of customers
// with neither transactions nor an acquisition date into bad rows, reports the bad rows and
// applies --max-bad-rows to them alone (the file is not diluted by the rows of the logs).
io::ParsedAttributes read_attribute_file(const ImportOptions& o, const std::vector<std::uint64_t>& ids,
                                         const std::vector<std::string>& names, bool string_ids) {
    io::AttributesCsvOptions ao = o.attributes_csv;
    ao.id_type = string_ids ? io::IdType::string : io::IdType::number;
    ao.date_format = o.csv.date_format;
    ao.min_unix_day = o.csv.min_unix_day;
    ao.max_unix_day = o.csv.max_unix_day;
    io::ParsedAttributes p = io::read_attributes(o.attributes, ao);
    if (p.data_lines == 0)
        throw DataError(o.attributes + ": no data rows (the attribute file is empty or holds only a header); "
                        "give one row per customer under a header line");
    io::reject_customers_without_dates(p, ids, names, ao.id_type);
    const BadRows bad{o.attributes, &p.bad, p.bad_rows, p.data_lines};
    const bool too_many = o.max_bad_rows.exceeded(p.bad_rows, p.data_lines);
    report_bad_rows(bad, !too_many && !p.rows.empty());
    if (p.rows.empty())
        throw DataError(o.attributes + ": none of its " + std::to_string(p.data_lines) +
                        " data rows could be used (reasons above); check --attributes-id-column (" + ao.id_column +
                        ") and --date-format against the file");
    if (too_many)
        throw DataError(too_many_bad_rows({bad}, p.bad_rows, p.data_lines, o.max_bad_rows,
                                          "--attributes-id-column, --attributes-column, --date-format"));
    return p;
}

// More buckets would hold too many files open at once.
constexpr std::uint64_t kMaxBuckets = 512;

// The folder of the import's scratch files, beside the staged output: rank 0 makes it (empty)
// and removes it with whatever is left in it, on success and on failure alike.
class ScratchDir {
public:
    ScratchDir(const mpi::Comm& comm, std::string path) : comm_(comm), path_(std::move(path)) {
        comm.agree([&] {
            if (!comm.root()) return;
            std::error_code ec;
            std::filesystem::remove_all(path_, ec);
            if (!std::filesystem::create_directory(path_, ec) || ec)
                throw IoError(path_ + ": cannot create the import's scratch folder: " + ec.message());
        });
    }
    ~ScratchDir() {
        std::error_code ec;
        if (comm_.root()) std::filesystem::remove_all(path_, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::string& path() const noexcept { return path_; }

private:
    const mpi::Comm& comm_;
    std::string path_;
};

// Rank 0: the customers of every bucket (id, acquisition day, interactions, bucket) in id
// order, as the customer columns of a base (no hierarchy, wallets unknown); `source`: the bucket
// of each.
io::ImportedBase assemble_base(const std::vector<std::uint64_t>& words, std::vector<std::uint32_t>& source,
                               std::int64_t epoch_day, std::int64_t first_day, std::int64_t last_day,
                               std::uint64_t merged_rows) {
    const std::size_t n = words.size() / 4;
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return words[4 * a] < words[4 * b]; });
    io::ImportedBase base;
    base.epoch_unix_day = epoch_day;
    base.first_unix_day = first_day;
    base.last_unix_day = last_day;
    base.merged_rows = merged_rows;
    io::CustomerShard& s = base.shard;
    s.offsets.push_back(0);
    for (const std::size_t i : order) {
        s.id.push_back(words[4 * i]);
        s.acquisition_day.push_back(kernels::Day(std::int64_t(words[4 * i + 1])));
        s.offsets.push_back(s.offsets.back() + words[4 * i + 2]);
        source.push_back(std::uint32_t(words[4 * i + 3]));
    }
    base.without_attributes();
    return base;
}

}  // namespace

void run_import(const mpi::Comm& comm, const ImportOptions& o, const RunInfo& info) {
    const StopRequests stop_requests;  // SIGTERM, SIGUSR1: stop cleanly, nothing written (no resume)
    PhaseTimer timer({"parse", "sort", "build", "write"});
    const bool talk = comm.root() && !o.quiet;
    io::StagedFile file(comm, o.output);  // checks the directory before any parsing

    // Every rank reads the channel map (a few lines): the dictionary goes into the file.
    io::TransactionsCsvOptions csv = o.csv;
    comm.agree([&] {
        if (!o.channel_map.empty()) csv.channels = io::ChannelMap::from_file(o.channel_map);
    });

    // The buckets of the rows (docs/architecture.md, "engage import"): a bucket being sorted holds
    // about 3.4 times its input bytes (measured at 100 M rows: its encoded rows, the decoded
    // Transactions and the built columns; docs/performance.md), so enough buckets that one
    // fits --memory-per-rank at 4 bytes a byte. Their number changes where rows wait, never the
    // result.
    std::vector<std::uint64_t> sizes;
    std::uint64_t total = 0;
    comm.agree([&] {
        for (const auto& path : o.transactions) {
            std::error_code ec;
            const auto size = std::filesystem::file_size(path, ec);
            if (ec) throw IoError(path + ": cannot open the transaction file (" + ec.message() +
                                  "); check the path given to --transactions");
            sizes.push_back(size);
            total += size;
        }
    });
    const std::uint32_t buckets = std::uint32_t(
        std::clamp<std::uint64_t>((4 * total + o.memory_per_rank - 1) / o.memory_per_rank, 1, kMaxBuckets));
    ScratchDir scratch(comm, file.staged() + ".scratch");
    // What the rows carry beyond customer, day, amount and channel: only what the options ask for.
    const io::RowFormat format{!o.csv.initiator_column.empty(), io::has_interaction_ids(o.csv)};
    if (o.transactions.size() > std::numeric_limits<std::uint16_t>::max())
        throw ConfigError("more than 65535 --transactions files; concatenate some of them");

    // Pass 1: every rank parses its byte range of every log into the buckets.
    std::vector<LogFile> logs;
    std::uint64_t data_rows = 0, bad_rows = 0;
    bool string_ids = false;        // --id-type string, or auto and some id is not a number
    std::vector<std::string> names;   // string ids: every distinct id, sorted (every rank)
    std::int64_t first_day = 0, last_day = 0;
    io::ParsedAttributes attributes;  // rank 0: the good rows of --attributes
    io::BucketLinks links;            // initiators and answers (docs/data-format.md)
    links.format = format;
    links.answers = !o.csv.answers_column.empty();
    links.files = o.transactions;
    links.interaction_column = o.csv.interaction_column;
    links.answers_column = o.csv.answers_column;
    {
        auto t = timer.measure("parse");
        std::unordered_set<std::string> seen;  // this rank's distinct ids (not with --id-type number)
        std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
        comm.agree([&] {
            io::BucketWriter writer(scratch.path(), comm.rank(), buckets, o.memory_per_rank / 4, format);
            const bool keep_names = o.csv.id_type != io::IdType::number;
            io::LineRange range;
            const auto saw = [&](const io::Transaction& row) {
                if (keep_names && !seen.contains(row.name)) seen.insert(row.name);
                lo = std::min(lo, row.unix_day);
                hi = std::max(hi, row.unix_day);
            };
            range.sink = [&](const io::Transaction& row) {
                writer.append(row);
                saw(row);
            };
            if (format.ids)
                range.linked_sink = [&](const io::Transaction& row, std::string_view interaction,
                                        std::string_view answers) {
                    writer.append(row, interaction, answers);
                    saw(row);
                };
            std::uint64_t mine = 0, done = 0;
            for (std::size_t f = 0; f < sizes.size(); ++f)
                mine += sizes[f] * std::uint64_t(comm.rank() + 1) / comm.size() - sizes[f] * comm.rank() / comm.size();
            Progress progress(talk, "import");
            for (std::size_t f = 0; f < o.transactions.size(); ++f) {
                const auto& path = o.transactions[f];
                range.begin = sizes[f] * std::uint64_t(comm.rank()) / comm.size();
                range.end = sizes[f] * std::uint64_t(comm.rank() + 1) / comm.size();
                writer.file(std::uint16_t(f));
                logs.push_back({path, io::read_transactions(path, csv, [&](std::uint64_t bytes) {
                                    progress.update(done + bytes, std::max(mine, done + bytes), "bytes");
                                    stop_if_requested("import", o.output, std::to_string(bytes) + " bytes of " + path);
                                }, range)});
                done += range.end - range.begin;
            }
            writer.flush();
        });
        gather_parse(comm, logs);
        if (format.ids) links.lines_before = lines_before(comm, logs);
        for (const auto& f : logs) {
            data_rows += f.parsed.data_lines;
            bad_rows += f.parsed.bad_rows;
        }
        // The latest day, minus the earliest (a maximum too), whether some id is text.
        const bool text = std::any_of(logs.begin(), logs.end(), [](const LogFile& f) { return f.parsed.text_ids; });
        std::vector<std::int64_t> extremes = {hi, lo == std::numeric_limits<std::int64_t>::max()
                                                      ? std::numeric_limits<std::int64_t>::min()
                                                      : -lo,
                                              std::int64_t(text)};
        comm.allreduce_max(extremes);
        last_day = extremes[0];
        first_day = -extremes[1];
        string_ids = o.csv.id_type == io::IdType::string || (o.csv.id_type == io::IdType::automatic && extremes[2]);
        comm.agree([&] {
            if (!comm.root()) return;
            const bool too_many = o.max_bad_rows.exceeded(bad_rows, data_rows);
            for (const auto& f : logs) report_bad_rows(f.bad_rows(), !too_many && f.good() > 0);
            for (const auto& f : logs) {
                if (f.parsed.data_lines == 0)
                    throw DataError(f.path + ": no data rows (the file is empty or holds only a header); "
                                             "give a file with one transaction per line");
                if (f.good() == 0)
                    throw DataError(f.path + ": none of its " + std::to_string(f.parsed.data_lines) +
                                    " data rows could be imported (reasons above); check --separator (" +
                                    std::string(io::separator_name(f.parsed.separator)) + "), --header, the columns (" +
                                    column_list(o.csv) + ") and --date-format against the file");
            }
            if (too_many) {
                std::vector<BadRows> files;
                for (const auto& f : logs) files.push_back(f.bad_rows());
                throw DataError(too_many_bad_rows(files, bad_rows, data_rows, o.max_bad_rows));
            }
        });
        if (string_ids) names = gather_names(comm, seen);
    }

    std::int64_t epoch_day = 0;
    comm.agree([&] {
        if (!o.epoch.empty()) {
            const auto epoch = parse_iso_date(o.epoch);
            if (!epoch) throw ConfigError("--epoch " + o.epoch + ": expected a date YYYY-MM-DD");
            if (*epoch > first_day)
                throw ConfigError("--epoch " + format_iso_date(*epoch) + " is after the earliest transaction date " +
                                  format_iso_date(first_day) + "; choose " + format_iso_date(first_day) +
                                  " or earlier, or leave --epoch out");
            epoch_day = *epoch;
        } else {
            const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{first_day}}};
            epoch_day = std::chrono::sys_days{ymd.year() / 1 / 1}.time_since_epoch().count();
        }
    });

    // Pass 2: rank b mod size sorts bucket b; rank 0 gathers the customers.
    std::vector<std::uint64_t> customers;  // rank 0: id, acquisition day, interactions, bucket
    std::uint64_t merged_rows = 0;
    {
        auto t = timer.measure("sort");
        std::vector<std::uint64_t> mine;
        std::vector<io::LinkBadRow> dropped;  // rows that answer what they cannot (with ids)
        std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
        comm.agree([&] {
            for (std::uint32_t b = std::uint32_t(comm.rank()); b < buckets; b += std::uint32_t(comm.size())) {
                io::BucketCustomers c = io::sort_bucket(scratch.path(), b, comm.size(), names, o.merge_same_day,
                                                        epoch_day, csv.channels.channels(), links);
                for (std::size_t i = 0; i < c.id.size(); ++i)
                    mine.insert(mine.end(), {c.id[i], std::uint64_t(std::int64_t(c.acquisition_day[i])),
                                             c.interactions[i], b});
                merged_rows += c.merged_rows;
                if (!c.id.empty()) {
                    lo = std::min(lo, c.first_unix_day);
                    hi = std::max(hi, c.last_unix_day);
                }
                dropped.insert(dropped.end(), std::make_move_iterator(c.bad.begin()),
                               std::make_move_iterator(c.bad.end()));
                stop_if_requested("import", o.output, "sorting bucket " + std::to_string(b));
            }
        });
        merged_rows = std::uint64_t(comm.sum(std::int64_t(merged_rows)));
        if (format.ids) {
            // The rows dropped here count with those of the parse against --max-bad-rows.
            std::sort(dropped.begin(), dropped.end(), [](const io::LinkBadRow& a, const io::LinkBadRow& b) {
                return a.file != b.file ? a.file < b.file : a.line < b.line;
            });
            std::vector<io::LinkBadRow> first;
            const std::uint64_t more = gather_link_bad_rows(comm, logs, dropped, first);
            bad_rows += more;
            std::vector<std::int64_t> extremes = {hi, lo == std::numeric_limits<std::int64_t>::max()
                                                          ? std::numeric_limits<std::int64_t>::min()
                                                          : -lo};
            comm.allreduce_max(extremes);
            comm.agree([&] {
                if (!comm.root() || more == 0) return;
                const bool too_many = o.max_bad_rows.exceeded(bad_rows, data_rows);
                for (const auto& b : first)
                    std::fprintf(stderr, "engage import: %s: line %llu: %s%s\n", logs[b.file].path.c_str(),
                                 (unsigned long long)b.line, b.reason.c_str(), too_many ? "" : "; row skipped");
                if (more > first.size())
                    std::fprintf(stderr, "engage import: %llu more rows with bad answers%s\n",
                                 (unsigned long long)(more - first.size()), too_many ? "" : " skipped");
                if (too_many) {
                    std::vector<BadRows> files;
                    for (const auto& f : logs) files.push_back(f.bad_rows());
                    throw DataError(too_many_bad_rows(files, bad_rows, data_rows, o.max_bad_rows,
                                                      "--interaction-id-column, --answers-column, the dates"));
                }
                if (extremes[0] == std::numeric_limits<std::int64_t>::min())
                    throw DataError("every row was dropped (bad answers above); nothing to import");
            });
            last_day = extremes[0];
            first_day = -extremes[1];
        }
        customers = gather_to_root(comm, mine);
    }

    io::ImportedBase base;
    io::ImportedHierarchy hierarchy = io::default_hierarchy();
    std::vector<std::uint32_t> source;   // rank 0: the bucket of each customer with interactions
    std::vector<std::uint64_t> counts;   // rank 0: the interactions of each customer
    std::vector<std::uint64_t> shape(5);  // customers, interactions, epoch day, first and last time
    {
        auto t = timer.measure("build");
        comm.agree([&] {
            if (!comm.root()) return;
            base = assemble_base(customers, source, epoch_day, first_day, last_day, merged_rows);
            customers = {};
            if (string_ids && base.shard.customers() < names.size()) {
                // Customers whose every row was dropped (bad answers) leave the names; the others
                // are renumbered (the order does not change).
                std::vector<std::string> kept;
                for (auto& id : base.shard.id) {
                    kept.push_back(std::move(names[id]));
                    id = kept.size() - 1;
                }
                names = std::move(kept);
            }
            if (!o.attributes.empty()) {
                attributes = read_attribute_file(o, base.shard.id, names, string_ids);
                if (string_ids) {
                    // The attribute file's customers without transactions take their places among
                    // the names; every id is renumbered (the order does not change).
                    std::vector<std::string> all = names;
                    for (const auto& c : attributes.rows) all.push_back(c.name);
                    std::sort(all.begin(), all.end());
                    all.erase(std::unique(all.begin(), all.end()), all.end());
                    for (auto& id : base.shard.id)
                        id = std::uint64_t(std::lower_bound(all.begin(), all.end(), names[id]) - all.begin());
                    for (auto& c : attributes.rows)
                        c.id = std::uint64_t(std::lower_bound(all.begin(), all.end(), c.name) - all.begin());
                    names = std::move(all);
                }
                hierarchy = io::apply_attributes(base, std::move(attributes.rows), attributes, o.attributes);
            }
            const auto& s = base.shard;
            // Customers of the attribute file alone have no interactions and read no bucket.
            std::vector<std::uint32_t> aligned;
            for (std::size_t i = 0, j = 0; i < s.customers(); ++i) {
                counts.push_back(s.offsets[i + 1] - s.offsets[i]);
                aligned.push_back(counts.back() > 0 ? source[j++] : 0);
            }
            source = std::move(aligned);
            shape = {s.customers(), s.interactions(), std::uint64_t(base.epoch_unix_day),
                     std::uint64_t((base.first_unix_day - base.epoch_unix_day) * kSecondsPerDay),
                     std::uint64_t((base.last_unix_day - base.epoch_unix_day) * kSecondsPerDay)};
        });
        comm.broadcast(shape);
        if (!comm.root()) names.clear();
        broadcast_lines(comm, names);
        for (auto& table : hierarchy.names) {
            if (!comm.root()) table.clear();
            broadcast_lines(comm, table);
        }
    }
    if (!string_ids) names.clear();

    io::CustomerBaseMeta meta =
        imported_meta(format_iso_date(std::int64_t(shape[2])), csv.channels.channels(), hierarchy);
    meta.has_amounts = io::has_amounts(o.csv);
    meta.has_initiator = format.initiator;
    meta.has_answers = links.answers;
    meta.customers = shape[0];
    meta.interactions = shape[1];
    std::uint64_t answering_rows = 0;  // rank 0: rows that answer another
    io::CustomerShard& s = base.shard;  // rank 0: everything; the others: nothing, placed at the end
    s.first_customer = comm.root() ? 0 : meta.customers;
    s.first_interaction = comm.root() ? 0 : meta.interactions;
    {
        auto t = timer.measure("write");
        std::unique_ptr<io::CustomerBaseWriter> writer;
        try {  // as in generate: every rank abandons the file together on a failure
            comm.agree([&] { writer = std::make_unique<io::CustomerBaseWriter>(comm, file.staged(), meta, false, o.compression); });
            comm.agree([&] {
                writer->write_customers(s, {}, {});
                writer->write_interactions(s);  // the offsets: the interactions follow in blocks
                if (!names.empty()) writer->write_names(names);
            });
            // Rank 0 reads the sorted buckets customer by customer, a block at a time; every
            // rank makes the same collective calls (the others with nothing).
            const std::uint64_t block = std::clamp<std::uint64_t>(o.memory_per_rank / 4 / 17, 4096, 1 << 24);
            std::unique_ptr<io::BucketMerge> merge;
            comm.agree([&] {
                if (comm.root())
                    merge = std::make_unique<io::BucketMerge>(
                        scratch.path(), buckets,
                        std::size_t(std::clamp<std::uint64_t>(o.memory_per_rank / 4 / buckets, 4096, 1 << 20)),
                        std::move(source), std::move(counts), meta.has_initiator, meta.has_answers);
            });
            io::SortedRows rows;
            answering_rows = 0;
            for (std::uint64_t first = 0; first < meta.interactions; first += block) {
                comm.agree([&] {
                    if (merge) merge->next(block, rows);
                    for (const std::uint32_t a : rows.answers) answering_rows += a != 0;
                    stop_if_requested("import", o.output, "writing interaction " + std::to_string(first));
                });
                comm.agree([&] {
                    writer->write_interaction_block(comm.root() ? first : meta.interactions, rows.time, rows.channel,
                                                    rows.value, rows.initiator, rows.answers);
                });
            }
            merge.reset();
            comm.agree([&] { writer->finish(std::int64_t(shape[3]), std::int64_t(shape[4])); });
            writer.reset();
            file.commit();
        } catch (...) {
            file.abandon();
            writer.reset();
            throw;
        }
    }

    nlohmann::ordered_json extra;
    extra["customers"] = meta.customers;
    extra["interactions"] = meta.interactions;
    const auto record = run_record(comm, info, timer, extra);
    if (talk) {
        std::string inputs;
        for (const auto& f : logs) inputs += (inputs.empty() ? "" : ", ") + f.path;
        std::printf("engage import: %s -> %s\n", inputs.c_str(), o.output.c_str());
        std::printf("  %llu customers, %llu interactions from %llu transaction rows (%llu merged into same-day "
                    "purchases, %llu bad rows skipped)\n",
                    (unsigned long long)meta.customers, (unsigned long long)meta.interactions,
                    (unsigned long long)data_rows, (unsigned long long)base.merged_rows,
                    (unsigned long long)bad_rows);
        std::printf("  dates %s to %s, epoch %s\n", format_iso_date(base.first_unix_day).c_str(),
                    format_iso_date(base.last_unix_day).c_str(), meta.epoch.c_str());
        for (const auto& f : logs) {
            const io::ParsedTransactions& p = f.parsed;
            const std::string header = p.header_line ? "header on line " + std::to_string(p.header_line) : "no header";
            std::printf("  %s%sread as %s-separated, %s, columns %s, dates %s%s\n", logs.size() > 1 ? f.path.c_str() : "",
                        logs.size() > 1 ? ": " : "", std::string(io::separator_name(p.separator)).c_str(),
                        header.c_str(), column_list(o.csv).c_str(),
                        std::string(io::date_format_name(o.csv.date_format)).c_str(),
                        o.merge_same_day ? ", same-day purchases merged" : "");
        }
        if (!names.empty())
            std::printf("  string ids: customers numbered 0..%llu in byte order of their ids, which /customers/name "
                        "holds\n",
                        (unsigned long long)(meta.customers - 1));
        if (!o.channel_map.empty())
            std::printf("  channel map %s: %zu labels, %zu channels (%zu built-in)\n", o.channel_map.c_str(),
                        csv.channels.file_labels(), meta.channels.size(), io::default_channels().size());
        if (!o.attributes.empty())
            std::printf("  attributes %s: %llu customers (%llu without transactions, added), %llu wallets, %llu "
                        "acquisition dates (%llu after the first transaction: its day kept); %zu business units, %zu "
                        "regions, %zu relationship managers, %zu segments\n",
                        o.attributes.c_str(), (unsigned long long)hierarchy.rows,
                        (unsigned long long)hierarchy.without_transactions, (unsigned long long)hierarchy.wallets,
                        (unsigned long long)hierarchy.acquisition_dates,
                        (unsigned long long)hierarchy.acquisition_after_first, meta.business_unit_names.size(),
                        meta.region_names.size(), meta.rm_names.size(), meta.segment_names.size());
        if (meta.has_initiator || meta.has_answers)
            std::printf("  %s%s%s\n",
                        meta.has_initiator ? ("initiators from column " + o.csv.initiator_column).c_str() : "",
                        meta.has_initiator && meta.has_answers ? "; " : "",
                        meta.has_answers ? ("answers from column " + o.csv.answers_column + " (ids: column " +
                                            o.csv.interaction_column + "): " + std::to_string(answering_rows) +
                                            " rows answer an earlier one")
                                               .c_str()
                                         : "");
        if (!meta.has_amounts)
            std::printf("  no amounts: purchases valued 0 (revenue unknown), other rows 1; spend and CLV will be "
                        "unknown\n");
        std::printf("%s", timing_summary(record).c_str());
    }
    if (comm.root())
        for (const auto& f : logs)
            if (f.parsed.bad_rows)
                std::fprintf(stderr, "engage import: %s: skipped %llu of %llu data rows (bad rows above)\n",
                             f.path.c_str(), (unsigned long long)f.parsed.bad_rows,
                             (unsigned long long)f.parsed.data_lines);
    if (comm.root() && attributes.bad_rows)
        std::fprintf(stderr, "engage import: %s: skipped %llu of %llu data rows (bad rows above)\n",
                     o.attributes.c_str(), (unsigned long long)attributes.bad_rows,
                     (unsigned long long)attributes.data_lines);
}

}  // namespace engage::jobs
