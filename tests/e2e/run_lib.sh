# Sourced by the end-to-end scripts that run the executable under mpirun (after `set -euo
# pipefail` and with $engage and $mpiexec set): a scratch directory $tmp removed at exit,
# fail MESSAGE (exit 1), and run RANKS THREADS ARGS... (engage ARGS -q on RANKS ranks of THREADS
# OpenMP threads each).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
run() { # ranks threads args...
    local n=$1 t=$2; shift 2
    OMP_NUM_THREADS=$t "$mpiexec" --bind-to none -n "$n" "$engage" "$@" -q
}
