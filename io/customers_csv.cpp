#include "io/customers_csv.hpp"

#include <omp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <span>

#include "core/dates.hpp"
#include "core/errors.hpp"
#include "engagement/engagement_config.hpp"
#include "report/accounts_at_risk.hpp"
#include "io/direct_file.hpp"
#include "io/features_file.hpp"
#include "io/h5/file.hpp"
#include "io/h5/io_tuning.hpp"
#include "io/mapped_file.hpp"
#include "mpi/comm.hpp"
#include "mpi/shared_file.hpp"

namespace engage::io {

namespace {

constexpr std::size_t kDims = kernels::kDimensions;
constexpr std::uint64_t kRowsPerPiece = 1024;  // rows a thread formats at least

// A field as RFC 4180 wants it: quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

// A block's text: a buffer that a row is written into through a cursor, after room for the
// row's longest possible text is made (so no field checks the room it needs), and whose bytes
// are not cleared first (as std::string::resize would). A cache line of its own: the threads
// that format a block's pieces each commit to their Text after every row, and two Texts (24
// bytes each) in one line made that line travel between the cores at every row. Whether they
// shared a line depended on where the vector was allocated: at 1 rank x 2 threads on 10 M
// customers, accounts_at_risk.csv's formatting took 0.52-0.58 s in some runs and 1.04-1.17 s
// in the others (docs/performance.md, "False sharing in the CSVs' pieces").
class alignas(64) Text {
public:
    const char* data() const noexcept { return data_.get(); }
    std::size_t size() const noexcept { return size_; }
    void clear() noexcept { size_ = 0; }
    // Room for `bytes` more bytes after the text; write there, then commit(end).
    char* room(std::size_t bytes) {
        if (capacity_ - size_ < bytes) {
            const std::size_t grown = std::max(size_ + bytes, 2 * capacity_);
            std::unique_ptr<char[]> more(new char[grown]);
            if (size_ > 0) std::memcpy(more.get(), data_.get(), size_);
            data_ = std::move(more);
            capacity_ = grown;
        }
        return data_.get() + size_;
    }
    void commit(const char* end) noexcept { size_ = std::size_t(end - data_.get()); }

private:
    std::unique_ptr<char[]> data_;
    std::size_t size_ = 0, capacity_ = 0;
};

// The most one field's text takes, beside the name fields (which are as long as their names):
// a double in fixed notation has at most 309 digits before the point, then ".0", and a comma.
constexpr std::size_t kFieldBytes = 320;

// Number formats (docs/data-format.md, section 4). Every number is the shortest decimal that
// reads back to the value stored in customers.h5 (std::to_chars), so 0.1 prints as 0.1, not as
// 0.1000000000000000055511; float32 columns are printed as float32, so a score stored as
// 73.45679f prints 73.45679. Money and scores are printed without an exponent (1000000, not
// 1e+06); shares, probabilities and expected counts in the shortest of fixed and exponent forms;
// a whole value of a real column ends in ".0".
// Unknown values (NaN, an integer's _FillValue) are empty fields.
// A Line writes one row at a cursor into room the caller made for it (Text::room).
struct Line {
    char* p;
    bool first = true;
    void sep() noexcept {
        if (!first) *p++ = ',';
        first = false;
    }
    void text(const std::string& s) noexcept {
        sep();
        std::memcpy(p, s.data(), s.size());
        p += s.size();
    }
    void empty() noexcept { sep(); }
    template <class T> void integer(T v) noexcept {
        sep();
        p = std::to_chars(p, p + 24, v).ptr;
    }
    template <class T> void real(T v, bool fixed) noexcept {
        sep();
        if (std::isnan(v)) return;
        char* const start = p;
        p = (fixed ? std::to_chars(p, p + kFieldBytes, v, std::chars_format::fixed) : std::to_chars(p, p + kFieldBytes, v)).ptr;
        // A real column always shows that it is one ("50.0", not "50"), as report.json does, so
        // that a reader's type inference (pandas) makes it a float column even when every value
        // of a small table happens to be whole.
        if (std::find_if(start, p, [](char c) { return c == '.' || c == 'e' || c == 'n'; }) == p) {
            *p++ = '.';
            *p++ = '0';
        }
    }
    // YYYY-MM-DD (years 0000-9999: the reader checks acquisition days against that range).
    void date(std::int64_t unix_day) noexcept {
        sep();
        const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{unix_day}}};
        const unsigned y = unsigned(int(ymd.year())), m = unsigned(ymd.month()), d = unsigned(ymd.day());
        const char buf[10] = {char('0' + y / 1000), char('0' + y / 100 % 10), char('0' + y / 10 % 10), char('0' + y % 10), '-',
                              char('0' + m / 10), char('0' + m % 10), '-', char('0' + d / 10), char('0' + d % 10)};
        std::memcpy(p, buf, sizeof buf);
        p += sizeof buf;
    }
    void end() noexcept { *p++ = '\n'; }
};

