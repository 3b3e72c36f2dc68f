#!/usr/bin/python3
"""Runs a command, stamps each line of its stderr with the wall time it arrived, and reports the
largest silence: between the start and the first line, between two lines, or between the last
line and the exit.

Usage: progress_gaps.py LOG MAX_SECONDS -- COMMAND...
LOG receives the stamped lines ("SECONDS_SINCE_START LINE"). Exit 0 when no silence is longer
than MAX_SECONDS and the command succeeded, 1 otherwise (the command's own exit code is named).
"""
import subprocess
import sys
import time


def main() -> int:
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    log_path, limit, command = sys.argv[1], float(sys.argv[2]), sys.argv[4:]
    start = time.monotonic()
    stamps = []
    with open(log_path, "w") as log:
        proc = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
        for raw in proc.stderr:  # line by line, as they arrive
            t = time.monotonic() - start
            line = raw.decode("utf-8", "replace").rstrip("\n")
            stamps.append((t, line))
            log.write(f"{t:8.3f} {line}\n")
            log.flush()
        rc = proc.wait()
        end = time.monotonic() - start
        log.write(f"{end:8.3f} (exit {rc})\n")
    times = [0.0] + [t for t, _ in stamps] + [end]
    gaps = [(times[i + 1] - times[i], i) for i in range(len(times) - 1)]
    gap, at = max(gaps)
    where = ("before the first line" if at == 0 else
             "after the last line, before the exit" if at == len(times) - 2 else
             f"after: {stamps[at - 1][1]}")
    print(f"{len(stamps)} lines in {end:.1f} s; largest silence {gap:.1f} s, {where}")
    if rc != 0:
        print(f"the command failed with exit code {rc}")
        return 1
    return 0 if gap <= limit else 1


if __name__ == "__main__":
    sys.exit(main())
