#include "jobs/import_job.hpp"


#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/dates.hpp"
#include "core/errors.hpp"
#include "core/progress.hpp"
#include "core/stop_request.hpp"
#include "io/customer_base.hpp"
#include "io/imported_hierarchy.hpp"
#include "io/staged_file.hpp"
#include "mpi/comm.hpp"

namespace engage::jobs {

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

// The bad rows of one input file: the first ones, with their line numbers, and how many.
struct BadRows {
    std::string path;
    const std::vector<io::BadRow>* first;
    std::uint64_t count = 0;
    std::uint64_t data_lines = 0;
};

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

// One transaction log as read.
struct LogFile {
    std::string path;
    io::ParsedTransactions parsed;
    BadRows bad_rows() const { return {path, &parsed.bad, parsed.bad_rows, parsed.data_lines}; }
};

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
    return c.channel_column.empty() ? s : s + ", channel " + c.channel_column;
}

// Rank 0 sends `lines` (strings without a newline, the first of them not empty) to every rank.
void broadcast_lines(const mpi::Comm& comm, std::vector<std::string>& lines) {
    std::string joined;
    if (comm.root())
        for (const auto& n : lines) joined += (joined.empty() ? "" : "\n") + n;
    comm.broadcast(joined);
    if (comm.root() || joined.empty()) return;
    for (std::size_t b = 0;;) {
        const std::size_t e = joined.find('\n', b);
        lines.push_back(joined.substr(b, e == std::string::npos ? std::string::npos : e - b));
        if (e == std::string::npos) break;
        b = e + 1;
    }
}

// Rank 0: reads the attribute file with the id type of the logs, turns the rows of customers
// with neither transactions nor an acquisition date into bad rows, reports the bad rows and
// applies --max-bad-rows to them alone (the file is not diluted by the rows of the logs).
io::ParsedAttributes read_attribute_file(const ImportOptions& o, const std::vector<io::Transaction>& rows,
                                         bool string_ids) {
    io::AttributesCsvOptions ao = o.attributes_csv;
    ao.id_type = string_ids ? io::IdType::string : io::IdType::number;
    ao.date_format = o.csv.date_format;
    ao.min_unix_day = o.csv.min_unix_day;
    ao.max_unix_day = o.csv.max_unix_day;
    io::ParsedAttributes p = io::read_attributes(o.attributes, ao);
    if (p.data_lines == 0)
        throw DataError(o.attributes + ": no data rows (the attribute file is empty or holds only a header); "
                        "give one row per customer under a header line");
    io::reject_customers_without_dates(p, rows, ao.id_type);
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

}  // namespace