// One block of rows read back from customers.h5 (and the ids from the input's name column).
struct Block {
    std::uint64_t first = 0, rows = 0;
    std::vector<std::string> names;
    std::vector<std::uint64_t> id;
    std::vector<std::int32_t> acquisition_day, tenure, recency, last_interaction;
    std::vector<std::uint32_t> business_unit, region, rm, frequency, interactions, interactions_total, breadth,
        active_weeks, active_months;
    std::vector<std::uint8_t> segment, tier, tier_previous;
    std::vector<std::int8_t> last_nps;
    std::vector<double> wallet, monetary;
    std::vector<float> usage_regularity, sentiment, share_of_wallet, dimensions, composite, composite_previous, trend,
        p_alive, expected_transactions, expected_spend, clv, bgbb_p_alive, bgbb_expected_transactions, bgbb_dert,
        bgbb_clv;
    std::vector<std::vector<std::int32_t>> touch_counts;  // the /touches columns, in touches_columns() order
    std::vector<std::vector<double>> touch_reals;
};

class Source {
public:
    Source(h5::File& out, h5::File* input, bool retention, bool bgbb, bool risk, bool touches)
        : out_(out), input_(input), retention_(retention), bgbb_(bgbb), risk_(risk), touches_(touches), file_(out.name()) {
        auto names = [&](const char* p) {
            std::vector<std::string> v = out_.read_strings(p);
            for (auto& s : v) s = csv_field(s);
            return v;
        };
        business_unit_names_ = names("/customers/business_unit_names");
        region_names_ = names("/customers/region_names");
        rm_names_ = names("/customers/rm_names");
        segment_names_ = names("/customers/segment_names");
        for (const auto& t : kernels::kTierNames) tier_names_.emplace_back(t);
        fields_ = (risk_ ? accounts_at_risk_csv_columns() : customers_csv_columns(touches_)).size();
        epoch_unix_day_ = parse_iso_date(out_.read_string_attribute("/", "epoch").value_or("")).value_or(0);
        Block columns;
        each_column(columns, [&]<class T>(const char* path, std::vector<T>&, std::uint64_t width) {
            if (const auto at = out_.dataset(path).offset_in_file<T>()) extents_.push_back({*at, sizeof(T) * width});
        });
    }

    void read(std::uint64_t first, std::uint64_t rows, Block& b) const {
        b.first = first;
        b.rows = rows;
        if (input_) b.names = input_->read_strings("/customers/name", first, rows);
        each_column(b, [&]<class T>(const char* path, std::vector<T>& v, std::uint64_t width) {
            v.resize(rows * width);
            out_.dataset(path).read(first, std::span<T>(v));
        });
    }

    // Asks the kernel to read rows [first, first + rows) of the columns into the page cache
    // while the rank formats another block (customers.h5's columns were written past the page
    // cache, so read() would otherwise wait for the disk column by column). Only a hint, for the
    // contiguous columns (the filtered ones are read as they come).
    void ahead(std::uint64_t first, std::uint64_t rows) const noexcept {
        for (const Extent& e : extents_) file_.will_need(e.offset + first * e.row_bytes, rows * e.row_bytes);
    }

