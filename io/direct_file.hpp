#pragma once
// Byte ranges written into a file past the page cache (POSIX O_DIRECT), so that a rank writing
// gigabytes of customers.h5, of a base's columns or of customers.csv does not first have the kernel allocate and
// fill that much page cache: on the machines measured, new page-cache memory costs 0.3-0.5 GB/s
// the first time, a direct write goes to the disk at 1.2 GB/s (docs/performance.md, "Writing
// past the page cache").
//
// A range [offset, offset + bytes) is split at the file system's block size (4 KiB): the
// aligned middle goes with O_DIRECT, the partial blocks at its two ends through an ordinary
// (buffered) write. Two ranks writing neighbouring ranges thus only ever share a block through
// the page cache, where their bytes merge, and no block is written both ways. Where O_DIRECT is
// not available (tmpfs, some network file systems: open or the first write fails with EINVAL),
// every byte is written buffered; the file's content is the same either way.
// ENGAGE_DIRECT_OUTPUT=0 turns it off (io/h5/io_tuning.hpp).
//
// The writes run behind the caller (docs/performance.md, "Writes behind the computation"):
// `write` copies the bytes into the next of a ring of staging buffers (two of 4 MiB unless the
// owner gives more), placed so that the file's block boundaries fall on the buffer's, and
// returns; a thread of the object's own writes them in order while the caller computes, so
// that a rank waits for the disk only when every buffer is still queued. A caller that hands
// over its rows in bursts (customers.h5's flushes: tens of MB at once) gives a ring as deep as
// a burst, so that the disk takes it while the rank computes the next one. `finish` waits for
// the writes and reports the first one that failed; a failed write is also reported by the
// next `write`.
//
// The caller guarantees that nothing else writes the same bytes (HDF5 writes only metadata
// outside the datasets' allocated space) and that readers of the file come after `finish`:
// a direct write invalidates the page cache over its range, so later reads see its bytes.
#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace engage::io {

// O_DIRECT's alignment on the file systems in use: offsets, lengths and memory of a direct read
// or write are multiples of it (also for io/direct_reader.hpp and io/spill_store.hpp).
inline constexpr std::uint64_t kDirectBlock = 4096;
// Memory aligned to kDirectBlock; null when there is none.
using AlignedBytes = std::unique_ptr<std::byte[], void (*)(std::byte*)>;
AlignedBytes aligned_bytes(std::uint64_t bytes);

class DirectFile {
public:
    // Nothing is opened until the first write. `direct` false: every byte written buffered
    // (ENGAGE_DIRECT_OUTPUT=0), still behind the caller. `stage_bytes`: the size of each staging
    // buffer (a multiple of 4 KiB; smaller for files of which a rank has many open);
    // `queue_bytes`: the memory of the ring, as many stages as it holds (stages_in; their memory
    // is taken at the first write).
    explicit DirectFile(std::string path, bool direct = true, std::uint64_t stage_bytes = kDefaultStageBytes,
                        std::uint64_t queue_bytes = 0)
        : path_(std::move(path)), direct_(direct), stage_bytes_(stage_bytes),
          stages_(stages_in(queue_bytes, stage_bytes)) {}
    static constexpr std::uint64_t kDefaultStageBytes = 4u << 20;
    // The stages of `stage_bytes` that `queue_bytes` of memory holds: at least two, at most 1024.
    static std::size_t stages_in(std::uint64_t queue_bytes, std::uint64_t stage_bytes = kDefaultStageBytes) noexcept {
        return std::clamp<std::uint64_t>(queue_bytes / std::max<std::uint64_t>(1, stage_bytes), 2, 1024);
    }
    DirectFile(const DirectFile&) = delete;
    DirectFile& operator=(const DirectFile&) = delete;
    ~DirectFile();  // close(): waits for the queued writes, reports nothing

    // Queues `bytes` bytes from `data` at `offset` (copied: `data` may be reused on return).
    // Throws IoError naming the file and the system's reason (a full disk) when the file cannot
    // be opened or an earlier write failed.
    void write(std::uint64_t offset, const void* data, std::uint64_t bytes);
    // Waits for every queued write and closes the descriptors (a later write opens them again).
    // Throws the first write's IoError, if one failed since the last finish.
    void finish();
    // The same for a file being abandoned (an error elsewhere): failures are dropped.
    void close() noexcept;
    // The system's error number of the failure `finish` or `write` last threw (0: none known),
    // for callers that word one message on every rank (h5::agree_on_write).
    int failure_errno() const noexcept { return failure_errno_; }

    // What this process wrote each way, for run.json.
    static std::uint64_t direct_bytes() noexcept;
    static std::uint64_t buffered_bytes() noexcept;

private:
    struct Stage {
        AlignedBytes memory{nullptr, nullptr};
        std::uint64_t offset = 0, bytes = 0;  // the file range it holds, from memory + offset % block
        bool queued = false;
    };
    void open();
    void run() noexcept;                         // the writer thread
    void write_now(const Stage& s);              // on the writer thread
    void write_buffered(std::uint64_t offset, const std::byte* data, std::uint64_t bytes);
    void stop() noexcept;                        // waits, joins the thread, closes the descriptors
    void rethrow_failure();
    [[noreturn]] void fail(const char* what, int error);  // on the writer thread

    std::string path_;
    int buffered_fd_ = -1, direct_fd_ = -1;
    bool direct_ = true;
    std::uint64_t stage_bytes_;
    bool opened_ = false;
    bool direct_worked_ = false;  // a direct write succeeded: a later EINVAL is an error, not a refusal

    std::vector<Stage> stages_;
    std::size_t next_ = 0;  // the stage the caller fills next; the thread writes them in the same order
    std::mutex mutex_;
    std::condition_variable changed_;
    bool stopping_ = false;
    std::exception_ptr failure_;  // the first failed write since the last finish
    int failure_errno_ = 0;
    std::thread thread_;
};

}  // namespace engage::io
