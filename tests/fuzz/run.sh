#!/usr/bin/env bash
# Builds the fuzz targets with clang (libFuzzer + ASan + UBSan, in build-fuzz/ or
# $ENGAGE_FUZZ_BUILD_DIR) and runs each for SECONDS (default 60) from its seed corpus and its
# regressions. Extra arguments go to libFuzzer (e.g. -jobs=8 -workers=8: see docs/architecture.md).
#   [ENGAGE_FUZZ_TARGETS="transactions_csv"] tests/fuzz/run.sh [SECONDS] [libFuzzer flags...]
# A finding (crash, sanitizer report, timeout, out-of-memory, an exception other than the typed
# errors) whose stack reaches Engage's code before HDF5's fails the run, with its reproducer's
# path. One inside the HDF5 library itself (a damaged file that libhdf5 crashes or hangs on
# before returning to Engage: not fixable here) is printed, moved to
# $build/fuzz/hdf5-findings/TARGET/, and fuzzing goes on for the rest of the time.
set -euo pipefail
seconds=${1:-60}
shift || true
cd "$(dirname "$0")/../.."
src=tests/fuzz
build=${ENGAGE_FUZZ_BUILD_DIR:-build-fuzz}
targets=(${ENGAGE_FUZZ_TARGETS:-transactions_csv attributes_csv customer_base})  # or a subset

if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DENGAGE_FUZZ=ON >/dev/null
fi
cmake --build "$build" --target fuzz_targets -j "$(nproc)"
build=$(cd "$build" && pwd)
src=$PWD/$src

# Where a finding's first stack stops: "hdf5" when a libhdf5 frame comes before any frame of
# Engage's sources, "engage" otherwise (UBSan's report names the source line directly).
where() {
  awk -v repo="$PWD/" '
    index($0, repo) && / runtime error: / { print "engage"; exit }
    /^    #[0-9]+ / && /libhdf5/ { print "hdf5"; exit }
    /^    #[0-9]+ / && index($0, repo) && !index($0, "/tests/fuzz/") { print "engage"; exit }
    END { }' "$1" | grep . || echo engage
}

# The MPI singleton of the customer-base target runs as root in CI, and keeps its session
# directory (restarted after every finding inside HDF5) away from other MPI jobs' /tmp/ompi.*.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_orte_tmpdir_base=$build/fuzz/ompi
# The customer-base target's scratch file (engage-fuzz-PID.h5), left behind by each crash.
export TMPDIR=$build/fuzz/tmp
mkdir -p "$OMPI_MCA_orte_tmpdir_base" "$TMPDIR"
failed=0
for t in "${targets[@]}"; do
  corpus=$build/fuzz/corpus/$t       # what this and earlier runs found, kept between runs
  findings=$build/fuzz/findings/$t/  # crash-*, timeout-*, oom-*, leak-*
  known=$build/fuzz/hdf5-findings/$t/
  log=$build/fuzz/$t.log
  mkdir -p "$corpus" "$findings" "$known"
  # Leak detection is off for the MPI target, as in the ASan suite under mpirun: Open MPI's
  # components (ompio, PMIx, hwloc) keep allocations of the first MPI-IO open until exit.
  # malloc returns NULL for an impossible size, as glibc's does, instead of ASan stopping there:
  # HDF5 asks for petabytes for a forged size and then fails cleanly; a `new` of Engage's that
  # fails is still reported.
  leaks=1
  [ "$t" != customer_base ] || leaks=0
  echo "fuzz: $t for $seconds s"
  end=$((SECONDS + seconds))
  : >"$log"
  while [ $((left = end - SECONDS)) -gt 0 ]; do
    rm -f "$findings"*
    # From build-fuzz/fuzz/, where -jobs writes its fuzz-N.log files.
    if (cd "$build/fuzz" && ASAN_OPTIONS=detect_leaks=$leaks:allocator_may_return_null=1 \
        "$build/tests/fuzz/fuzz_$t" -max_total_time="$left" -timeout=10 -rss_limit_mb=2048 \
        -detect_leaks=$leaks -print_final_stats=1 -artifact_prefix="$findings" "$@" \
        "$corpus" "$src/corpus/$t" "$src/regressions/$t") >"$log.run" 2>&1 \
        && [ -z "$(ls "$findings")" ]; then  # with -jobs, a job's finding ends only that job
      cat "$log.run" >>"$log"
      break
    fi
    cat "$log.run" >>"$log"
    reproducer=$(ls "$findings"* 2>/dev/null | head -n 1)
    if [ -n "$reproducer" ] && [ "$(where "$log.run")" = hdf5 ]; then
      mv "$reproducer" "$known"
      echo "fuzz: $t: a finding inside libhdf5 (not Engage's code), kept as $known$(basename "$reproducer"):"
      grep -m 1 -E 'ERROR: |deadly signal|timeout after' "$log.run" | sed 's/^/    /'
      grep -m 4 -E '^    #[0-9]+ .*libhdf5' "$log.run" | sed 's/^/    /'
      continue
    fi
    tail -n 60 "$log.run"
    echo "fuzz: $t found a problem; reproducer: ${reproducer:-none written (see $log)}" >&2
    echo "fuzz: rerun it with $build/tests/fuzz/fuzz_$t FILE; once fixed, keep it under $src/regressions/$t/" >&2
    failed=1
    continue 2
  done
  # Over the restarts: every execution, and the coverage at the end (cov: edges, ft: features).
  awk -v t="$t" -v s="$seconds" '/^stat::number_of_executed_units/ { n += $2 }
    END { printf "fuzz: %s: %d executions in %d s (%.0f/s)\n", t, n, s, n / s }' "$log"
  grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true
done
exit $failed
