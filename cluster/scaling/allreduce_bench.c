/* The cost of MPI_Allreduce (int64, SUM, in place, as Engage's mpi::Comm does it) on the ranks
 * it is started on: one CSV line per message size, "ranks,bytes,seconds" (the median of 7
 * batches of the mean time per call, slowest rank). model.py fits latency and bandwidth to it.
 * Build and run: mpicc -O2 -o allreduce_bench allreduce_bench.c && mpirun -n 2 ./allreduce_bench
 */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int by_value(const void* a, const void* b) {
    const double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const size_t most = (size_t)1 << 24; /* 16 MiB, the order of Engage's largest reductions */
    int64_t* words = calloc(most / 8, 8);
    if (!words) MPI_Abort(MPI_COMM_WORLD, 1);
    if (rank == 0) printf("ranks,bytes,seconds\n");
    for (size_t bytes = 8; bytes <= most; bytes *= 4) {
        const int count = (int)(bytes / 8);
        /* About 20 ms of calls per batch, at least 2. */
        int calls = (int)(0.02 / (2e-6 + (double)bytes * 2e-9));
        if (calls < 2) calls = 2;
        double batch[7];
        MPI_Allreduce(MPI_IN_PLACE, words, count, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD); /* warm up */
        for (int b = 0; b < 7; ++b) {
            MPI_Barrier(MPI_COMM_WORLD);
            const double t0 = MPI_Wtime();
            for (int i = 0; i < calls; ++i)
                MPI_Allreduce(MPI_IN_PLACE, words, count, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
            double t = (MPI_Wtime() - t0) / calls;
            MPI_Allreduce(MPI_IN_PLACE, &t, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
            batch[b] = t;
        }
        qsort(batch, 7, sizeof batch[0], by_value);
        if (rank == 0) printf("%d,%zu,%.9g\n", size, bytes, batch[3]);
    }
    free(words);
    MPI_Finalize();
    return 0;
}
