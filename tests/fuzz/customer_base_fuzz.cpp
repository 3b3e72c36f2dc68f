// Fuzz target: the customer-base reader's validation (io/customer_base.*, io/h5/*). The input is
// an HDF5 file image, written to a scratch file and opened as `engage score` opens its input
// (MPI-IO, here on MPI_COMM_SELF); the reader checks the metadata, then reads and checks the
// first shard (up to the default 65,536 customers). The typed errors the reader documents
// (DataError, IoError) are expected; anything else that escapes, a crash, a hang or a sanitizer
// report is a finding.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/errors.hpp"
#include "io/customer_base.hpp"
#include "io/h5/library.hpp"
#include "mpi/comm.hpp"

using namespace engage;

namespace {

constexpr std::uint64_t kFirstShardCustomers = 65536;  // --shard-customers' default

std::string& scratch_path() {
    static std::string path;
    return path;
}

void remove_scratch() { std::remove(scratch_path().c_str()); }

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
    // MPI stays initialised for the whole run and is finalised at exit (static destructor).
    static mpi::Environment env(*argc, *argv);
    io::h5::silence_automatic_error_printing();
    const char* dir = std::getenv("TMPDIR");
    scratch_path() = std::string(dir && *dir ? dir : "/tmp") + "/engage-fuzz-" + std::to_string(getpid()) + ".h5";
    std::atexit(remove_scratch);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string& path = scratch_path();
    std::FILE* f = std::fopen(path.c_str(), "wb");
    // size 0: data may be null, which fwrite must not be given.
    if (!f || (size && std::fwrite(data, 1, size, f) != size) || std::fclose(f) != 0) {
        std::perror(path.c_str());
        std::abort();  // the scratch file is the harness's, not the input's problem
    }
    try {
        const mpi::Comm self = mpi::Comm::self();
        io::CustomerBaseReader reader(self, path);
        const std::uint64_t customers = std::min(reader.meta().customers, kFirstShardCustomers);
        io::CustomerShard shard;
        reader.read_shard(0, customers, shard);
        if (shard.customers() != customers || shard.offsets.size() != customers + 1) __builtin_trap();
        if (shard.view().time.size() != shard.offsets.back()) __builtin_trap();
        reader.close();
    } catch (const DataError&) {
    } catch (const IoError&) {
    }
    return 0;
}
