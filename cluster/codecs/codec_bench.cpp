// Each codec and level on the columns of a real base, through Engage's registered filters
// (io/h5/filters.hpp) with shuffle in front, in chunks of 65536 rows as Engage writes them: the
// compression ratio, and encode and decode MB/s of uncompressed bytes on one core (HDF5's core
// driver: memory only, no disk); decode both through HDF5's H5Dread (its filter pipeline: zlib
// for deflate) and through Engage's reader (io/h5/chunk_reader.hpp: H5Dread_chunk + the codec,
// libdeflate for deflate) on one thread. docs/performance.md, "Codecs (issue 14)".
//   codec_bench BASE.h5 [ROWS]   (ROWS: the first rows of each column, default 10 M)
#include <hdf5.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "io/h5/chunk_reader.hpp"
#include "io/h5/filters.hpp"

namespace h5 = engage::io::h5;

namespace {

struct Column {
    const char* path;
    hid_t type;
    std::size_t size;
    std::vector<unsigned char> bytes;
    std::size_t rows = 0;
};

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: codec_bench BASE.h5 [ROWS]\n");
        return 2;
    }
    const std::size_t limit = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10'000'000;
    h5::register_filters();
    std::vector<Column> cols = {{"/interactions/time", H5T_NATIVE_INT64, 8, {}},
                                {"/interactions/channel", H5T_NATIVE_UINT8, 1, {}},
                                {"/interactions/value", H5T_NATIVE_DOUBLE, 8, {}},
                                {"/interactions/offsets", H5T_NATIVE_UINT64, 8, {}},
                                {"/customers/id", H5T_NATIVE_UINT64, 8, {}},
                                {"/customers/wallet", H5T_NATIVE_DOUBLE, 8, {}}};
    const hid_t in = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT);
    if (in < 0) return 1;
    std::size_t raw_bytes = 0;
    for (auto& c : cols) {
        const hid_t d = H5Dopen2(in, c.path, H5P_DEFAULT);
        const hid_t s = H5Dget_space(d);
        hsize_t n = 0;
        H5Sget_simple_extent_dims(s, &n, nullptr);
        c.rows = std::min<std::size_t>(n, limit);
        c.bytes.resize(c.rows * c.size);
        const hsize_t start = 0, count = c.rows;
        H5Sselect_hyperslab(s, H5S_SELECT_SET, &start, nullptr, &count, nullptr);
        const hid_t m = H5Screate_simple(1, &count, nullptr);
        H5Dread(d, c.type, m, s, H5P_DEFAULT, c.bytes.data());
        H5Sclose(m);
        H5Sclose(s);
        H5Dclose(d);
        raw_bytes += c.bytes.size();
    }
    H5Fclose(in);
    std::printf("%s: %zu rows per column at most, %.1f MB of 6 columns\n", argv[1], limit, raw_bytes / 1e6);
    std::printf("%-8s %5s %10s %8s %12s %12s %12s\n", "codec", "level", "stored MB", "ratio", "encode MB/s",
                "H5Dread MB/s", "Engage MB/s");
    const std::vector<h5::Compression> runs = {
        {h5::Codec::lz4, 0},     {h5::Codec::zstd, 1}, {h5::Codec::zstd, 3},   {h5::Codec::zstd, 9},
        {h5::Codec::deflate, 1}, {h5::Codec::deflate, 6}};
    for (const auto& c : runs) {
        const hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
        H5Pset_fapl_core(fapl, 64 << 20, false);
        const hid_t f = H5Fcreate("codec_bench_memory.h5", H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
        double encode = 0, decode = 0, engage = 0;
        std::size_t stored = 0;
        for (auto& col : cols) {
            const hsize_t n = col.rows, chunk = std::min<hsize_t>(65536, n);
            const hid_t s = H5Screate_simple(1, &n, nullptr);
            const hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
            H5Pset_chunk(dcpl, 1, &chunk);
            h5::add_filters(dcpl, c);
            std::string name = col.path + 1;  // flat: "interactions_time"
            name[name.find('/')] = '_';
            const hid_t d = H5Dcreate2(f, name.c_str(), col.type, s, H5P_DEFAULT, dcpl, H5P_DEFAULT);
            auto t = std::chrono::steady_clock::now();
            H5Dwrite(d, col.type, H5S_ALL, H5S_ALL, H5P_DEFAULT, col.bytes.data());
            H5Fflush(f, H5F_SCOPE_LOCAL);
            encode += seconds_since(t);
            stored += H5Dget_storage_size(d);
            std::vector<unsigned char> back(col.bytes.size());
            t = std::chrono::steady_clock::now();
            H5Dread(d, col.type, H5S_ALL, H5S_ALL, H5P_DEFAULT, back.data());
            decode += seconds_since(t);
            std::vector<unsigned char> mine(col.bytes.size());
            t = std::chrono::steady_clock::now();
            const bool parallel = h5::read_rows_in_parallel(d, col.type, 0, n, 1, mine.data());
            engage += seconds_since(t);
            if (back != col.bytes || !parallel || mine != col.bytes) {
                std::fprintf(stderr, "%s %s: decoded values differ\n", h5::codec_name(c.codec), col.path);
                return 1;
            }
            H5Dclose(d);
            H5Pclose(dcpl);
            H5Sclose(s);
        }
        H5Fclose(f);
        H5Pclose(fapl);
        std::printf("%-8s %5d %10.1f %8.2f %12.0f %12.0f %12.0f\n", h5::codec_name(c.codec), c.level, stored / 1e6,
                    double(raw_bytes) / double(stored), raw_bytes / 1e6 / encode, raw_bytes / 1e6 / decode,
                    raw_bytes / 1e6 / engage);
    }
    return 0;
}
