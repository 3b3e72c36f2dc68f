# The bad-input harness that tests/e2e/bad_input.sh and hostile_input.sh source: fail, die,
# engage_stderr, expect and verdict, counting $cases and $failures. The caller defines $tmp (the
# scratch directory; COMMAND's output goes to $tmp/stdout and $tmp/stderr), $limit (seconds per
# case), snapshot and $baseline (the guarded outputs' fingerprint before the cases) and leftovers
# (what a run must not leave behind). A COMMAND that is a shell function must be exported
# (export -f), with the variables it uses: it runs under `timeout` in a child bash.
failures=0 cases=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
die() { echo "FATAL: $*"; exit 1; }

# stderr without mpirun's banners (the blocks between lines of dashes) and Open MPI's notes about
# its shared-file-pointer component, which are not Engage's.
engage_stderr() { awk '/^----------/ { skip = !skip; next } !skip && !/mca_sharedfp_/' "$tmp/stderr"; }

# expect CODE NAME PATTERN... -- COMMAND...
# Runs COMMAND (a program or one of the functions below) under `timeout`; checks its exit code,
# that a failure prints exactly one line "engage: error: ..." (any number of lines before it
# when lines=any, e.g. the bad rows import reports), that stderr holds every PATTERN (fixed
# strings), that the guarded outputs are unchanged and that nothing was left behind.
expect() {
    local code=$1 name=$2 pats=() p rc why=""
    shift 2
    while [ "$1" != "--" ]; do pats+=("$1"); shift; done
    shift
    cases=$((cases + 1))
    if declare -F "$1" >/dev/null; then
        timeout -k 5 "$limit" bash -c '"$@"' _ "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    else
        timeout -k 5 "$limit" "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    fi
    rc=$?
    [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || why+=" timed out after ${limit} s (a hang);"
    [ "$rc" -lt 128 ] || why+=" killed by signal $((rc - 128)) (a crash);"
    [ "$rc" -eq "$code" ] || why+=" exit code $rc, expected $code;"
    if [ "$code" -ne 0 ]; then
        [ "${lines:-1}" = any ] || [ "$(engage_stderr | grep -c .)" -eq 1 ] || why+=" stderr is not exactly one line;"
        [ "$(engage_stderr | grep -c '^engage: error: ')" -eq 1 ] || why+=" not one 'engage: error:' line;"
    fi
    for p in "${pats[@]}"; do
        engage_stderr | grep -qF -- "$p" || why+=" message lacks \"$p\";"
    done
    [ "$(snapshot)" = "$baseline" ] || why+=" earlier outputs changed;"
    verdict "$name" "$rc" "$why"
}

# verdict NAME RC WHY: WHY (the failed checks) plus anything left behind; prints ok or FAIL.
verdict() {
    local why=$3
    [ -z "$(leftovers)" ] || why+=" left behind: $(leftovers | tr '\n' ' ');"
    if [ -n "$why" ]; then
        fail "$1:$why"
        sed 's/^/    stderr| /' "$tmp/stderr" | head -20
    else
        echo "ok   $1 (exit $2)"
    fi
}
