#include "io/h5/chunk_reader.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <vector>

#include "io/h5/filters.hpp"

namespace engage::io::h5 {

namespace {

// The codec of a [shuffle +] codec pipeline this reader decodes, or -1.
struct Pipeline {
    H5Z_filter_t codec = -1;
    bool shuffle = false;
};

Pipeline pipeline_of(hid_t dcpl) {
    Pipeline p;
    const int n = H5Pget_nfilters(dcpl);
    for (int i = 0; i < n; ++i) {
        unsigned flags = 0, config = 0;
        std::size_t nelmts = 0;
        const H5Z_filter_t id = H5Pget_filter2(dcpl, unsigned(i), &flags, &nelmts, nullptr, 0, nullptr, &config);
        if (i == 0 && n == 2 && id == H5Z_FILTER_SHUFFLE) p.shuffle = true;
        else if (i == n - 1 && (id == kFilterZstd || id == kFilterLz4 || id == H5Z_FILTER_DEFLATE)) p.codec = id;
        else return {};
    }
    return p;
}

// HDF5's shuffle filter undone: byte j of element i is at in[j * n + i]. In blocks of 256
// elements, so that the block's output stays in the L1 cache while each plane is scattered in.
void unshuffle(const unsigned char* in, unsigned char* out, std::size_t n, std::size_t size) {
    constexpr std::size_t kBlock = 256;
    for (std::size_t i0 = 0; i0 < n; i0 += kBlock) {
        const std::size_t i1 = std::min(n, i0 + kBlock);
        for (std::size_t j = 0; j < size; ++j) {
            const unsigned char* plane = in + j * n;
            for (std::size_t i = i0; i < i1; ++i) out[i * size + j] = plane[i];
        }
    }
}

// A buffer of n bytes left uninitialised (every byte is written before it is read).
std::unique_ptr<unsigned char[]> bytes(std::size_t n) { return std::unique_ptr<unsigned char[]>(new unsigned char[n]); }

}  // namespace

bool read_rows_in_parallel(hid_t dataset, hid_t mem_type, std::uint64_t first, std::uint64_t rows,
                           std::uint64_t cols, void* out) {
    if (rows == 0) return true;
    const hid_t dcpl = H5Dget_create_plist(dataset);
    if (dcpl < 0) return false;
    Handle dcpl_handle{dcpl, H5Pclose};
    if (H5Pget_layout(dcpl) != H5D_CHUNKED) return false;
    const Pipeline p = pipeline_of(dcpl);
    if (p.codec < 0) return false;
    const hid_t stored_id = H5Dget_type(dataset);
    if (stored_id < 0) return false;
    Handle stored{stored_id, H5Tclose};
    if (H5Tequal(stored_id, mem_type) <= 0) return false;
    hsize_t chunk[2] = {0, 0};
    const int dims = H5Pget_chunk(dcpl, 2, chunk);
    if (dims < 1 || chunk[0] == 0 || (dims == 2 && chunk[1] != cols) || (dims == 1 && cols != 1)) return false;

    // Fewer rows than a chunk (an offset, a shard's boundary): HDF5's path, whose chunk cache
    // keeps the chunk for the next small read.
    if (rows < chunk[0]) return false;
    const std::size_t element = H5Tget_size(mem_type);
    const std::uint64_t chunk_rows = chunk[0];
    const std::size_t row_bytes = std::size_t(cols) * element;
    const std::size_t chunk_bytes = std::size_t(chunk_rows) * row_bytes;
    const std::uint64_t c0 = first / chunk_rows, c1 = (first + rows - 1) / chunk_rows + 1;

    // The raw chunks, read one after the other on this thread into one buffer sized first.
    std::vector<std::size_t> at(c1 - c0 + 1, 0);
    for (std::uint64_t c = c0; c < c1; ++c) {
        const hsize_t offset[2] = {c * chunk_rows, 0};
        hsize_t size = 0;
        if (H5Dget_chunk_storage_size(dataset, offset, &size) < 0 || size == 0) {
            H5Eclear2(H5E_DEFAULT);
            return false;  // not allocated, or not found: HDF5's path says what is wrong
        }
        at[c - c0 + 1] = at[c - c0] + size;
    }
    const auto raw = bytes(at.back());
    for (std::uint64_t c = c0; c < c1; ++c) {
        const hsize_t offset[2] = {c * chunk_rows, 0};
        std::uint32_t mask = 0;
        if (H5Dread_chunk(dataset, H5P_DEFAULT, offset, &mask, raw.get() + at[c - c0]) < 0 || mask != 0) {
            H5Eclear2(H5E_DEFAULT);
            return false;
        }
    }

    // Decoded in parallel, each chunk's rows unshuffled into their place (through a scratch
    // chunk only where the chunk holds rows outside the range).
    std::atomic<bool> ok{true};
    auto* dst = static_cast<unsigned char*>(out);
    const std::int64_t chunks = std::int64_t(c1 - c0);
    const bool shuffled = p.shuffle && element > 1;
#pragma omp parallel
    {
        const auto decoded = bytes(chunk_bytes), plain = bytes(chunk_bytes);
#pragma omp for schedule(dynamic, 1)
        for (std::int64_t k = 0; k < chunks; ++k) {
            if (!ok.load(std::memory_order_relaxed)) continue;
            const std::size_t i = std::size_t(k);
            const std::uint64_t start = (c0 + std::uint64_t(k)) * chunk_rows;
            const std::uint64_t lo = std::max(first, start), hi = std::min(first + rows, start + chunk_rows);
            const bool whole = lo == start && hi == start + chunk_rows;
            unsigned char* target = dst + (start - std::min(start, first)) * row_bytes;
            // Decoded straight into place when the chunk is whole and not shuffled.
            unsigned char* into = whole && !shuffled ? target : decoded.get();
            if (!decode(p.codec, raw.get() + at[i], at[i + 1] - at[i], into, chunk_bytes)) {
                ok = false;
                continue;
            }
            if (shuffled) {
                unsigned char* rows_to = whole ? target : plain.get();
                unshuffle(decoded.get(), rows_to, chunk_bytes / element, element);
                if (!whole) std::memcpy(dst + (lo - first) * row_bytes, plain.get() + (lo - start) * row_bytes, (hi - lo) * row_bytes);
            } else if (!whole) {
                std::memcpy(dst + (lo - first) * row_bytes, decoded.get() + (lo - start) * row_bytes, (hi - lo) * row_bytes);
            }
        }
    }
    return ok;
}

}  // namespace engage::io::h5
