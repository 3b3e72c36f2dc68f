#!/usr/bin/python3
"""The codecs' files against h5py, independently of Engage's code (tests/e2e/codecs.sh).

Debian's python3-hdf5plugin ships no filter of its own: LZ4 (32004) is decoded and encoded by
the HDF Group's plugin of Debian's hdf5-filter-plugin (found on HDF5's default plugin path);
Debian has no zstd plugin for HDF5, so zstd (32015) chunks are read and written raw
(read_direct_chunk / write_direct_chunk) and decoded by python3-zstandard as the registered
format says: one zstd frame per chunk, behind HDF5's shuffle filter.

  codecs_h5py.py same A B          every dataset and attribute of A equal in B (any codecs)
  codecs_h5py.py codec FILE ID     every numeric dataset of FILE filtered by shuffle + ID
  codecs_h5py.py write SRC DST ID  SRC rewritten by h5py with shuffle + ID in chunks of 1000 rows
"""
import struct
import sys

import h5py
import numpy as np
import zstandard

ZSTD, LZ4, DEFLATE, SHUFFLE = 32015, 32004, 1, 2


def filters(d):
    plist = d.id.get_create_plist()
    return [plist.get_filter(i)[0] for i in range(plist.get_nfilters())]


def unshuffle(raw, dtype, n):
    size = np.dtype(dtype).itemsize
    return np.frombuffer(raw, np.uint8)[: n * size].reshape(size, n).T.copy().view(dtype).reshape(-1)


def shuffle(values):
    size = values.dtype.itemsize
    return values.view(np.uint8).reshape(-1, size).T.tobytes()


def lz4_header_ok(raw, nbytes):
    size, block = struct.unpack(">QI", raw[:12])
    return size == nbytes and block == min(nbytes, 1 << 30)


def read(d):
    """The dataset's values; zstd chunks decoded here (no zstd plugin on Debian)."""
    if d.dtype.kind in "iuf" and d.chunks is None and d.size == 0:
        return d[()]
    if ZSTD not in filters(d):
        return d[()]
    assert filters(d) == [SHUFFLE, ZSTD], f"{d.name}: filters {filters(d)}"
    chunk = d.chunks
    per_chunk = int(np.prod(chunk))
    out = np.empty(d.shape, d.dtype)
    for start in range(0, d.shape[0], chunk[0]):
        offset = (start,) + (0,) * (len(chunk) - 1)
        mask, raw = d.id.read_direct_chunk(offset)
        assert mask == 0, f"{d.name}: filter mask {mask}"
        decoded = zstandard.ZstdDecompressor().decompress(raw)  # needs the frame's content size
        assert len(decoded) == per_chunk * d.dtype.itemsize, f"{d.name}: chunk of {len(decoded)} bytes"
        values = unshuffle(decoded, d.dtype, per_chunk).reshape(chunk)
        rows = min(chunk[0], d.shape[0] - start)
        out[start:start + rows] = values[:rows]
    return out


def datasets(f):
    found = {}
    f.visititems(lambda name, o: found.__setitem__(name, o) if isinstance(o, h5py.Dataset) else None)
    return found


def attributes(f):
    found = {}
    f.visititems(lambda name, o: found.update({(name, k): v for k, v in o.attrs.items()}))
    found.update({("/", k): v for k, v in f.attrs.items()})
    return found


def same(a_path, b_path):
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        da, db = datasets(a), datasets(b)
        assert sorted(da) == sorted(db), f"datasets differ: {sorted(set(da) ^ set(db))}"
        for name in da:
            va, vb = read(da[name]), read(db[name])
            assert va.dtype == vb.dtype and va.shape == vb.shape, f"{name}: {va.dtype}{va.shape} vs {vb.dtype}{vb.shape}"
            equal = va.tobytes() == vb.tobytes() if va.dtype.kind in "iuf" else np.array_equal(va, vb)
            assert equal, f"{name}: values differ"  # bit for bit: NaN wallets included
        aa, ab = attributes(a), attributes(b)
        assert aa.keys() == ab.keys() and all(np.array_equal(aa[k], ab[k]) for k in aa), "attributes differ"
        print(f"same: {len(da)} datasets of {a_path} equal in {b_path}")


def codec(path, codec_id):
    with h5py.File(path, "r") as f:
        n = 0
        for name, d in datasets(f).items():
            if d.dtype.kind not in "iuf" or name == "channels/code":
                continue
            assert filters(d) == [SHUFFLE, codec_id], f"{name}: filters {filters(d)}, expected shuffle + {codec_id}"
            if codec_id == LZ4 and d.id.get_num_chunks() > 0:
                _, raw = d.id.read_direct_chunk((0,) * len(d.chunks))
                nbytes = int(np.prod(d.chunks)) * d.dtype.itemsize
                assert lz4_header_ok(raw, nbytes), f"{name}: LZ4 header {raw[:12].hex()}"
            n += 1
        assert n > 0, f"{path}: no numeric dataset"
        print(f"codec: {n} datasets of {path} are shuffle + {codec_id}")


def write(src, dst, codec_id):
    with h5py.File(src, "r") as s, h5py.File(dst, "w") as t:
        for name, d in datasets(s).items():
            values = d[()]
            if d.dtype.kind not in "iuf" or values.ndim != 1 or values.size == 0:
                t.create_dataset(name, data=values)
            elif codec_id == LZ4:  # the HDF Group's plugin encodes
                t.create_dataset(name, data=values, chunks=(min(1000, values.size),), shuffle=True, compression=LZ4,
                                 compression_opts=(0,))
            else:  # zstd: the chunks encoded here, one frame each
                rows = min(1000, values.size)
                out = t.create_dataset(name, shape=values.shape, dtype=values.dtype, chunks=(rows,), shuffle=True,
                                       compression=ZSTD, compression_opts=(3,), allow_unknown_filter=True)
                for start in range(0, values.size, rows):
                    part = np.zeros(rows, values.dtype)
                    part[: min(rows, values.size - start)] = values[start:start + rows]
                    frame = zstandard.ZstdCompressor(level=3, write_content_size=True).compress(shuffle(part))
                    out.id.write_direct_chunk((start,), frame)
            for k, v in d.attrs.items():
                t[name].attrs[k] = v
        for k, v in s.attrs.items():
            t.attrs[k] = v
    codec(dst, codec_id)
    same(src, dst)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "same":
        same(sys.argv[2], sys.argv[3])
    elif cmd == "codec":
        codec(sys.argv[2], int(sys.argv[3]))
    elif cmd == "write":
        write(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(f"unknown command {cmd}")
