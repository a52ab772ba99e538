#!/usr/bin/env bash
# Runs every DeltaLite benchmark in one run on this machine, each beside its peer on the same data, and saves the
# printed tables to bench-results.md (and prints them).
#
#   scripts/bench.sh [--quick]      --quick: small sizes (a smoke run); default: 1,000,000 rows
#
# Needs what scripts/test.sh installs (node + the DuckDB peer, PostgreSQL binaries, Azurite); PostgreSQL and Azurite
# are started by the benchmarks that need them, on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROWS=1000000; COMMITS=10000; MIB=256; SMALL=1000
if [ "${1:-}" = "--quick" ]; then ROWS=50000; COMMITS=500; MIB=16; SMALL=100; fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
[ -d tests/peers/duckdb/node_modules ] || (cd tests/peers/duckdb && npm ci --silent)
[ -d tests/peers/azurite/node_modules ] || (cd tests/peers/azurite && npm ci --silent)
dotnet build tools/DeltaLite.Benchmarks -c Release --nologo -v quiet -clp:ErrorsOnly
bench() { dotnet tools/DeltaLite.Benchmarks/bin/Release/net10.0/deltalite-bench.dll "$@"; }
out=bench-results.md
{
  echo "# DeltaLite benchmarks ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, rows=$ROWS)"
  echo
  echo "## Parquet (DeltaLite.Parquet vs DuckDB)"; bench parquet --rows "$ROWS"; echo
  echo "## Table writes"; bench writes --rows "$ROWS"; echo
  echo "## Opening versions of a long log"; bench log --commits "$COMMITS"; echo
  echo "## Azure Blob Storage (Azurite vs local copy)"; bench azure --size-mib "$MIB" --small "$SMALL"; echo
  if bench 2>&1 | grep -q ingest; then echo "## Ingestion"; bench ingest --loans "$ROWS" --changed "$((ROWS / 10))"; echo; fi
} 2>&1 | tee "$out"
echo "saved to $out"