void run_import(const mpi::Comm& comm, const ImportOptions& o, const RunInfo& info) {
    const StopRequests stop_requests;  // SIGTERM, SIGUSR1: stop cleanly, nothing written (no resume)
    PhaseTimer timer({"parse", "build", "write"});
    const bool talk = comm.root() && !o.quiet;
    io::StagedFile file(comm, o.output);  // checks the directory before any parsing

    // Every rank reads the channel map (a few lines): the dictionary goes into the file.
    io::TransactionsCsvOptions csv = o.csv;
    comm.agree([&] {
        if (!o.channel_map.empty()) csv.channels = io::ChannelMap::from_file(o.channel_map);
    });

    // Rank 0 reads every log; the others wait for its verdict.
    std::vector<LogFile> logs;
    std::vector<io::Transaction> rows;  // the good rows of every file, in file order
    std::uint64_t data_rows = 0, bad_rows = 0;
    bool string_ids = false;        // rank 0: --id-type string, or auto and some id is not a number
    io::ParsedAttributes attributes;  // rank 0: the good rows of --attributes
    {
        auto t = timer.measure("parse");
        comm.agree([&] {
            if (!comm.root()) return;
            std::uint64_t total = 0, done = 0;
            for (const auto& path : o.transactions) {
                std::error_code ec;
                const auto size = std::filesystem::file_size(path, ec);
                total += ec ? 0 : size;
            }
            Progress progress(talk, "import");
            for (const auto& path : o.transactions) {
                logs.push_back({path, io::read_transactions(path, csv, [&](std::uint64_t bytes) {
                                    progress.update(done + bytes, std::max(total, done + bytes), "bytes");
                                    stop_if_requested("import", o.output, std::to_string(bytes) + " bytes of " + path);
                                })});
                std::error_code ec;
                done += std::filesystem::file_size(path, ec);
                data_rows += logs.back().parsed.data_lines;
                bad_rows += logs.back().parsed.bad_rows;
            }
            const bool too_many = o.max_bad_rows.exceeded(bad_rows, data_rows);
            for (const auto& f : logs) report_bad_rows(f.bad_rows(), !too_many && !f.parsed.rows.empty());
            for (const auto& f : logs) {
                if (f.parsed.data_lines == 0)
                    throw DataError(f.path + ": no data rows (the file is empty or holds only a header); "
                                             "give a file with one transaction per line");
                if (f.parsed.rows.empty())
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
            for (auto& f : logs) {
                rows.insert(rows.end(), f.parsed.rows.begin(), f.parsed.rows.end());
                f.parsed.rows = {};
            }
            string_ids = o.csv.id_type == io::IdType::string ||
                         (o.csv.id_type == io::IdType::automatic &&
                          std::any_of(logs.begin(), logs.end(), [](const LogFile& f) { return f.parsed.text_ids; }));
            if (!o.attributes.empty()) attributes = read_attribute_file(o, rows, string_ids);
        });
    }

    // String ids (--id-type string, or auto and some id is not a whole number): customer i is
    // the i-th distinct id of the logs and the attribute file in byte order; every rank gets the
    // names for /customers/name, joined by newlines (an id holds no control character).
    std::vector<std::string> names;
    if (comm.root()) {
        if (string_ids) {
            std::vector<std::string> attribute_ids;
            for (const auto& c : attributes.rows) attribute_ids.push_back(c.name);
            names = io::number_string_ids(rows, attribute_ids);
            for (auto& c : attributes.rows)
                c.id = std::uint64_t(std::lower_bound(names.begin(), names.end(), c.name) - names.begin());
        } else {
            for (auto& t : rows) t.name = {};
        }
    }
    broadcast_lines(comm, names);

    io::ImportedBase base;
    io::ImportedHierarchy hierarchy = io::default_hierarchy();
    std::vector<std::uint64_t> shape(5);  // customers, interactions, epoch day, first and last time
    {
        auto t = timer.measure("build");
        comm.agree([&] {
            if (!comm.root()) return;
            std::optional<std::int64_t> epoch;
            if (!o.epoch.empty()) {
                epoch = parse_iso_date(o.epoch);
                if (!epoch) throw ConfigError("--epoch " + o.epoch + ": expected a date YYYY-MM-DD");
            }
            base = io::build_customer_base(std::move(rows), o.merge_same_day, epoch, csv.channels.channels());
            rows = {};
            if (!o.attributes.empty())
                hierarchy = io::apply_attributes(base, std::move(attributes.rows), attributes, o.attributes);
            const auto& s = base.shard;
            shape = {s.customers(), s.time.size(), std::uint64_t(base.epoch_unix_day),
                     std::uint64_t(s.time.empty() ? 0 : (base.first_unix_day - base.epoch_unix_day) * kSecondsPerDay),
                     std::uint64_t(s.time.empty() ? 0 : (base.last_unix_day - base.epoch_unix_day) * kSecondsPerDay)};
        });
        comm.broadcast(shape);
        for (auto& table : hierarchy.names) {
            if (!comm.root()) table.clear();
            broadcast_lines(comm, table);
        }
    }

    io::CustomerBaseMeta meta =
        imported_meta(format_iso_date(std::int64_t(shape[2])), csv.channels.channels(), hierarchy);
    meta.has_amounts = io::has_amounts(o.csv);
    meta.customers = shape[0];
    meta.interactions = shape[1];
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
                writer->write_interactions(s);
                if (!names.empty()) writer->write_names(names);
            });
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
