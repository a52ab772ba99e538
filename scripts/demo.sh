#!/usr/bin/env bash
# The reference story on embedded defaults (SQLite source, local table, no servers):
#   2020 loans land as version 0; 2021 loans plus updates to 2020 loans land as version 1; version 0 still reads
#   exactly as it was. Needs only the .NET SDK. Re-runnable: it starts from a clean work folder (./work/demo).
#
#   scripts/demo.sh [LOANS_PER_YEAR]     (default 10000)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
LOANS="${1:-10000}"
WORK="$(pwd)/work/demo"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "Building the deltalite CLI (Release)"
dotnet build src/DeltaLite.Cli/DeltaLite.Cli.csproj -c Release --nologo -v quiet -clp:ErrorsOnly
deltalite() { dotnet src/DeltaLite.Cli/bin/Release/net10.0/DeltaLite.Cli.dll "$@"; }

rm -rf "$WORK"
mkdir -p "$WORK"
SOURCE="Data Source=$WORK/loans.db"
TABLE="$WORK/loans"
INGEST=(ingest "$TABLE" --source sqlite --connection "$SOURCE" --source-table loans --watermark updated_at --key id --mode merge)

step "Generating $LOANS loans issued in 2020 into a SQLite source"
deltalite generate --year 2020 --loans "$LOANS" --connection "$SOURCE"

step "Ingesting: the first run creates the Delta table (version 0)"
deltalite "${INGEST[@]}"

step "Generating 2021: $LOANS new loans, and updates to open 2020 loans"
deltalite generate --year 2021 --loans "$LOANS" --connection "$SOURCE"

step "Ingesting again: only rows past the watermark, merged by id (version 1)"
deltalite "${INGEST[@]}"

step "Ingesting a third time: nothing is new, nothing is committed"
deltalite "${INGEST[@]}"

step "History"
deltalite history "$TABLE"

step "Row counts of version 0 and version 1"
for v in 0 1; do
  rows=$(deltalite export "$TABLE" --version "$v" --columns id --format jsonl | wc -l)
  years=$(deltalite export "$TABLE" --version "$v" --columns issue_d --format jsonl | cut -c13-16 | sort | uniq -c | awk '{printf "%s%s: %s", sep, $2, $1; sep=", "}')
  echo "version $v: $rows rows ($years)"
done

step "Version 0 still reads exactly as it was: a 2020 loan that 2021 updated"
changed=$(deltalite diff "$TABLE" --from 0 --to 1 --key id --format jsonl | grep -m1 '"update_postimage"' | sed -E 's/.*"id":([0-9]+).*/\1/')
if [ -n "$changed" ]; then
  for v in 0 1; do
    echo "version $v: $(deltalite export "$TABLE" --version "$v" --columns id,loan_status,total_pymnt,updated_at --where "id = $changed" --format jsonl)"
  done
fi

step "Diff of version 0 and version 1 by id"
deltalite diff "$TABLE" --from 0 --to 1 --key id --limit 6

printf '\nThe table is a standard Delta table at %s: Spark, Databricks, delta-rs and DuckDB can read it.\n' "$TABLE"