    // The block's lines, formatted on the rank's OpenMP threads in pieces: `parts` holds them in
    // order (the block's text is their concatenation, the same bytes for any number of
    // threads) and keeps its memory from block to block, so that no piece is grown from
    // nothing again (new memory costs a page fault per 4 KiB) or copied into one text. An
    // error is the one of the first piece that has one, so it does not depend on the threads
    // either.
    void format(const Block& b, std::vector<Text>& parts) const {
        const std::uint64_t pieces = std::min<std::uint64_t>(std::uint64_t(omp_get_max_threads()), b.rows / kRowsPerPiece + 1);
        if (parts.size() < pieces) parts.resize(pieces);
        for (Text& part : parts) part.clear();
        if (pieces <= 1) return format_rows(b, 0, b.rows, parts[0]);
        std::vector<std::exception_ptr> errors(pieces);
#pragma omp parallel for schedule(static, 1)
        for (std::uint64_t p = 0; p < pieces; ++p) {
            try {
                format_rows(b, b.rows * p / pieces, b.rows * (p + 1) / pieces, parts[p]);
            } catch (...) {
                errors[p] = std::current_exception();
            }
        }
        for (const auto& e : errors)
            if (e) std::rethrow_exception(e);
    }

    // Appends the lines of the block's rows [i0, i1) to `out`.
    void format_rows(const Block& b, std::uint64_t i0, std::uint64_t i1, Text& out) const {
        const std::string& file = out_.name();
        auto name = [&](const std::vector<std::string>& table, std::uint32_t code, const char* what,
                        std::uint64_t row) -> const std::string& {
            if (code >= table.size())
                throw DataError(file + ": /customers/" + what + " row " + std::to_string(row) + " is " +
                                std::to_string(code) + ", beyond its " + std::to_string(table.size()) + " names");
            return table[code];
        };
        // A relationship manager's name is one of many (one manager per 250 customers in the
        // generator's bases: 40,000 names at 10 M customers), so each row's is a cache miss at
        // random, the rows' costliest step. Fetched ahead, the string a few rows before its
        // characters (which a long name keeps apart), the misses overlap instead of coming in turn.
        constexpr std::uint64_t kAhead = 8;
        const std::size_t managers = rm_names_.size();
        for (std::uint64_t i = i0; i < i1; ++i) {
            if (i + 2 * kAhead < i1 && b.rm[i + 2 * kAhead] < managers) __builtin_prefetch(&rm_names_[b.rm[i + 2 * kAhead]]);
            if (i + kAhead < i1 && b.rm[i + kAhead] < managers) __builtin_prefetch(rm_names_[b.rm[i + kAhead]].data());
            const std::uint64_t row = b.first + i;
            if (risk_ && !at_risk(b.tier[i])) continue;
            const std::string id = input_ ? csv_field(b.names[i]) : std::string();
            const std::string& unit = name(business_unit_names_, b.business_unit[i], "business_unit", row);
            const std::string& region = name(region_names_, b.region[i], "region", row);
            const std::string& rm = name(rm_names_, b.rm[i], "rm", row);
            const std::string& segment = name(segment_names_, b.segment[i], "segment", row);
            Line l{out.room(id.size() + unit.size() + region.size() + rm.size() + segment.size() + fields_ * kFieldBytes)};
            if (input_) l.text(id);
            else l.integer(b.id[i]);
            l.text(unit);
            l.text(region);
            l.text(rm);
            l.text(segment);
            if (risk_) {
                risk_columns(l, b, i, row);
                out.commit(l.p);
                continue;
            }
            l.real(b.wallet[i], true);
            l.date(epoch_unix_day_ + b.acquisition_day[i]);
            for (std::int32_t d : {b.tenure[i], b.recency[i], b.last_interaction[i]})
                if (d == kUnknownDays) l.empty();
                else l.integer(d);
            l.integer(b.frequency[i]);
            l.real(b.monetary[i], true);
            l.integer(b.interactions[i]);
            l.integer(b.interactions_total[i]);
            l.integer(b.breadth[i]);
            l.integer(b.active_weeks[i]);
            l.integer(b.active_months[i]);
            l.real(b.usage_regularity[i], false);
            l.real(b.sentiment[i], false);
            l.real(b.share_of_wallet[i], false);
            if (b.last_nps[i] == kUnknownNps) l.empty();
            else l.integer(int(b.last_nps[i]));
            for (std::size_t k = 0; k < kDims; ++k) l.real(b.dimensions[i * kDims + k], true);
            l.real(b.composite[i], true);
            tier(l, b.tier[i], row);
            l.real(b.composite_previous[i], true);
            tier(l, b.tier_previous[i], row);
            l.real(b.trend[i], true);
            if (retention_) {
                l.real(b.p_alive[i], false);
                l.real(b.expected_transactions[i], false);
                l.real(b.expected_spend[i], true);
                l.real(b.clv[i], true);
            } else {
                for (int k = 0; k < 4; ++k) l.empty();
            }
            if (bgbb_) {
                l.real(b.bgbb_p_alive[i], false);
                l.real(b.bgbb_expected_transactions[i], false);
                l.real(b.bgbb_dert[i], false);
                l.real(b.bgbb_clv[i], true);
            } else {
                for (int k = 0; k < 4; ++k) l.empty();
            }
            if (touches_) {
                const auto& cols = touches_columns();
                for (std::size_t k = 0; k < cols.size(); ++k)
                    if (cols[k].real) l.real(b.touch_reals[k][i], false);
                    else if (b.touch_counts[k][i] == kUnknownCount) l.empty();
                    else l.integer(b.touch_counts[k][i]);
            }
            l.end();
            out.commit(l.p);
        }
    }

private:
    // Calls col(path, b's vector, values a row) for every column that read() reads.
    template <class Col> void each_column(Block& b, Col&& col) const {
        col("/customers/id", b.id, 1);
        col("/customers/business_unit", b.business_unit, 1);
        col("/customers/region", b.region, 1);
        col("/customers/rm", b.rm, 1);
        col("/customers/segment", b.segment, 1);
        col("/features/monetary", b.monetary, 1);
        col("/engagement/composite", b.composite, 1);
        col("/engagement/tier", b.tier, 1);
        col("/engagement/composite_previous", b.composite_previous, 1);
        col("/engagement/tier_previous", b.tier_previous, 1);
        col("/engagement/trend", b.trend, 1);
        if (risk_) return;  // accounts_at_risk.csv's columns are all read
        col("/customers/acquisition_day", b.acquisition_day, 1);
        col("/customers/wallet", b.wallet, 1);
        col("/features/tenure_days", b.tenure, 1);
        col("/features/recency_days", b.recency, 1);
        col("/features/last_interaction_days", b.last_interaction, 1);
        col("/features/frequency", b.frequency, 1);
        col("/features/interactions", b.interactions, 1);
        col("/features/interactions_total", b.interactions_total, 1);
        col("/features/breadth", b.breadth, 1);
        col("/features/active_weeks", b.active_weeks, 1);
        col("/features/active_months", b.active_months, 1);
        col("/signals/usage_regularity", b.usage_regularity, 1);
        col("/signals/sentiment", b.sentiment, 1);
        col("/signals/share_of_wallet", b.share_of_wallet, 1);
        col("/signals/last_nps", b.last_nps, 1);
        col("/engagement/dimensions", b.dimensions, kDims);
        if (touches_) {
            const auto& cols = touches_columns();
            b.touch_counts.resize(cols.size());
            b.touch_reals.resize(cols.size());
            for (std::size_t k = 0; k < cols.size(); ++k)
                if (cols[k].real) col(cols[k].path, b.touch_reals[k], 1);
                else col(cols[k].path, b.touch_counts[k], 1);
        }
        if (!retention_) return;
        col("/retention/p_alive", b.p_alive, 1);
        col("/retention/expected_transactions", b.expected_transactions, 1);
        col("/retention/expected_spend", b.expected_spend, 1);
        col("/retention/clv", b.clv, 1);
        if (!bgbb_) return;
        col("/retention/bgbb_p_alive", b.bgbb_p_alive, 1);
        col("/retention/bgbb_expected_transactions", b.bgbb_expected_transactions, 1);
        col("/retention/bgbb_dert", b.bgbb_dert, 1);
        col("/retention/bgbb_clv", b.bgbb_clv, 1);
    }

