#include "io/import_buckets.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <numeric>
#include <stdexcept>

#include "core/errors.hpp"
#include "io/interaction_links.hpp"

namespace engage::io {

namespace {

std::string why() { return std::strerror(errno); }

// splitmix64's finalizer (Steele, Lea, Flood 2014): fixed constants, the same bucket on every
// machine, unlike std::hash.
std::uint64_t mix(std::uint64_t x) noexcept {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// A row on disk: id, unix_day, amount (8 bytes each), channel, the name's length (2 bytes) and
// its bytes (kMaxIdBytes at most), in the machine's byte order (the files never leave the job).
constexpr std::size_t kFixed = 8 + 8 + 8 + 1 + 2;
constexpr std::size_t kSortedRow = 8 + 1 + 8;
constexpr std::size_t kIdsFixed = 2 + 8 + 2 + 2;  // file, line, the ids' lengths

void write_all(int fd, const char* data, std::size_t n, const std::string& path) {
    while (n > 0) {
        const ssize_t w = ::write(fd, data, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0)
            throw IoError(path + ": cannot write the import's scratch file: " + why() +
                          "; free disk space beside the output (the import keeps about twice the rows' encoded size "
                          "there while it runs: docs/data-format.md, --memory-per-rank)");
        data += w;
        n -= std::size_t(w);
    }
}

}  // namespace

std::uint32_t bucket_of(const Transaction& t, std::uint32_t buckets) noexcept {
    std::uint64_t key = t.id;
    if (!t.name.empty()) {
        const char* b = t.name.data();
        const char* e = b + t.name.size();
        const bool digits = std::all_of(b, e, [](char c) { return c >= '0' && c <= '9'; });
        if (!digits || std::from_chars(b, e, key).ec != std::errc()) {
            key = 0xcbf29ce484222325ULL;  // FNV-1a over the bytes
            for (const char* p = b; p != e; ++p) key = (key ^ (unsigned char)*p) * 0x100000001b3ULL;
            key = ~key;  // apart from the numbers' keys
        }
    }
    return std::uint32_t(mix(key) % buckets);
}

std::string bucket_path(const std::string& dir, std::uint32_t bucket, int rank) {
    return dir + "/bucket-" + std::to_string(bucket) + ".rank-" + std::to_string(rank);
}

std::string sorted_path(const std::string& dir, std::uint32_t bucket) {
    return dir + "/bucket-" + std::to_string(bucket) + ".sorted";
}

BucketWriter::BucketWriter(std::string dir, int rank, std::uint32_t buckets, std::uint64_t buffer_bytes,
                           RowFormat format)
    : dir_(std::move(dir)), rank_(rank),
      buffer_bytes_(std::max<std::size_t>(4096, std::size_t(buffer_bytes / std::max<std::uint32_t>(1, buckets)))),
      buffers_(buckets), fds_(buckets, -1), format_(format) {}

BucketWriter::~BucketWriter() {
    for (int fd : fds_)
        if (fd >= 0) ::close(fd);
}

void BucketWriter::append(const Transaction& t) { append(t, {}, {}); }

void BucketWriter::append(const Transaction& t, std::string_view interaction, std::string_view answers) {
    const std::uint32_t b = bucket_of(t, std::uint32_t(buffers_.size()));
    std::vector<char>& buf = buffers_[b];
    if (buf.capacity() == 0) buf.reserve(buffer_bytes_);
    const std::uint16_t len = std::uint16_t(t.name.size());
    const std::size_t at = buf.size();
    buf.resize(at + kFixed + len);
    char* p = buf.data() + at;
    std::memcpy(p, &t.id, 8);
    std::memcpy(p + 8, &t.unix_day, 8);
    std::memcpy(p + 16, &t.amount, 8);
    std::memcpy(p + 24, &t.channel, 1);
    std::memcpy(p + 25, &len, 2);
    std::memcpy(p + kFixed, t.name.data(), len);
    bytes_ += kFixed + len;
    // The optional parts: initiator; file, line, the two ids' lengths and bytes.
    if (format_.initiator) {
        buf.push_back(char(t.initiator));
        bytes_ += 1;
    }
    if (format_.ids) {
        const std::uint16_t ilen = std::uint16_t(interaction.size()), alen = std::uint16_t(answers.size());
        const std::size_t from = buf.size();
        buf.resize(from + kIdsFixed + ilen + alen);
        char* q = buf.data() + from;
        std::memcpy(q, &file_, 2);
        std::memcpy(q + 2, &t.line, 8);
        std::memcpy(q + 10, &ilen, 2);
        std::memcpy(q + 12, &alen, 2);
        std::memcpy(q + kIdsFixed, interaction.data(), ilen);
        std::memcpy(q + kIdsFixed + ilen, answers.data(), alen);
        bytes_ += kIdsFixed + ilen + alen;
    }
    if (buf.size() >= buffer_bytes_) write_out(b);
}

void BucketWriter::write_out(std::uint32_t b) {
    std::vector<char>& buf = buffers_[b];
    if (buf.empty()) return;
    const std::string path = bucket_path(dir_, b, rank_);
    if (fds_[b] < 0) {
        fds_[b] = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fds_[b] < 0) throw IoError(path + ": cannot create the import's scratch file: " + why());
    }
    write_all(fds_[b], buf.data(), buf.size(), path);
    buf.clear();
}

void BucketWriter::flush() {
    for (std::uint32_t b = 0; b < buffers_.size(); ++b) {
        write_out(b);
        std::vector<char>().swap(buffers_[b]);
        if (fds_[b] >= 0 && ::close(fds_[b]) != 0) {
            fds_[b] = -1;
            throw IoError(bucket_path(dir_, b, rank_) + ": cannot write the import's scratch file: " + why());
        }
        fds_[b] = -1;
    }
}

std::vector<Transaction> read_bucket(const std::string& dir, std::uint32_t bucket, int ranks) {
    return read_bucket(dir, bucket, ranks, {}, {}).rows;
}

BucketRows read_bucket(const std::string& dir, std::uint32_t bucket, int ranks, RowFormat format,
                       const std::vector<std::uint64_t>& lines_before) {
    BucketRows out;
    std::vector<Transaction>& rows = out.rows;
    std::vector<char> bytes;
    for (int r = 0; r < ranks; ++r) {
        const std::string path = bucket_path(dir, bucket, r);
        std::error_code ec;
        const auto size = std::filesystem::file_size(path, ec);
        if (ec) continue;  // no rows of this bucket on rank r
        bytes.resize(size);
        std::FILE* f = std::fopen(path.c_str(), "rb");
        if (!f) throw IoError(path + ": cannot open the import's scratch file: " + why());
        const std::size_t got = std::fread(bytes.data(), 1, bytes.size(), f);
        std::fclose(f);
        if (got != bytes.size()) throw IoError(path + ": cannot read the import's scratch file: " + why());
        std::filesystem::remove(path, ec);
        const auto truncated = [&] { return IoError(path + ": the import's scratch file is truncated"); };
        for (std::size_t at = 0; at < bytes.size();) {
            if (at + kFixed > bytes.size()) throw truncated();
            Transaction t;
            const char* p = bytes.data() + at;
            std::uint16_t len = 0;
            std::memcpy(&t.id, p, 8);
            std::memcpy(&t.unix_day, p + 8, 8);
            std::memcpy(&t.amount, p + 16, 8);
            std::memcpy(&t.channel, p + 24, 1);
            std::memcpy(&len, p + 25, 2);
            if (at + kFixed + len > bytes.size()) throw truncated();
            t.name.assign(p + kFixed, len);
            at += kFixed + len;
            if (format.initiator) {
                if (at + 1 > bytes.size()) throw truncated();
                t.initiator = std::uint8_t(bytes[at]);
                at += 1;
            }
            if (format.ids) {
                if (at + kIdsFixed > bytes.size()) throw truncated();
                const char* q = bytes.data() + at;
                std::uint16_t file = 0, ilen = 0, alen = 0;
                std::memcpy(&file, q, 2);
                std::memcpy(&t.line, q + 2, 8);
                std::memcpy(&ilen, q + 10, 2);
                std::memcpy(&alen, q + 12, 2);
                if (at + kIdsFixed + ilen + alen > bytes.size()) throw truncated();
                const std::size_t slot = std::size_t(file) * std::size_t(ranks) + std::size_t(r);
                if (slot >= lines_before.size())
                    throw std::logic_error("read_bucket: no line offsets for file " + std::to_string(file));
                t.line += lines_before[slot];
                out.file.push_back(file);
                out.interaction.emplace_back(q + kIdsFixed, ilen);
                out.answers.emplace_back(q + kIdsFixed + ilen, alen);
                at += kIdsFixed + ilen + alen;
            }
            rows.push_back(std::move(t));
        }
    }
    return out;
}

void write_sorted(const std::string& path, std::span<const std::int64_t> time, std::span<const std::uint8_t> channel,
                  std::span<const double> value, std::span<const std::uint8_t> initiator,
                  std::span<const std::uint32_t> answers) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw IoError(path + ": cannot create the import's scratch file: " + why());
    const std::size_t row = kSortedRow + (initiator.empty() ? 0 : 1) + (answers.empty() ? 0 : 4);
    std::vector<char> buf;
    constexpr std::size_t kRows = 1 << 16;
    try {
        for (std::size_t i = 0; i < time.size(); i += kRows) {
            const std::size_t n = std::min(kRows, time.size() - i);
            buf.resize(n * row);
            for (std::size_t k = 0; k < n; ++k) {
                char* p = buf.data() + k * row;
                std::memcpy(p, &time[i + k], 8);
                std::memcpy(p + 8, &channel[i + k], 1);
                std::memcpy(p + 9, &value[i + k], 8);
                std::size_t at = kSortedRow;
                if (!initiator.empty()) p[at++] = char(initiator[i + k]);
                if (!answers.empty()) std::memcpy(p + at, &answers[i + k], 4);
            }
            write_all(fd, buf.data(), buf.size(), path);
        }
    } catch (...) {
        ::close(fd);
        throw;
    }
    if (::close(fd) != 0) throw IoError(path + ": cannot write the import's scratch file: " + why());
}

