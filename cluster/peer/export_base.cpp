// Exports an Engage customer base (docs/data-format.md, section 1) to CSV for the DuckDB peer
// benchmark, which converts it to Parquet:
//   OUTDIR/interactions.csv  customer,time,channel,value  (one row per interaction, CSR expanded)
//   OUTDIR/customers.csv     id,acquisition_day
//   OUTDIR/meta.json         epoch, first_time, last_time, counts, the channel dictionary
// Values are written in the shortest form that reads back to the same binary64 (std::to_chars),
// so DuckDB sees exactly the values Engage reads. Usage: export_base BASE.h5 OUTDIR
#include <charconv>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "h5_read.hpp"

namespace {

class CsvOut {
public:
    explicit CsvOut(const std::string& path) : path_(path), f_(std::fopen(path.c_str(), "wb")) {
        if (!f_) throw std::runtime_error(path + ": cannot create (does the directory exist and is it writable?)");
        buf_.reserve(kFlush + 256);
    }
    ~CsvOut() { if (f_) std::fclose(f_); }
    template <class T> void field(T v, char end) {
        char tmp[64];
        auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
        buf_.append(tmp, r.ptr);
        buf_.push_back(end);
        if (buf_.size() >= kFlush) flush();
    }
    void text(const std::string& s) { buf_ += s; }
    void close() {
        flush();
        if (std::fclose(f_) != 0) throw std::runtime_error(path_ + ": write failed (disk full?)");
        f_ = nullptr;
    }
private:
    static constexpr std::size_t kFlush = 1 << 22;
    void flush() {
        if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size())
            throw std::runtime_error(path_ + ": write failed (disk full?)");
        buf_.clear();
    }
    std::string path_;
    std::FILE* f_;
    std::string buf_;
};

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) out += ' ';
        else out += c;
    }
    return out + "\"";
}

void export_base(const std::string& base, const std::string& dir) {
    peer::H5In in(base);
    auto ids = in.read_all<std::uint64_t>("/customers/id");
    auto acquisition = in.read_all<std::int32_t>("/customers/acquisition_day");
    auto offsets = in.read_all<std::uint64_t>("/interactions/offsets");
    if (offsets.size() != ids.size() + 1 || acquisition.size() != ids.size())
        throw std::runtime_error(base + ": /customers and /interactions/offsets disagree on the customer count");

    CsvOut customers(dir + "/customers.csv");
    customers.text("id,acquisition_day\n");
    for (std::size_t i = 0; i < ids.size(); ++i) {
        customers.field(ids[i], ',');
        customers.field(acquisition[i], '\n');
    }
    customers.close();

    // Blocks of whole customers of about 4 M interactions keep the memory small.
    CsvOut rows(dir + "/interactions.csv");
    rows.text("customer,time,channel,value\n");
    constexpr std::uint64_t kBlock = 1 << 22;
    for (std::size_t a = 0; a < ids.size();) {
        std::size_t b = a + 1;
        while (b < ids.size() && offsets[b + 1] - offsets[a] <= kBlock) ++b;
        std::uint64_t lo = offsets[a], n = offsets[b] - lo;
        auto time = in.read<std::int64_t>("/interactions/time", lo, n);
        auto channel = in.read<std::uint8_t>("/interactions/channel", lo, n);
        auto value = in.read<double>("/interactions/value", lo, n);
        for (std::size_t c = a; c < b; ++c) {
            for (std::uint64_t r = offsets[c] - lo; r < offsets[c + 1] - lo; ++r) {
                rows.field(ids[c], ',');
                rows.field(time[r], ',');
                rows.field(unsigned{channel[r]}, ',');
                rows.field(value[r], '\n');
            }
        }
        a = b;
    }
    rows.close();

    auto names = in.read_strings("/channels/name");
    auto kinds = in.read_strings("/channels/kind");
    std::string meta = "{\n  \"epoch\": " + json_string(in.attribute_string("/", "epoch")) +
        ",\n  \"first_time\": " + std::to_string(in.attribute_int("/interactions/time", "first_time")) +
        ",\n  \"last_time\": " + std::to_string(in.attribute_int("/interactions/time", "last_time")) +
        ",\n  \"customers\": " + std::to_string(ids.size()) +
        ",\n  \"interactions\": " + std::to_string(offsets.back()) + ",\n  \"channels\": [";
    for (std::size_t k = 0; k < names.size(); ++k)
        meta += std::string(k ? "," : "") + "\n    {\"code\": " + std::to_string(k) + ", \"name\": " +
                json_string(names[k]) + ", \"kind\": " + json_string(kinds.at(k)) + "}";
    meta += "\n  ]\n}\n";
    CsvOut m(dir + "/meta.json");
    m.text(meta);
    m.close();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: export_base BASE.h5 OUTDIR  (writes OUTDIR/interactions.csv, customers.csv, meta.json)\n";
        return 2;
    }
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // our messages name the file and object
    try {
        export_base(argv[1], argv[2]);
    } catch (const std::exception& e) {
        std::cerr << "export_base: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