    static bool at_risk(std::uint8_t t) noexcept {
        return t < kernels::kTiers && kernels::at_risk_tier(kernels::Tier(t));
    }
    // accounts_at_risk.csv after the attributes: the revenue at risk (the window's revenue), the
    // score and tier now and at the trend date, and whether the account is newly at risk.
    void risk_columns(Line& l, const Block& b, std::uint64_t i, std::uint64_t row) const {
        l.real(b.monetary[i], true);
        l.real(b.composite[i], true);
        tier(l, b.tier[i], row);
        l.real(b.composite_previous[i], true);
        tier(l, b.tier_previous[i], row);
        l.real(b.trend[i], true);
        l.text(b.tier_previous[i] != kUnknownTier && !at_risk(b.tier_previous[i]) ? "true" : "false");
        l.end();
    }

    void tier(Line& l, std::uint8_t t, std::uint64_t row) const {
        if (t == kUnknownTier) return l.empty();
        if (t >= tier_names_.size())
            throw DataError(out_.name() + ": a tier of row " + std::to_string(row) + " is " + std::to_string(t) +
                            ", not a tier code");
        l.text(tier_names_[t]);
    }

    h5::File& out_;
    h5::File* input_;
    bool retention_, bgbb_, risk_, touches_;
    // Where each contiguous column's rows lie in customers.h5, for ahead().
    struct Extent {
        std::uint64_t offset = 0, row_bytes = 0;
    };
    MappedFile file_;
    std::vector<Extent> extents_;
    std::vector<std::string> business_unit_names_, region_names_, rm_names_, segment_names_, tier_names_;
    std::size_t fields_ = 0;  // the columns of a row
    std::int64_t epoch_unix_day_ = 0;
};

