#pragma once
// Threads of a rank's own beside its OpenMP team: the writers behind the caller
// (io/direct_file.hpp), the readers ahead (io/direct_reader.hpp, io/spill_store.hpp) and the
// progress reporter. Where OpenMP binds its threads to places (OMP_PROC_BIND / OMP_PLACES, as
// cluster/slurm/common.sh sets for a task of several threads), libgomp pins the initial thread
// to the first place before main, and a std::thread inherits its creator's CPUs: every helper
// would share the first core with OpenMP's thread 0, whose share of each parallel region (and
// so the whole team at the region's end) waits while a helper runs there. A helper thread made
// here may run on any CPU of the rank's places instead; where OpenMP binds nothing, it keeps
// the CPUs it inherits, as a std::thread does.
#include <thread>
#include <utility>
#include <vector>

namespace engage {

// The CPUs of all of this process's OpenMP places, in increasing order; empty where OpenMP
// binds no threads (omp_get_num_places() is 0).
std::vector<int> place_cpus();

// Lets the calling thread run on any CPU of place_cpus() (nothing where it is empty). Best
// effort: a CPU set the system refuses leaves the thread where it is.
void run_on_place_cpus() noexcept;

// A std::thread running f on the CPUs of the rank's places.
template <class F>
std::thread helper_thread(F&& f) {
    return std::thread([g = std::forward<F>(f)]() mutable {
        run_on_place_cpus();
        g();
    });
}

}  // namespace engage
