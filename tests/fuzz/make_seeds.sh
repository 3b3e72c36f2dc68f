#!/usr/bin/env bash
# Writes the seed corpus of the customer_base target: small valid bases (engage generate
# --customers 3, engage import of a tiny log) and copies broken by engage_corrupt, after the
# catalogue of tests/e2e/hostile_input.sh. The seeds are kept in the tree
# (tests/fuzz/corpus/customer_base/); rerun this only to remake them after a schema change.
#   tests/fuzz/make_seeds.sh ENGAGE ENGAGE_CORRUPT OUTDIR
set -euo pipefail
engage=$1 corrupt=$2 out=$3
mkdir -p "$out"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$engage" generate --customers 3 --seed 7 --output "$out/generated_3.h5" -q
printf 'customer,date,amount\n1,2024-01-05,10.5\n1,2024-02-01,3\n2,2024-01-06,7.25\n3,2024-03-01,1\n' >"$tmp/log.csv"
"$engage" import --transactions "$tmp/log.csv" --output "$out/imported_3.h5" -q

base=$out/generated_3.h5
corrupted() { cp "$base" "$out/$1.h5" && "$corrupt" "$2" "$out/$1.h5" "${@:3}"; }
corrupted attr_epoch_array attr-array / epoch
corrupted attr_last_time_array attr-array /interactions/time last_time
corrupted rm_names_2d strings-2d /customers/rm_names
corrupted channel_kind_vlen strings-vlen /channels/kind
corrupted utf8_cut string-set /channels/name 2 $'caf\xc3'
corrupted last_time_int64_max attr-set /interactions/time last_time 9223372036854775807
corrupted epoch_bad attr-set / epoch 2024-02-30
corrupted acq_min set /customers/acquisition_day 1 -2147483648
corrupted forged_customers inflate /customers/id 17179869184
corrupted forged_names inflate /customers/rm_names 1073741824
corrupted value_float32 retype /interactions/value
corrupted channel_shortened shorten /interactions/channel
corrupted no_segment delete /customers/segment
corrupted offset_back set /interactions/offsets 2 0