SortedReader::SortedReader(std::string path, std::size_t buffer_bytes, bool initiator, bool answers)
    : path_(std::move(path)), buffer_(std::max<std::size_t>(4096, buffer_bytes)), initiator_(initiator),
      answers_(answers) {}

SortedReader::~SortedReader() {
    if (file_) std::fclose(file_);
    std::error_code ec;
    std::filesystem::remove(path_, ec);
}

void SortedReader::read(std::uint64_t n, SortedRows& out) {
    if (!file_) {
        file_ = std::fopen(path_.c_str(), "rb");
        if (!file_) throw IoError(path_ + ": cannot open the import's scratch file: " + why());
        std::setvbuf(file_, buffer_.data(), _IOFBF, buffer_.size());
    }
    const std::size_t size = kSortedRow + (initiator_ ? 1 : 0) + (answers_ ? 4 : 0);
    char row[kSortedRow + 5];
    for (std::uint64_t k = 0; k < n; ++k) {
        if (std::fread(row, 1, size, file_) != size) throw IoError(path_ + ": the import's scratch file ends early");
        std::int64_t t;
        std::uint8_t c;
        double v;
        std::memcpy(&t, row, 8);
        std::memcpy(&c, row + 8, 1);
        std::memcpy(&v, row + 9, 8);
        out.time.push_back(t);
        out.channel.push_back(c);
        out.value.push_back(v);
        std::size_t at = kSortedRow;
        if (initiator_) out.initiator.push_back(std::uint8_t(row[at++]));
        if (answers_) {
            std::uint32_t a;
            std::memcpy(&a, row + at, 4);
            out.answers.push_back(a);
        }
    }
}

