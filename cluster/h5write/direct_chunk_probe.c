/* Can ranks write their own compressed chunks with H5Dwrite_chunk under parallel HDF5 1.10's
 * MPI-IO driver (issue 14, write alternative (b))? Each rank writes one chunk of a deflated
 * dataset directly (raw bytes, filter mask 1: the deflate filter skipped for that chunk), first
 * with an independent transfer, then with a collective one; then rank 0 reopens the file serially
 * and checks every value. docs/performance.md, "Codecs (issue 14)".
 *   mpirun -n 2 build/cluster/h5write/direct_chunk_probe FILE.h5
 * Exit 0 when both chunks read back correctly, 1 otherwise. */
#include <hdf5.h>
#include <mpi.h>
#include <stdio.h>

enum { kChunk = 1024 };

int main(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const char* path = argc > 1 ? argv[1] : "direct_chunk_probe.h5";
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_fapl_mpio(fapl, MPI_COMM_WORLD, MPI_INFO_NULL);
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    hsize_t dims = (hsize_t)kChunk * (hsize_t)size, chunk = kChunk;
    hid_t space = H5Screate_simple(1, &dims, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 1, &chunk);
    H5Pset_deflate(dcpl, 1);
    hid_t d = H5Dcreate2(f, "x", H5T_NATIVE_INT, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    int buf[kChunk];
    for (int i = 0; i < kChunk; ++i) buf[i] = rank * 1000000 + i;
    hsize_t offset = (hsize_t)kChunk * (hsize_t)rank;
    herr_t independent = H5Dwrite_chunk(d, H5P_DEFAULT, 1u, &offset, sizeof buf, buf);
    hid_t xfer = H5Pcreate(H5P_DATASET_XFER);
    H5Pset_dxpl_mpio(xfer, H5FD_MPIO_COLLECTIVE);
    herr_t collective = H5Dwrite_chunk(d, xfer, 1u, &offset, sizeof buf, buf);
    printf("rank %d: H5Dwrite_chunk independent %s, collective %s\n", rank, independent < 0 ? "failed" : "returned success",
           collective < 0 ? "failed" : "returned success");
    fflush(stdout);
    H5Pclose(xfer);
    H5Dclose(d);
    H5Sclose(space);
    H5Pclose(dcpl);
    H5Fclose(f);
    H5Pclose(fapl);
    int bad = 0;
    MPI_Barrier(MPI_COMM_WORLD);
    if (rank == 0) {
        hid_t g = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
        hid_t x = g < 0 ? -1 : H5Dopen2(g, "x", H5P_DEFAULT);
        static int all[kChunk * 64];
        if (x < 0 || size > 64 || H5Dread(x, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, all) < 0) {
            printf("reading the file back failed\n");
            bad = 1;
        } else {
            for (int r = 0; r < size; ++r)
                for (int i = 0; i < kChunk; ++i) bad |= all[r * kChunk + i] != r * 1000000 + i;
            printf("values read back: %s\n", bad ? "WRONG" : "all correct");
        }
        if (x >= 0) H5Dclose(x);
        if (g >= 0) H5Fclose(g);
    }
    MPI_Bcast(&bad, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
    return bad;
}
