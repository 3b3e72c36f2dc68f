#include "io/h5/filters.hpp"

#include <libdeflate.h>
#include <lz4.h>
#include <zstd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>

#include "core/errors.hpp"

namespace engage::io::h5 {

namespace {

// HDF5 frees and reallocates filter buffers with the C allocator (H5MM_malloc is malloc):
// every buffer handed back is malloc'ed, the one received is freed.
size_t replace_buffer(void** buf, size_t* buf_size, void* out, size_t allocated, size_t used) {
    std::free(*buf);
    *buf = out;
    *buf_size = allocated;
    return used;
}

std::uint64_t load_be(const unsigned char* p, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v = v << 8 | p[i];
    return v;
}
void store_be(unsigned char* p, std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i, v >>= 8) p[i] = static_cast<unsigned char>(v);
}

// ---- zstd (32015): one frame per chunk --------------------------------------------------------

size_t zstd_filter(unsigned flags, size_t cd_nelmts, const unsigned cd_values[], size_t nbytes,
                   size_t* buf_size, void** buf) {
    if (flags & H5Z_FLAG_REVERSE) {
        const unsigned long long size = ZSTD_getFrameContentSize(*buf, nbytes);
        if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN) return 0;
        void* out = std::malloc(size ? size : 1);
        if (!out) return 0;
        const size_t got = ZSTD_decompress(out, size, *buf, nbytes);
        if (ZSTD_isError(got) || got != size) {
            std::free(out);
            return 0;
        }
        return replace_buffer(buf, buf_size, out, size ? size : 1, got);
    }
    int level = cd_nelmts > 0 ? int(cd_values[0]) : ZSTD_CLEVEL_DEFAULT;
    level = std::max(1, std::min(level, ZSTD_maxCLevel()));
    thread_local std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
    const size_t bound = ZSTD_compressBound(nbytes);
    void* out = std::malloc(bound);
    if (!out || !cctx) return std::free(out), 0;
    const size_t got = ZSTD_compressCCtx(cctx.get(), out, bound, *buf, nbytes, level);
    if (ZSTD_isError(got)) return std::free(out), 0;
    return replace_buffer(buf, buf_size, out, bound, got);
}

// ---- LZ4 (32004): header, then blocks ---------------------------------------------------------

constexpr std::uint64_t kLz4DefaultBlock = 1u << 30;

size_t lz4_filter(unsigned flags, size_t cd_nelmts, const unsigned cd_values[], size_t nbytes,
                  size_t* buf_size, void** buf) {
    const auto* in = static_cast<const unsigned char*>(*buf);
    if (flags & H5Z_FLAG_REVERSE) {
        if (nbytes < 12) return 0;
        const std::uint64_t size = load_be(in, 8);
        std::uint64_t block = load_be(in + 8, 4);
        if (block > size) block = size;
        if (block == 0 && size > 0) return 0;
        if (size > (std::uint64_t(1) << 40)) return 0;  // no chunk is a TiB: a damaged header
        auto* out = static_cast<unsigned char*>(std::malloc(size ? size : 1));
        if (!out) return 0;
        std::size_t at = 12;
        for (std::uint64_t done = 0; done < size;) {
            const std::uint64_t this_block = std::min(block, size - done);
            if (at + 4 > nbytes) return std::free(out), 0;
            const std::uint64_t stored = load_be(in + at, 4);
            at += 4;
            if (stored > nbytes - at) return std::free(out), 0;
            if (stored == this_block) {
                std::memcpy(out + done, in + at, this_block);
            } else {
                const int got = LZ4_decompress_safe(reinterpret_cast<const char*>(in + at),
                                                    reinterpret_cast<char*>(out + done), int(stored),
                                                    int(this_block));
                if (got < 0 || std::uint64_t(got) != this_block) return std::free(out), 0;
            }
            at += stored;
            done += this_block;
        }
        return replace_buffer(buf, buf_size, out, size ? size : 1, size);
    }
    if (nbytes > std::size_t(INT32_MAX)) return 0;
    std::uint64_t block = cd_nelmts > 0 && cd_values[0] > 0 ? cd_values[0] : kLz4DefaultBlock;
    if (block > nbytes) block = nbytes;
    const std::uint64_t blocks = block ? (nbytes - 1) / block + 1 : 0;
    const std::size_t capacity = 12 + blocks * 4 + std::size_t(LZ4_compressBound(int(nbytes)));
    auto* out = static_cast<unsigned char*>(std::malloc(capacity));
    if (!out) return 0;
    store_be(out, nbytes, 8);
    store_be(out + 8, block, 4);
    std::size_t at = 12;
    for (std::uint64_t done = 0; done < nbytes;) {
        const std::uint64_t this_block = std::min<std::uint64_t>(block, nbytes - done);
        int got = LZ4_compress_default(reinterpret_cast<const char*>(in + done), reinterpret_cast<char*>(out + at + 4),
                                       int(this_block), int(capacity - at - 4));
        if (got <= 0) return std::free(out), 0;
        if (std::uint64_t(got) >= this_block) {  // no gain: the block raw, its size = the block's
            got = int(this_block);
            std::memcpy(out + at + 4, in + done, this_block);
        }
        store_be(out + at, std::uint64_t(got), 4);
        at += 4 + std::size_t(got);
        done += this_block;
    }
    return replace_buffer(buf, buf_size, out, capacity, at);
}