std::string header(bool risk, bool touches) {
    std::string h;
    for (const auto& c : risk ? accounts_at_risk_csv_columns() : customers_csv_columns(touches)) h += (h.empty() ? "" : ",") + c;
    return h + "\n";
}

}  // namespace

std::vector<std::string> customers_csv_columns(bool touches) {
    std::vector<std::string> c = {"customer_id", "business_unit", "region", "relationship_manager", "segment", "wallet",
                                  "acquisition_date", "tenure_days", "recency_days", "last_interaction_days",
                                  "frequency", "monetary", "interactions", "interactions_total", "breadth",
                                  "active_weeks", "active_months", "usage_regularity", "sentiment",
                                  "share_of_wallet", "last_nps"};
    for (const auto& d : kernels::kDimensionNames) c.push_back(std::string(d) + "_score");
    for (const char* s : {"composite", "tier", "composite_previous", "tier_previous", "trend", "p_alive",
                          "expected_transactions", "expected_spend", "clv", "bgbb_p_alive", "bgbb_expected_transactions",
                          "bgbb_dert", "bgbb_clv"})
        c.emplace_back(s);
    if (touches)
        for (const TouchesColumn& t : touches_columns()) c.emplace_back(std::string(t.path).substr(std::string("/touches/").size()));
    return c;
}

std::vector<std::string> accounts_at_risk_csv_columns() {
    return {"customer_id", "business_unit", "region", "relationship_manager", "segment", "revenue_at_risk",
            "composite", "tier", "composite_previous", "tier_previous", "trend", "newly_at_risk"};
}

