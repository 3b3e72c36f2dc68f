#include "core/helper_thread.hpp"

#include <omp.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>

namespace engage {

std::vector<int> place_cpus() {
    std::vector<int> cpus;
    for (int p = 0; p < omp_get_num_places(); ++p) {
        std::vector<int> ids(std::size_t(std::max(0, omp_get_place_num_procs(p))));
        if (!ids.empty()) omp_get_place_proc_ids(p, ids.data());
        cpus.insert(cpus.end(), ids.begin(), ids.end());
    }
    std::sort(cpus.begin(), cpus.end());
    cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
    return cpus;
}

void run_on_place_cpus() noexcept {
    try {
        static const std::vector<int> cpus = place_cpus();
        if (cpus.empty()) return;
        cpu_set_t set;
        CPU_ZERO(&set);
        for (int c : cpus)
            if (c >= 0 && c < CPU_SETSIZE) CPU_SET(c, &set);
        pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    } catch (...) {  // no memory for the list: the thread stays where it is
    }
}

}  // namespace engage
