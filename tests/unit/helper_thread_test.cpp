// The rank's helper threads (core/helper_thread.hpp): where OpenMP binds its threads to
// places, a helper runs on every CPU of the places, not on the first place that the initial
// thread was pinned to (which a plain std::thread inherits); where OpenMP binds nothing, a
// helper keeps the CPUs it inherits. The ctest `unit.helper_thread_bound` runs these tests
// with OMP_PROC_BIND=close and OMP_PLACES=cores, as cluster/slurm/common.sh sets them.
#include <gtest/gtest.h>

#include <omp.h>
#include <sched.h>

#include <thread>
#include <vector>

#include "core/helper_thread.hpp"

namespace engage {
namespace {

std::vector<int> cpus_of_this_thread() {
    cpu_set_t set;
    CPU_ZERO(&set);
    EXPECT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
    std::vector<int> out;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &set)) out.push_back(c);
    return out;
}

TEST(HelperThread, RunsOnEveryCpuOfTheOpenMpPlaces) {
#pragma omp parallel
    {
    }  // OpenMP started, its threads bound where OMP_PROC_BIND says so
    const std::vector<int> places = place_cpus();
    const std::vector<int> mine = cpus_of_this_thread();
    std::vector<int> plain, helper;
    std::thread([&] { plain = cpus_of_this_thread(); }).join();
    helper_thread([&] { helper = cpus_of_this_thread(); }).join();
    EXPECT_EQ(plain, mine);  // what a std::thread inherits
    if (places.empty()) {
        EXPECT_EQ(helper, mine);
        return;
    }
    EXPECT_EQ(helper, places);
    if (omp_get_num_places() > 1 && omp_get_proc_bind() != omp_proc_bind_false) {
        // Bound: the initial thread is on its first place only, a plain thread with it.
        EXPECT_LT(mine.size(), places.size());
        EXPECT_LT(plain.size(), helper.size());
    }
}

}  // namespace
}  // namespace engage