const H5Z_class2_t kZstd = {H5Z_CLASS_T_VERS, kFilterZstd, 1, 1, "zstd (Engage, libzstd)", nullptr, nullptr,
                            zstd_filter};
const H5Z_class2_t kLz4 = {H5Z_CLASS_T_VERS, kFilterLz4, 1, 1, "lz4 (Engage, liblz4)", nullptr, nullptr,
                           lz4_filter};

}  // namespace

bool decode(H5Z_filter_t codec, const unsigned char* in, std::size_t in_size, unsigned char* out,
            std::size_t out_size) {
    switch (codec) {
    case kFilterZstd: {
        const size_t got = ZSTD_decompress(out, out_size, in, in_size);
        return !ZSTD_isError(got) && got == out_size;
    }
    case kFilterLz4: {
        if (in_size < 12 || load_be(in, 8) != out_size) return false;
        std::uint64_t block = std::min<std::uint64_t>(load_be(in + 8, 4), out_size);
        if (block == 0 && out_size > 0) return false;
        std::size_t at = 12;
        for (std::uint64_t done = 0; done < out_size;) {
            const std::uint64_t this_block = std::min<std::uint64_t>(block, out_size - done);
            if (at + 4 > in_size) return false;
            const std::uint64_t stored = load_be(in + at, 4);
            at += 4;
            if (stored > in_size - at) return false;
            if (stored == this_block) {
                std::memcpy(out + done, in + at, this_block);
            } else {
                const int got = LZ4_decompress_safe(reinterpret_cast<const char*>(in + at),
                                                    reinterpret_cast<char*>(out + done), int(stored), int(this_block));
                if (got < 0 || std::uint64_t(got) != this_block) return false;
            }
            at += stored;
            done += this_block;
        }
        return true;
    }
    case H5Z_FILTER_DEFLATE: {
        thread_local std::unique_ptr<libdeflate_decompressor, void (*)(libdeflate_decompressor*)> d(
            libdeflate_alloc_decompressor(), libdeflate_free_decompressor);
        std::size_t got = 0;
        return d && libdeflate_zlib_decompress(d.get(), in, in_size, out, out_size, &got) == LIBDEFLATE_SUCCESS &&
               got == out_size;
    }
    default: return false;
    }
}

void register_filters() {
    static std::once_flag once;
    std::call_once(once, [] {
        checked_status(H5Zregister(&kZstd), "H5Zregister zstd (32015)");
        checked_status(H5Zregister(&kLz4), "H5Zregister lz4 (32004)");
    });
}

void add_filters(hid_t dcpl, const Compression& c) {
    if (!c.filtered()) return;
    checked_status(H5Pset_shuffle(dcpl), "H5Pset_shuffle");
    switch (c.codec) {
    case Codec::deflate:
        checked_status(H5Pset_deflate(dcpl, unsigned(c.level ? c.level : default_level(c.codec))), "H5Pset_deflate");
        break;
    case Codec::zstd: {
        const unsigned cd[1] = {unsigned(c.level ? c.level : default_level(c.codec))};
        checked_status(H5Pset_filter(dcpl, kFilterZstd, H5Z_FLAG_MANDATORY, 1, cd), "H5Pset_filter zstd");
        break;
    }
    case Codec::lz4: {
        const unsigned cd[1] = {0};  // one block per chunk (the registered filter's default)
        checked_status(H5Pset_filter(dcpl, kFilterLz4, H5Z_FLAG_MANDATORY, 1, cd), "H5Pset_filter lz4");
        break;
    }
    case Codec::none: break;
    }
}

}  // namespace engage::io::h5