std::uint64_t write_customers_csv(const mpi::Comm& comm, const CustomersCsvJob& job) {
    std::optional<h5::File> out, input;
    bool names = false, retention = false, bgbb = false, touches = false;
    std::uint64_t rows_total = 0;
    comm.agree([&] { out.emplace(h5::File::open(comm, job.customers_h5)); });
    comm.agree([&] {
        rows_total = out->dataset("/customers/id").rows();
        retention = out->exists("/retention/p_alive");
        bgbb = out->exists("/retention/bgbb_p_alive");
        touches = !job.accounts_at_risk && out->exists("/touches/offers");
    });
    // The original ids: the input's name column when it has one (a base imported with string
    // ids), else the numeric /customers/id.
    comm.agree([&] { input.emplace(h5::File::open(comm, job.input)); });
    comm.agree([&] {
        names = input->exists("/customers/name");
        if (names) input->check_string_column("/customers/name", rows_total);
    });
    std::unique_ptr<Source> source;
    comm.agree([&] {
        source = std::make_unique<Source>(*out, names ? &*input : nullptr, retention, bgbb, job.accounts_at_risk, touches);
    });

    // Block k of rows is read and formatted by rank k mod P and written at its place in the file
    // as soon as the place is known: the byte offset after block k - 1 comes from that block's
    // rank, a token [offset, failed] passed around the ranks in block order. A rank formats its
    // block while the others format theirs and waits only for the token, so no rank holds more
    // than one block of text and no text goes through a scratch file. The blocks, and so the
    // bytes, do not depend on the number of ranks or threads.
    const std::uint64_t block = std::max<std::uint64_t>(1, job.block_rows);
    const std::uint64_t blocks = (rows_total + block - 1) / block;
    const std::uint64_t ranks = std::uint64_t(comm.size()), me = std::uint64_t(comm.rank());
    std::optional<mpi::SharedFile> csv;  // created and truncated collectively, written by each rank
    comm.agree([&] { csv.emplace(comm, job.csv); });
    std::uint64_t end = 0;  // the file's size, on the rank of the last block (rank 0 without blocks)
    comm.agree([&] {
        DirectFile text_out(job.csv, h5::io_tuning().direct_output, DirectFile::kDefaultStageBytes, job.write_queue_bytes);
        // A failure (a bad code in a row, a full disk) ends this rank's writing, not its part in
        // passing the token: the other ranks then finish their turns, and the agreement reports it.
        std::exception_ptr failure;
        auto attempt = [&](auto&& step) {
            if (failure) return;
            try {
                step();
            } catch (...) {
                failure = std::current_exception();
            }
        };
        std::array<std::uint64_t, 2> token{0, 0};
        if (comm.root()) {
            const std::string head = header(job.accounts_at_risk, touches);
            attempt([&] { text_out.write(0, head.data(), head.size()); });
            token[0] = head.size();
            end = blocks == 0 ? token[0] : 0;
        }
        Block b;
        std::vector<Text> text;  // the block's text in pieces (Source::format)
        for (std::uint64_t k = me; k < blocks; k += ranks) {
            attempt([&] {
                source->read(k * block, std::min(block, rows_total - k * block), b);
                if (const std::uint64_t next = k + ranks; next < blocks)
                    source->ahead(next * block, std::min(block, rows_total - next * block));
                source->format(b, text);
            });
            if (failure) text.clear();
            if (k > 0 && ranks > 1) {
                const mpi::ReceiveFrom from{int((k - 1) % ranks), token};
                comm.exchange({}, std::span(&from, 1));
            }
            std::uint64_t at = token[0];
            for (const Text& piece : text) {
                if (token[1] == 0) attempt([&] { text_out.write(at, piece.data(), piece.size()); });
                at += piece.size();
            }
            token[0] = at;
            token[1] |= failure ? 1 : 0;
            if (k + 1 == blocks) end = token[0];
            else if (ranks > 1) {
                const mpi::SendTo to{int((k + 1) % ranks), token};
                comm.exchange(std::span(&to, 1), {});
            }
        }
        attempt([&] { text_out.finish(); });
        if (failure) std::rethrow_exception(failure);
    });
    const std::uint64_t total = std::uint64_t(comm.max(std::int64_t(end)));
    comm.agree([&] { csv->close(); });
    source.reset();
    comm.agree([&] { input->close(); });
    comm.agree([&] { out->close(); });
    return total;
}

}  // namespace engage::io
