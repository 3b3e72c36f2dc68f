#!/usr/bin/env bash
# A synthetic transaction log for measuring `engage import` at scale (docs/performance.md,
# "engage import at scale"): ROWS rows of CUSTOMERS customers in random order (not sorted by
# customer or date), string ids, ISO dates over three years, amounts with cents, five channels.
# Seeded: the same arguments give the same file. About 45 bytes a row (100 M rows: ~4.5 GB).
#   bash cluster/import_log.sh ROWS CUSTOMERS SEED > log.csv
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: bash cluster/import_log.sh ROWS CUSTOMERS SEED > log.csv" >&2; exit 2; }
awk -v rows="$1" -v customers="$2" -v seed="$3" 'BEGIN {
    srand(seed)
    split("purchase login support_ticket content_view event_attended", channel, " ")
    # The days of 2021-2023 as text, once (awk has no date functions everywhere).
    split("31 28 31 30 31 30 31 31 30 31 30 31", len, " ")
    n = 0
    for (y = 2021; y <= 2023; y++)
        for (m = 1; m <= 12; m++)
            for (d = 1; d <= len[m]; d++) day[n++] = sprintf("%d-%02d-%02d", y, m, d)
    print "customer,date,amount,channel"
    # rand() of mawk can return 1.0: every index is taken modulo its range.
    for (i = 0; i < rows; i++)
        printf "C-%08d,%s,%.2f,%s\n", int(rand() * customers) % customers, day[int(rand() * n) % n], rand() * 200,
               channel[1 + int(rand() * 5) % 5]
}'