namespace {

// The order of a bucket's rows: a total order of what is kept, so that rows equal in every key
// are equal in everything kept and their order cannot show. Amounts by value (finite), then by
// bits (0.0 and -0.0). Without initiators, every initiator is 0.
bool kept_before(const Transaction& a, const Transaction& b) {
    if (a.id != b.id) return a.id < b.id;
    if (a.unix_day != b.unix_day) return a.unix_day < b.unix_day;
    if (a.channel != b.channel) return a.channel < b.channel;
    if (a.initiator != b.initiator) return a.initiator < b.initiator;
    if (a.amount != b.amount) return a.amount < b.amount;
    return std::signbit(a.amount) > std::signbit(b.amount);
}

// With ids: each customer's rows resolved, the bad ones dropped (listed in `bad`), the rest
// sorted with the depths of their day first; `answered` gets, per sorted row, the index of the
// row it answers.
std::vector<Transaction> resolve_bucket(BucketRows in, const std::vector<std::string>& names, const BucketLinks& links,
                                        std::vector<std::uint32_t>& answered, std::vector<LinkBadRow>& bad) {
    std::vector<Transaction>& rows = in.rows;
    const std::size_t n = rows.size();
    std::vector<std::uint32_t> by_customer(n);
    std::iota(by_customer.begin(), by_customer.end(), 0u);
    std::sort(by_customer.begin(), by_customer.end(), [&](std::uint32_t a, std::uint32_t b) {
        return rows[a].id != rows[b].id ? rows[a].id < rows[b].id : a < b;
    });
    std::vector<std::uint32_t> target(n, kAnswersNone), depth(n, 0);
    std::vector<bool> dropped(n, false);
    std::vector<LinkedRow> linked;
    for (std::size_t b = 0; b < n;) {
        std::size_t e = b;
        while (e < n && rows[by_customer[e]].id == rows[by_customer[b]].id) ++e;
        linked.clear();
        for (std::size_t k = b; k < e; ++k) {
            const std::uint32_t i = by_customer[k];
            linked.push_back({rows[i].unix_day, in.interaction[i], in.answers[i], in.file[i], rows[i].line});
        }
        const std::uint64_t id = rows[by_customer[b]].id;
        const LinkContext context{names.empty() ? std::to_string(id) : "\"" + names[id] + "\"", links.files,
                                  links.interaction_column, links.answers_column};
        const ResolvedLinks r = resolve_links(linked, context);
        for (std::size_t k = b; k < e; ++k) {
            const std::uint32_t i = by_customer[k];
            if (!r.bad[k - b].empty()) {
                dropped[i] = true;
                bad.push_back({in.file[i], rows[i].line, r.bad[k - b]});
            }
            if (r.target[k - b] != kAnswersNone) target[i] = by_customer[b + r.target[k - b]];
            depth[i] = r.depth[k - b];
        }
        b = e;
    }
    std::sort(bad.begin(), bad.end(), [](const LinkBadRow& a, const LinkBadRow& b) {
        return a.file != b.file ? a.file < b.file : a.line < b.line;
    });
    std::vector<std::uint32_t> order;
    for (std::uint32_t i = 0; i < n; ++i)
        if (!dropped[i]) order.push_back(i);
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        const Transaction &x = rows[a], &y = rows[b];
        if (x.id != y.id) return x.id < y.id;
        if (x.unix_day != y.unix_day) return x.unix_day < y.unix_day;
        if (depth[a] != depth[b]) return depth[a] < depth[b];
        if (kept_before(x, y)) return true;
        if (kept_before(y, x)) return false;
        if (in.interaction[a] != in.interaction[b]) return in.interaction[a] < in.interaction[b];
        return in.answers[a] < in.answers[b];
    });
    std::vector<std::uint32_t> position(n, kAnswersNone);
    for (std::uint32_t k = 0; k < order.size(); ++k) position[order[k]] = k;
    std::vector<Transaction> sorted;
    sorted.reserve(order.size());
    answered.assign(order.size(), kAnswersNone);
    for (std::uint32_t k = 0; k < order.size(); ++k) {
        const std::uint32_t i = order[k];
        if (target[i] != kAnswersNone) answered[k] = position[target[i]];
        sorted.push_back(std::move(rows[i]));
    }
    return sorted;
}

}  // namespace

