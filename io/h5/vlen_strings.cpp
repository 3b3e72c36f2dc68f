#include "io/h5/vlen_strings.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <vector>

#include "core/errors.hpp"

namespace engage::io::h5 {

namespace {

// Little-endian unsigned integer of `n` bytes (the HDF5 file format's byte order).
std::uint64_t decode(const unsigned char* p, std::size_t n) {
    std::uint64_t v = 0;
    for (std::size_t i = n; i-- > 0;) v = v << 8 | p[i];
    return v;
}

std::vector<unsigned char> read_bytes(const std::string& file, std::uint64_t at, std::uint64_t n,
                                      const std::string& what) {
    std::vector<unsigned char> buf(n);
    std::ifstream in(file, std::ios::binary);
    in.seekg(std::streamoff(at));
    if (!in.read(reinterpret_cast<char*>(buf.data()), std::streamsize(n)))
        throw IoError(what + ": reading " + std::to_string(n) + " bytes at offset " + std::to_string(at) + " failed");
    return buf;
}

// A global heap collection (HDF5 file format, "Global Heap"): "GCOL", version 1, 3 reserved
// bytes, its size (length-sized); then objects: index (2 bytes), reference count (2), 4 reserved,
// size (length-sized), the data padded to 8 bytes; index 0 is the free space that ends it (its
// size counts its own header: H5HG__cache_heap_deserialize).
// Returns each object's size by index.
std::map<std::uint64_t, std::uint64_t> collection_objects(const std::string& file, std::uint64_t file_bytes,
                                                          std::uint64_t addr, std::size_t length_size,
                                                          const std::string& what) {
    const std::uint64_t header = 8 + length_size;
    const std::string damaged = what + ": the global heap collection at byte " + std::to_string(addr) +
                                " that holds its strings is damaged (";
    const std::string fix = "); copy or write the file again";
    if (addr > file_bytes || file_bytes - addr < header) throw DataError(damaged + "it lies past the end of the file" + fix);
    const auto head = read_bytes(file, addr, header, what);
    if (head[0] != 'G' || head[1] != 'C' || head[2] != 'O' || head[3] != 'L' || head[4] != 1)
        throw DataError(damaged + "no GCOL signature of version 1" + fix);
    const std::uint64_t size = decode(head.data() + 8, length_size);
    if (size < header || size > file_bytes - addr)
        throw DataError(damaged + "its size " + std::to_string(size) + " does not fit in the file" + fix);
    const auto heap = read_bytes(file, addr, size, what);
    const std::uint64_t object_header = 8 + length_size;
    std::map<std::uint64_t, std::uint64_t> objects;
    // p may pass `size` by the padding of the last object, hence p <= size first.
    for (std::uint64_t p = header; p <= size && size - p >= object_header;) {
        const std::uint64_t index = decode(heap.data() + p, 2);
        const std::uint64_t bytes = decode(heap.data() + p + 8, length_size);
        if (bytes > size - p - (index == 0 ? 0 : object_header))
            throw DataError(damaged + "object " + std::to_string(index) + " declares " + std::to_string(bytes) +
                            " bytes, more than the collection holds" + fix);
        if (index == 0) break;
        objects[index] = bytes;
        p += object_header + (bytes + 7) / 8 * 8;
    }
    return objects;
}

}  // namespace

void check_variable_strings(hid_t file_id, hid_t dataset, const std::string& file, std::uint64_t file_bytes,
                            std::uint64_t rows, std::uint64_t max_bytes, const std::string& what) {
    Handle dcpl{checked(H5Dget_create_plist(dataset), "H5Dget_create_plist"), H5Pclose};
    if (H5Pget_layout(dcpl.id()) != H5D_CONTIGUOUS)
        throw DataError(what + " holds variable-length strings stored chunked or compact; Engage reads them only "
                               "stored contiguously (h5py's default), or fixed-length strings: rewrite the table");
    Handle fcpl{checked(H5Fget_create_plist(file_id), "H5Fget_create_plist"), H5Pclose};
    std::size_t offset_size = 0, length_size = 0;
    hsize_t userblock = 0;
    checked_status(H5Pget_sizes(fcpl.id(), &offset_size, &length_size), "H5Pget_sizes");
    checked_status(H5Pget_userblock(fcpl.id(), &userblock), "H5Pget_userblock");
    if (userblock != 0 || offset_size < 2 || offset_size > 8 || length_size < 2 || length_size > 8)
        throw DataError(what + " holds variable-length strings in a file with a user block or " +
                        std::to_string(offset_size) + "-byte addresses; Engage reads them only in files "
                        "without a user block and with 2- to 8-byte addresses: rewrite the table");
    const haddr_t at = H5Dget_offset(dataset);
    if (at == HADDR_UNDEF) return;  // never written: every string is empty (the fill value)
    const std::uint64_t element = 4 + offset_size + 4;  // length, collection address, object index
    if (rows > (file_bytes - std::min<std::uint64_t>(at, file_bytes)) / element)
        throw DataError(what + ": its " + std::to_string(rows) + " variable-length strings do not fit in the "
                               "file after byte " + std::to_string(at) + "; the file is truncated or damaged");
    const auto elements = read_bytes(file, at, rows * element, what);
    std::map<std::uint64_t, std::map<std::uint64_t, std::uint64_t>> collections;
    for (std::uint64_t i = 0; i < rows; ++i) {
        const unsigned char* e = elements.data() + i * element;
        const std::uint64_t length = decode(e, 4);
        const std::uint64_t addr = decode(e + 4, offset_size);
        const std::uint64_t index = decode(e + 4 + offset_size, 4);
        if (addr == 0 || length == 0) continue;  // a null or empty string: HDF5 reads nothing
        const std::string row = what + " row " + std::to_string(i) + " (0-based)";
        if (length > max_bytes)
            throw DataError(row + " declares a string of " + std::to_string(length) + " bytes, expected at most " +
                            std::to_string(max_bytes) + "; the file is damaged or not an Engage base");
        auto c = collections.find(addr);
        if (c == collections.end())
            c = collections.emplace(addr, collection_objects(file, file_bytes, addr, length_size, row)).first;
        const auto o = c->second.find(index);
        if (o == c->second.end() || o->second != length)
            throw DataError(row + ": its string of " + std::to_string(length) + " bytes is not object " +
                            std::to_string(index) + " of the global heap collection at byte " + std::to_string(addr) +
                            " (" + (o == c->second.end() ? "no such object" : std::to_string(o->second) + " bytes") +
                            "); the file is damaged: copy or write it again");
    }
}

}  // namespace engage::io::h5
