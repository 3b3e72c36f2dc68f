// What one parallel write costs in parallel HDF5 1.10 (issue 11): the columns of a generated
// customer base (the real synthetic model, kernels/synth) written with several layouts and
// write patterns, timed to H5Fclose and to fsync. Not a test; see docs/performance.md,
// "Writing at disk speed (issue 11)".
//
//   mpirun -n R h5write_bench [--customers N] [--mean-interactions M] [--dir D] [--modes a,b,...]
//
// Every mode writes the same bytes (13 columns, as `engage generate` does); each rank owns a
// contiguous range of 65536-customer blocks. MB/s counts uncompressed bytes.
#include <fcntl.h>
#include <hdf5.h>
#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "synth/synthetic_base.hpp"

namespace {

constexpr std::uint64_t kBlock = 1 << 16;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "h5write_bench: %s failed\n", what);
        H5Eprint2(H5E_DEFAULT, stderr);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

// How a mode stores and writes the columns.
struct Mode {
    std::string name;
    bool chunked = true;
    bool shuffle = true;
    int deflate = 1;               // 0: no deflate
    std::uint64_t chunk = kBlock;  // rows per chunk
    bool collective = true;
    bool per_round = false;        // one write per column per 65536-customer round (today)
    std::uint64_t rows_per_write = 0;  // customers per write; 0: the rank's whole range
    bool posix = false;            // raw pwrite of the same bytes, no HDF5: the disk's speed
};

std::vector<Mode> all_modes() {
    std::vector<Mode> m;
    m.push_back({"posix", false, false, 0, 0, false, false, 0, true});
    m.push_back({"a_today_round_coll_shuf_defl1", true, true, 1, kBlock, true, true});
    m.push_back({"b_big_coll_shuf_defl1", true, true, 1, kBlock, true, false});
    m.push_back({"b_big_coll_shuf_defl1_chunk1M", true, true, 1, 1 << 20, true, false});
    m.push_back({"c_contig_indep", false, false, 0, 0, false, false});
    m.push_back({"c_contig_coll", false, false, 0, 0, true, false});
    m.push_back({"c_contig_indep_1Mcust", false, false, 0, 0, false, false, 1 << 20});
    m.push_back({"c_chunk1M_nofilter_indep", true, false, 0, 1 << 20, false, false});
    m.push_back({"d_big_coll_shuf_defl6", true, true, 6, kBlock, true, false});
    m.push_back({"d_big_coll_defl1_noshuf", true, false, 1, kBlock, true, false});
    return m;
}

struct Columns {
    std::uint64_t c0 = 0, c1 = 0, i0 = 0, customers = 0, interactions = 0;
    std::vector<std::uint64_t> id, offsets;
    std::vector<std::int32_t> acq, churn;
    std::vector<std::uint32_t> rm, region, bu;
    std::vector<std::uint8_t> segment, channel;
    std::vector<double> wallet, engagement, value;
    std::vector<std::int64_t> time;
};