BucketCustomers sort_bucket(const std::string& dir, std::uint32_t bucket, int ranks,
                            const std::vector<std::string>& names, bool merge_same_day, std::int64_t epoch_unix_day,
                            const std::vector<Channel>& channels, const BucketLinks& links) {
    BucketRows read = read_bucket(dir, bucket, ranks, links.format, links.lines_before);
    BucketCustomers out;
    if (read.rows.empty()) return out;
    if (!names.empty())
        for (auto& t : read.rows) {
            t.id = std::uint64_t(std::lower_bound(names.begin(), names.end(), t.name) - names.begin());
            t.name = {};
        }
    else
        for (auto& t : read.rows) t.name = {};
    BaseLinks base_links;
    base_links.initiator = links.format.initiator;
    std::vector<Transaction> rows;
    if (links.format.ids) {
        std::vector<std::uint32_t> answered;
        rows = resolve_bucket(std::move(read), names, links, answered, out.bad);
        if (rows.empty()) return out;  // every row of the bucket was bad
        if (links.answers) base_links.answered = std::move(answered);
    } else {
        rows = std::move(read.rows);
        std::sort(rows.begin(), rows.end(), kept_before);
    }
    const auto [lo, hi] = std::minmax_element(rows.begin(), rows.end(), [](const Transaction& a, const Transaction& b) {
        return a.unix_day < b.unix_day;
    });
    out.first_unix_day = lo->unix_day;
    out.last_unix_day = hi->unix_day;
    ImportedBase base = build_customer_base(std::move(rows), merge_same_day, epoch_unix_day, channels, base_links);
    const CustomerShard& s = base.shard;
    write_sorted(sorted_path(dir, bucket), s.time, s.channel, s.value, s.initiator, s.answers);
    out.id = s.id;
    out.acquisition_day = s.acquisition_day;
    out.interactions.resize(s.customers());
    for (std::size_t i = 0; i < s.customers(); ++i) out.interactions[i] = s.offsets[i + 1] - s.offsets[i];
    out.merged_rows = base.merged_rows;
    return out;
}

BucketMerge::BucketMerge(const std::string& dir, std::uint32_t buckets, std::size_t buffer_bytes,
                         std::vector<std::uint32_t> bucket_of_customer, std::vector<std::uint64_t> counts,
                         bool initiator, bool answers)
    : bucket_(std::move(bucket_of_customer)), counts_(std::move(counts)) {
    for (std::uint32_t b = 0; b < buckets; ++b)
        readers_.push_back(std::make_unique<SortedReader>(sorted_path(dir, b), buffer_bytes, initiator, answers));
}

void BucketMerge::next(std::uint64_t n, SortedRows& out) {
    out.clear();
    while (n > 0 && customer_ < counts_.size()) {
        const std::uint64_t take = std::min(n, counts_[customer_] - done_);
        if (take > 0) readers_[bucket_[customer_]]->read(take, out);
        n -= take;
        done_ += take;
        if (done_ == counts_[customer_]) {
            ++customer_;
            done_ = 0;
        }
    }
}

}  // namespace engage::io
