#!/usr/bin/env bash
# Runs every DeltaLite benchmark in one run on this machine, each beside its peer on the same data and seeds, and
# prints ONE combined table (workload, DeltaLite's time, rate and peak memory, the peer's, the ratio, the target),
# then each benchmark's own detailed table; everything is also saved to bench-results.md.
#
#   scripts/bench.sh [--quick]
#     full (default): Parquet, table reads and ingestion at 1,000,000 and 5,000,000 rows (peak memory shown at both),
#                     table writes at 1,000,000, a 10,000-commit log, a 256 MiB Azure file
#     --quick:        small sizes, a smoke run (a couple of minutes)
#
# The services come from scripts/test.sh --run (it installs what is missing and starts PostgreSQL and Azurite on
# free 127.0.0.1 ports), so the PostgreSQL rows always have their server and their COPY peer.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ -z "${DELTALITE_BENCH_INSIDE:-}" ]; then
  export DELTALITE_BENCH_INSIDE=1
  exec scripts/test.sh --run "$0" "$@"
fi

SIZES="1000000 5000000"; WRITE_ROWS=1000000; COMMITS=10000; MIB=256; SMALL=1000
if [ "${1:-}" = "--quick" ]; then SIZES="20000 50000"; WRITE_ROWS=20000; COMMITS=500; MIB=16; SMALL=100; fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The benchmarks measure the engine as it ships: published ReadyToRun (precompiled, so a run does not spend its first
# half-second JIT-compiling a few thousand methods on the cores the work needs). Where the ReadyToRun compiler
# (the crossgen2 package) cannot be restored, the plain build is measured instead, and the run says so.
case "$(uname -m)" in x86_64) RID=linux-x64 ;; aarch64|arm64) RID=linux-arm64 ;; *) RID="" ;; esac
BENCH_DIR=tools/DeltaLite.Benchmarks/bin/r2r
COMPILED="ReadyToRun ($RID)"
if [ -z "$RID" ] || ! dotnet publish tools/DeltaLite.Benchmarks -c Release -r "$RID" --self-contained false \
    -p:PublishReadyToRun=true -o "$BENCH_DIR" --nologo -v quiet -clp:ErrorsOnly; then
  echo "bench.sh: ReadyToRun publish unavailable here; measuring the plain (JIT) build" >&2
  dotnet build tools/DeltaLite.Benchmarks -c Release --nologo -v quiet -clp:ErrorsOnly
  BENCH_DIR=tools/DeltaLite.Benchmarks/bin/Release/net10.0
  COMPILED="JIT only (no ReadyToRun)"
fi
bench() { dotnet "$BENCH_DIR/deltalite-bench.dll" "$@"; }

out=bench-results.md
details="$(mktemp)"
export DELTALITE_BENCH_SUMMARY
DELTALITE_BENCH_SUMMARY="$(mktemp)"
trap 'rm -f "$details" "$DELTALITE_BENCH_SUMMARY"' EXIT
{
  for n in $SIZES; do
    echo "## Parquet, $n rows (DeltaLite.Parquet vs DuckDB)"; bench parquet --rows "$n"; echo
    echo "## Reading a table version, $n rows (DeltaLite vs DuckDB)"; bench table-read --rows "$n"; echo
    echo "## Ingestion, $n loans (vs PostgreSQL COPY and DuckDB CSV to Parquet)"; bench ingest --loans "$n" --changed "$((n / 10))"; echo
  done
  echo "## Table writes"; bench writes --rows "$WRITE_ROWS"; echo
  echo "## Opening versions of a long log"; bench log --commits "$COMMITS"; echo
  echo "## Azure Blob Storage (Azurite vs local copy)"; bench azure --size-mib "$MIB" --small "$SMALL"; echo
} 2>&1 | tee "$details"

{
  echo "# DeltaLite benchmarks ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), sizes: $SIZES, $COMPILED)"
  echo
  echo "## All workloads, DeltaLite beside its peer"
  echo
  bench summary "$DELTALITE_BENCH_SUMMARY"
  echo
  echo "# Details"
  echo
  grep -v '^\(generated \|  [A-Za-z]* -> \|parquet benchmark: \|writes benchmark: \|table-read benchmark: \|built \)' "$details"
} > "$out"
echo
sed -n '1,/^# Details/p' "$out" | head -n -1
echo "saved to $out"
