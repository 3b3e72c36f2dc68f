# Sourced by the import tests (import.sh, import_scale.sh), with $engage, $mpiexec and $tmp set:
# counted checks that go on after a failure, and engage run on N ranks.
#   check NAME COMMAND...: runs the command; "ok NAME" or "FAIL: NAME" (counted in $failures)
#   run RANKS ARGS...: engage ARGS on RANKS ranks (1: without mpirun), within $run_timeout
#     seconds (default 120); output in $tmp/stdout and $tmp/stderr
#   rows FILE DATASET: the length of a 1-D dataset, from h5ls
failures=0 checks=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok   $*"; }
check() {
    local name=$1
    shift
    checks=$((checks + 1))
    if "$@"; then ok "$name"; else fail "$name"; fi
}
run() {
    local n=$1
    shift
    if [ "$n" -eq 1 ]; then
        timeout "${run_timeout:-120}" "$engage" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    else
        timeout "${run_timeout:-120}" "$mpiexec" --bind-to none -n "$n" "$engage" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    fi
}
rows() { h5ls "$1/$2" | sed -n 's/.*Dataset {\([0-9]*\)\(\/[0-9A-Za-z]*\)\?}.*/\1/p'; }