Columns generate(int rank, int size, std::uint64_t customers, double mean) {
    Columns c;
    engage::kernels::SynthConfig cfg;
    cfg.seed = 5;
    cfg.customers = customers;
    cfg.mean_interactions = mean;
    const engage::kernels::SynthHierarchy h(cfg);
    const std::uint64_t blocks = (customers + kBlock - 1) / kBlock;
    c.c0 = std::min(customers, blocks * rank / size * kBlock);
    c.c1 = std::min(customers, blocks * (rank + 1) / size * kBlock);
    c.customers = customers;
    engage::kernels::SynthEvents ev;
    for (std::uint64_t i = c.c0; i < c.c1; ++i) {
        c.offsets.push_back(ev.time.size());  // relative for now
        const auto s = engage::kernels::synth_customer(cfg, h, i, &ev);
        c.id.push_back(s.id);
        c.acq.push_back(s.acquisition_day);
        c.rm.push_back(s.rm);
        c.region.push_back(s.region);
        c.bu.push_back(s.business_unit);
        c.segment.push_back(s.segment);
        c.wallet.push_back(s.wallet);
        c.engagement.push_back(s.engagement);
        c.churn.push_back(s.churn_day);
    }
    c.time = std::move(ev.time);
    c.channel = std::move(ev.channel);
    c.value = std::move(ev.value);
    std::uint64_t mine = c.time.size();
    MPI_Exscan(&mine, &c.i0, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0) c.i0 = 0;
    MPI_Allreduce(&mine, &c.interactions, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    for (auto& o : c.offsets) o += c.i0;
    return c;
}

// One column: the dataset, the rank's rows, their memory type and row offsets of each write.
struct Col {
    const char* path;
    hid_t type;
    const void* data;
    std::size_t elem;
    bool per_customer;
};

std::vector<Col> columns(const Columns& c) {
    return {{"/customers/id", H5T_NATIVE_UINT64, c.id.data(), 8, true},
            {"/customers/acquisition_day", H5T_NATIVE_INT32, c.acq.data(), 4, true},
            {"/customers/rm", H5T_NATIVE_UINT32, c.rm.data(), 4, true},
            {"/customers/region", H5T_NATIVE_UINT32, c.region.data(), 4, true},
            {"/customers/business_unit", H5T_NATIVE_UINT32, c.bu.data(), 4, true},
            {"/customers/segment", H5T_NATIVE_UINT8, c.segment.data(), 1, true},
            {"/customers/wallet", H5T_NATIVE_DOUBLE, c.wallet.data(), 8, true},
            {"/truth/engagement", H5T_NATIVE_DOUBLE, c.engagement.data(), 8, true},
            {"/truth/churn_day", H5T_NATIVE_INT32, c.churn.data(), 4, true},
            {"/interactions/offsets", H5T_NATIVE_UINT64, c.offsets.data(), 8, true},
            {"/interactions/time", H5T_NATIVE_INT64, c.time.data(), 8, false},
            {"/interactions/channel", H5T_NATIVE_UINT8, c.channel.data(), 1, false},
            {"/interactions/value", H5T_NATIVE_DOUBLE, c.value.data(), 8, false}};
}

void write_rows(hid_t d, hid_t type, hid_t xfer, std::uint64_t first, std::uint64_t rows, const void* data) {
    hid_t fs = H5Dget_space(d);
    const hsize_t n = std::max<std::uint64_t>(rows, 1);
    hid_t ms = H5Screate_simple(1, &n, nullptr);
    if (rows == 0) {
        H5Sselect_none(fs);
        H5Sselect_none(ms);
    } else {
        const hsize_t start = first, count = rows;
        check(H5Sselect_hyperslab(fs, H5S_SELECT_SET, &start, nullptr, &count, nullptr) >= 0, "select");
    }
    check(H5Dwrite(d, type, ms, fs, xfer, data) >= 0, "H5Dwrite");
    H5Sclose(ms);
    H5Sclose(fs);
}

std::uint64_t bytes_of(const Columns& c) {
    std::uint64_t b = 0;
    for (const auto& col : columns(c)) b += col.elem * (col.per_customer ? c.c1 - c.c0 : c.time.size());
    return b;
}

void run_posix(const Columns& c, const std::string& path) {
    // Each rank writes its bytes of every column at the column's offset in one flat file.
    int fd = open(path.c_str(), O_WRONLY | O_CREAT, 0644);
    check(fd >= 0, "open");
    std::uint64_t base = 0;
    for (const auto& col : columns(c)) {
        const std::uint64_t total = col.per_customer ? c.customers : c.interactions;
        const std::uint64_t first = col.per_customer ? c.c0 : c.i0;
        const std::uint64_t rows = col.per_customer ? c.c1 - c.c0 : c.time.size();
        const char* p = static_cast<const char*>(col.data);
        std::uint64_t done = 0, len = rows * col.elem;
        while (done < len) {
            const ssize_t w = pwrite(fd, p + done, std::min<std::uint64_t>(len - done, 1 << 30),
                                     off_t(base + first * col.elem + done));
            check(w > 0, "pwrite");
            done += std::uint64_t(w);
        }
        base += total * col.elem;
    }
    close(fd);
}

void run_hdf5(const Mode& m, const Columns& c, const std::string& path) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL);
    H5Pset_coll_metadata_write(fapl, true);
    hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    check(f >= 0, "H5Fcreate");
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t xfer = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(xfer, m.collective ? H5FD_MPIO_COLLECTIVE : H5FD_MPIO_INDEPENDENT);
    std::vector<hid_t> ds;
    const auto cols = columns(c);
    for (const auto& col : cols) {
        const hsize_t rows = col.per_customer ? c.customers + (col.data == c.offsets.data()) : c.interactions;
        hid_t space = H5Screate_simple(1, &rows, nullptr);
        hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
        if (m.chunked) {
            const hsize_t chunk = std::min<hsize_t>(m.chunk, rows);
            H5Pset_chunk(dcpl, 1, &chunk);
            if (m.shuffle) H5Pset_shuffle(dcpl);
            if (m.deflate) H5Pset_deflate(dcpl, unsigned(m.deflate));
        }
        H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY);
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER);
        hid_t d = H5Dcreate2(f, col.path, col.type, space, lcpl, dcpl, H5P_DEFAULT);
        check(d >= 0, "H5Dcreate2");
        ds.push_back(d);
        H5Pclose(dcpl);
        H5Sclose(space);
    }
    const std::uint64_t n = c.c1 - c.c0;
    if (m.per_round) {
        std::uint64_t my_rounds = (n + kBlock - 1) / kBlock, rounds = 0;
        MPI_Allreduce(&my_rounds, &rounds, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
        for (std::uint64_t r = 0; r < rounds; ++r) {
            const std::uint64_t lo = std::min(n, r * kBlock), hi = std::min(n, lo + kBlock);
            const std::uint64_t ilo = lo < n ? c.offsets[lo] - c.i0 : c.time.size();
            const std::uint64_t ihi = hi < n ? c.offsets[hi] - c.i0 : c.time.size();
            for (std::size_t k = 0; k < cols.size(); ++k) {
                const auto& col = cols[k];
                const auto* p = static_cast<const char*>(col.data);
                if (col.per_customer)
                    write_rows(ds[k], col.type, xfer, c.c0 + lo, hi - lo, p + lo * col.elem);
                else
                    write_rows(ds[k], col.type, xfer, c.i0 + ilo, ihi - ilo, p + ilo * col.elem);
            }
        }
    } else {
        const std::uint64_t step = m.rows_per_write ? m.rows_per_write : std::max<std::uint64_t>(n, 1);
        std::uint64_t my_writes = (n + step - 1) / step, writes = 0;
        MPI_Allreduce(&my_writes, &writes, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
        for (std::uint64_t w = 0; w < writes; ++w) {
            const std::uint64_t lo = std::min(n, w * step), hi = std::min(n, lo + step);
            const std::uint64_t ilo = lo < n ? c.offsets[lo] - c.i0 : c.time.size();
            const std::uint64_t ihi = hi < n ? c.offsets[hi] - c.i0 : c.time.size();
            for (std::size_t k = 0; k < cols.size(); ++k) {
                const auto& col = cols[k];
                const auto* p = static_cast<const char*>(col.data);
                if (!m.collective && (col.per_customer ? hi == lo : ihi == ilo)) continue;
                if (col.per_customer)
                    write_rows(ds[k], col.type, xfer, c.c0 + lo, hi - lo, p + lo * col.elem);
                else
                    write_rows(ds[k], col.type, xfer, c.i0 + ilo, ihi - ilo, p + ilo * col.elem);
            }
        }
    }
    // The last offset (the total), as generate's finish() does.
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    const std::uint64_t total = c.interactions;
    hid_t xcoll = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(xcoll, H5FD_MPIO_COLLECTIVE);
    write_rows(ds[9], H5T_NATIVE_UINT64, xcoll, c.customers, rank == 0 ? 1 : 0, &total);
    H5Pclose(xcoll);
    for (hid_t d : ds) H5Dclose(d);
    H5Pclose(xfer);
    H5Pclose(lcpl);
    check(H5Fclose(f) >= 0, "H5Fclose");
    H5Pclose(fapl);
}

}  // namespace

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    std::uint64_t customers = 2'000'000;
    double mean = 10;
    std::string dir = ".", only;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--customers") customers = std::stoull(v);
        else if (a == "--mean-interactions") mean = std::stod(v);
        else if (a == "--dir") dir = v;
        else if (a == "--modes") only = "," + v + ",";
        else {
            if (rank == 0) std::fprintf(stderr, "h5write_bench: unknown option %s\n", a.c_str());
            MPI_Abort(MPI_COMM_WORLD, 2);
        }
    }
    const Columns c = generate(rank, size, customers, mean);
    std::uint64_t mine = bytes_of(c), bytes = 0;
    MPI_Allreduce(&mine, &bytes, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    if (rank == 0)
        std::printf("# %d ranks, %llu customers, %llu interactions, %.1f MB uncompressed\n"
                    "%-34s %9s %9s %9s %9s %8s\n",
                    size, (unsigned long long)customers, (unsigned long long)c.interactions, bytes / 1e6,
                    "mode", "close_s", "MB/s", "fsync_s", "MB/s", "file_MB");
    for (const Mode& m : all_modes()) {
        if (!only.empty() && only.find("," + m.name + ",") == std::string::npos) continue;
        const std::string path = dir + "/h5write_bench." + m.name + ".h5";
        MPI_Barrier(MPI_COMM_WORLD);
        const double t0 = MPI_Wtime();
        if (m.posix) {
            if (rank == 0) close(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644));
            MPI_Barrier(MPI_COMM_WORLD);
            run_posix(c, path);
        } else {
            run_hdf5(m, c, path);
        }
        MPI_Barrier(MPI_COMM_WORLD);
        const double t1 = MPI_Wtime();
        if (rank == 0) {
            const int fd = open(path.c_str(), O_RDONLY);
            fsync(fd);
            close(fd);
        }
        MPI_Barrier(MPI_COMM_WORLD);
        const double t2 = MPI_Wtime();
        if (rank == 0) {
            struct stat st {};
            stat(path.c_str(), &st);
            std::printf("%-34s %9.2f %9.0f %9.2f %9.0f %8.0f\n", m.name.c_str(), t1 - t0, bytes / 1e6 / (t1 - t0),
                        t2 - t0, bytes / 1e6 / (t2 - t0), double(st.st_size) / 1e6);
            std::fflush(stdout);
            unlink(path.c_str());
        }
        MPI_Barrier(MPI_COMM_WORLD);
    }
    MPI_Finalize();
    return 0;
}
