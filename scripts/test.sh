#!/usr/bin/env bash
# Runs every DeltaLite test with the services the tests need.
#
#   scripts/test.sh [--long] [extra `dotnet test` arguments, e.g. --filter FullyQualifiedName~Peers]
#   scripts/test.sh --run COMMAND [ARGS...]   the same services, then COMMAND instead of the tests
#
# --long (first argument) exports DELTALITE_LONG_TESTS=1: the crash suites kill at many more points.
#
# Installs what is missing (Debian packages: nodejs, npm, libzstd1, zstd, gzip, postgresql, chromium; npm packages of
# tests/peers/duckdb and tests/peers/azurite, locally), starts a throwaway PostgreSQL server and an Azurite blob
# service on free 127.0.0.1 ports with their data in a temp folder, exports where they are, builds the solution
# and runs `dotnet test DeltaLite.sln -c Release`, and exits with the exit code of the tests. Everything it started
# is stopped and the temp folder removed on exit, including on failure or Ctrl-C. Safe to run again and again,
# from any folder.
#
# Exports for the tests:
#   DELTALITE_TEST_PG                         Npgsql connection string (database deltalite_test)
#   DELTALITE_TEST_AZURITE_BLOB               blob endpoint, http://127.0.0.1:<port>/devstoreaccount1
#   DELTALITE_TEST_AZURITE_CONNECTION_STRING  Azure Storage connection string for Azurite's well-known dev account
#   DELTALITE_DUCKDB_PEER                     path of tests/peers/duckdb/duckdb-peer.mjs
#   DELTALITE_TEST_PG_RESTART_DB              Npgsql connection string of a second, throwaway PostgreSQL cluster (database
#                                             postgres) that only the PostgreSQL-restart fault test uses, so restarting it
#                                             cannot break the tests using DELTALITE_TEST_PG at the same time
#   DELTALITE_TEST_PG_RESTART                 a command (a script in the temp folder, no arguments) that restarts that
#                                             second cluster in fast mode (open connections are terminated), running
#                                             pg_ctl as the cluster's owner, and returns once it accepts connections again
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd -P)"

if [ "${1:-}" = "--long" ]; then
  export DELTALITE_LONG_TESTS=1
  shift
fi

log() { printf '[test.sh] %s\n' "$*" >&2; }
die() { printf '[test.sh] ERROR: %s\n' "$*" >&2; exit 1; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# ----------------------------------------------------------------------------------------------------------------
# Cleanup: registered first, so whatever has been started by the time anything fails is stopped.

TMP_ROOT=""
PG_USER=""
PG_BIN=""
PG_DATA=""
PG_STARTED=0
PG2_DATA=""
PG2_STARTED=0
AZURITE_PID=""
DOTNET_PID=""
POLICY_RC_ADDED=0

as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}

# Stops the cluster in data folder $1; when pg_ctl fails, the server through the pid it recorded.
stop_pg_cluster() {
  local pid
  if ! as_pg_user "$PG_BIN/pg_ctl" -D "$1" -m fast -w -t 30 stop >/dev/null 2>&1; then
    pid="$(head -n 1 "$1/postmaster.pid" 2>/dev/null)"
    if [ -n "$pid" ]; then kill -9 "$pid" 2>/dev/null; fi
  fi
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  set +e
  if [ -n "$DOTNET_PID" ] && kill -0 "$DOTNET_PID" 2>/dev/null; then
    log "stopping dotnet test (pid $DOTNET_PID)"
    kill -TERM "$DOTNET_PID" 2>/dev/null
    for _ in $(seq 1 150); do kill -0 "$DOTNET_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$DOTNET_PID" 2>/dev/null
    wait "$DOTNET_PID" 2>/dev/null
  fi
  if [ -n "$AZURITE_PID" ] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    log "stopping Azurite (pid $AZURITE_PID)"
    kill "$AZURITE_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$AZURITE_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$AZURITE_PID" 2>/dev/null
    wait "$AZURITE_PID" 2>/dev/null
  fi
  if [ "$PG_STARTED" -eq 1 ]; then
    log "stopping PostgreSQL"
    stop_pg_cluster "$PG_DATA"
  fi
  if [ "$PG2_STARTED" -eq 1 ]; then
    log "stopping the second PostgreSQL (restart tests)"
    stop_pg_cluster "$PG2_DATA"
  fi
  if [ "$POLICY_RC_ADDED" -eq 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  if [ -n "$TMP_ROOT" ] && [ -d "$TMP_ROOT" ]; then rm -rf "$TMP_ROOT"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ----------------------------------------------------------------------------------------------------------------
# Tools

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null 2>&1 || die "missing: $* (and no apt-get to install them: install them by hand)"
  if [ "$(id -u)" -ne 0 ] && [ -z "$SUDO" ]; then die "missing: $* (run as root, or install them by hand)"; fi
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    $SUDO apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  # Keep package scripts from starting services (Debian's postgresql would start a cluster on port 5432).
  if [ ! -e /usr/sbin/policy-rc.d ] && [ "$(id -u)" -eq 0 ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    POLICY_RC_ADDED=1
  fi
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# The newest PostgreSQL server binaries: Debian's /usr/lib/postgresql/<ver>/bin, else initdb/pg_ctl on PATH.
find_pg_bin() {
  local dir best="" best_ver=-1 ver
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ] || continue
    ver="$(basename "$(dirname "$dir")")"
    ver="${ver%%.*}"
    [[ "$ver" =~ ^[0-9]+$ ]] || ver=0
    if [ "$ver" -gt "$best_ver" ]; then best="$dir"; best_ver="$ver"; fi
  done
  if [ -z "$best" ] && command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    best="$(dirname "$(readlink -f "$(command -v initdb)")")"
  fi
  printf '%s' "$best"
}

missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v gzip >/dev/null 2>&1 || missing+=(gzip)
command -v zstd >/dev/null 2>&1 || missing+=(zstd)
# Headless Chromium takes the screenshot the HTML report test checks.
[ -x /usr/bin/chromium ] || missing+=(chromium)
# (captured first: with pipefail, `ldconfig -p | grep -q` fails when grep stops reading early)
ld_cache="$({ /sbin/ldconfig -p || ldconfig -p; } 2>/dev/null || true)"
case "$ld_cache" in *"libzstd.so.1 "*) ;; *) missing+=(libzstd1) ;; esac
PG_BIN="$(find_pg_bin)"
if [ -z "$PG_BIN" ] || { [ ! -x "$PG_BIN/psql" ] && ! command -v psql >/dev/null 2>&1; }; then
  missing+=(postgresql)
fi
if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
if [ "$POLICY_RC_ADDED" -eq 1 ]; then rm -f /usr/sbin/policy-rc.d; POLICY_RC_ADDED=0; fi

command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (dotnet) is not on PATH"
command -v node >/dev/null 2>&1 || die "node is still missing after installing nodejs"
command -v npm >/dev/null 2>&1 || die "npm is still missing after installing it"
PG_BIN="$(find_pg_bin)"
[ -n "$PG_BIN" ] || die "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found after installing postgresql"
PSQL="$PG_BIN/psql"
[ -x "$PSQL" ] || PSQL="$(command -v psql)" || die "psql not found"

# npm packages, installed locally with `npm ci` when node_modules is missing or was made from another lock file
# or another node.
npm_ci_if_stale() {
  local dir="$1" stamp want
  stamp="$dir/node_modules/.deltalite-installed"
  want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1) node-$(node -p 'process.versions.modules + "-" + process.platform + "-" + process.arch')"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  log "npm ci in ${dir#"$ROOT"/}"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2) || die "npm ci failed in $dir"
  printf '%s' "$want" > "$stamp"
}
npm_ci_if_stale "$ROOT/tests/peers/duckdb"
npm_ci_if_stale "$ROOT/tests/peers/azurite"

export DELTALITE_DUCKDB_PEER="$ROOT/tests/peers/duckdb/duckdb-peer.mjs"
peer_check="$(node "$DELTALITE_DUCKDB_PEER" sql "SELECT 42 AS answer")" || true
[ "$peer_check" = '{"answer":42}' ] \
  || die "the DuckDB peer does not run: node $DELTALITE_DUCKDB_PEER sql 'SELECT 42 AS answer' printed '$peer_check'"

# ----------------------------------------------------------------------------------------------------------------
# Build (before starting any service, to fail fast)

# dotnet runs in the background so that a TERM/INT reaches our trap at once (bash defers traps while a foreground
# child runs); the trap stops it.
run_dotnet() {
  dotnet "$@" </dev/null &
  DOTNET_PID=$!
  local status=0
  wait "$DOTNET_PID" || status=$?
  DOTNET_PID=""
  return "$status"
}

# The whole solution first: `dotnet test` alone builds only the test projects and what they reference.
log "dotnet build DeltaLite.sln -c Release"
rc=0
run_dotnet build "$ROOT/DeltaLite.sln" -c Release -nologo -clp:ErrorsOnly || rc=$?
if [ "$rc" -ne 0 ]; then log "ERROR: the build failed (dotnet build exit code $rc)"; exit "$rc"; fi

# ----------------------------------------------------------------------------------------------------------------
# Services

TMP_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/deltalite-test.XXXXXX")"
chmod 711 "$TMP_ROOT" # the postgres user must reach its data folder inside

free_port() {
  node -e '
    const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { process.stdout.write(String(s.address().port)); s.close(); });'
}

# Waits until "$@" succeeds, at most $1 seconds; $2 names the service for the error.
wait_for() {
  local seconds="$1" what="$2" log_file="$3"
  shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "$what did not answer within ${seconds}s; last lines of its log ($log_file):"
      tail -n 30 "$log_file" >&2 2>/dev/null || true
      die "$what did not start"
    fi
    sleep 0.5
  done
}

# --- PostgreSQL: a fresh cluster owned by the postgres user (initdb refuses to run as root).
PG_USER="$(id -un)"
if [ "$(id -u)" -eq 0 ]; then
  PG_USER=postgres
  if ! id "$PG_USER" >/dev/null 2>&1; then
    log "creating system user $PG_USER"
    useradd --system --no-create-home --shell /usr/sbin/nologin "$PG_USER"
  fi
fi
PG_PASSWORD="deltalite-test"
PG_PORT="$(free_port)"
PG_DIR="$TMP_ROOT/pg"
PG_DATA="$PG_DIR/data"
mkdir -p "$PG_DIR/socket"
printf '%s\n' "$PG_PASSWORD" > "$PG_DIR/pwfile"
if [ "$(id -u)" -eq 0 ]; then chown -R "$PG_USER" "$PG_DIR"; fi

log "initdb ($PG_BIN)"
as_pg_user "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --pwfile="$PG_DIR/pwfile" \
  --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1 \
  || { tail -n 30 "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
rm -f "$PG_DIR/pwfile"
# The second cluster (for the restart test) is a copy of the fresh one: no second initdb.
PG2_DATA="$PG_DIR/restart-data"
cp -a "$PG_DATA" "$PG2_DATA"

log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
PG_STARTED=1
as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_DIR/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { tail -n 30 "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }

export PGPASSWORD="$PG_PASSWORD"
pg_query() { "$PSQL" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -tA "$@"; }
wait_for 60 "PostgreSQL" "$PG_DIR/server.log" pg_query -d postgres -c 'SELECT 1'
pg_query -d postgres -c 'CREATE DATABASE deltalite_test' >/dev/null
[ "$(pg_query -d deltalite_test -c 'SELECT 1')" = "1" ] || die "PostgreSQL: SELECT 1 in deltalite_test failed"
unset PGPASSWORD
export DELTALITE_TEST_PG="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PG_PASSWORD;Database=deltalite_test"
log "PostgreSQL ready: SELECT 1 in deltalite_test answered"

# --- A second PostgreSQL cluster that the restart test may restart under a running extraction.
PG2_PORT="$(free_port)"
log "starting the second PostgreSQL (restart tests) on 127.0.0.1:$PG2_PORT"
PG2_STARTED=1
as_pg_user "$PG_BIN/pg_ctl" -D "$PG2_DATA" -l "$PG_DIR/restart-server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $PG2_PORT -k $PG_DIR/socket -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { tail -n 30 "$PG_DIR/restart-server.log" >&2; die "the second PostgreSQL did not start"; }
# pg_ctl restart reuses the options of the last start (postmaster.opts); -l keeps the server's output off the caller's pipes.
PG_RESTART_SCRIPT="$TMP_ROOT/pg-restart.sh"
{
  printf '#!/bin/sh\n'
  printf '# Restarts the PostgreSQL cluster of DELTALITE_TEST_PG_RESTART_DB (written by scripts/test.sh).\n'
  if [ "$(id -u)" -eq 0 ]; then
    printf 'exec runuser -u %q -- %q -D %q -l %q -m fast -w -t 60 restart\n' "$PG_USER" "$PG_BIN/pg_ctl" "$PG2_DATA" "$PG_DIR/restart-server.log"
  else
    printf 'exec %q -D %q -l %q -m fast -w -t 60 restart\n' "$PG_BIN/pg_ctl" "$PG2_DATA" "$PG_DIR/restart-server.log"
  fi
} > "$PG_RESTART_SCRIPT"
chmod 755 "$PG_RESTART_SCRIPT"
export DELTALITE_TEST_PG_RESTART="$PG_RESTART_SCRIPT"
export DELTALITE_TEST_PG_RESTART_DB="Host=127.0.0.1;Port=$PG2_PORT;Username=postgres;Password=$PG_PASSWORD;Database=postgres"
export PGPASSWORD="$PG_PASSWORD"
PG_PORT_SAVED="$PG_PORT"; PG_PORT="$PG2_PORT"
wait_for 60 "the second PostgreSQL" "$PG_DIR/restart-server.log" pg_query -d postgres -c 'SELECT 1'
PG_PORT="$PG_PORT_SAVED"
unset PGPASSWORD
log "second PostgreSQL ready (restart with $PG_RESTART_SCRIPT)"

# --- Azurite blob service.
AZ_PORT="$(free_port)"
mkdir -p "$TMP_ROOT/azurite"
log "starting Azurite blob on 127.0.0.1:$AZ_PORT"
"$ROOT/tests/peers/azurite/node_modules/.bin/azurite-blob" \
  --blobHost 127.0.0.1 --blobPort "$AZ_PORT" --location "$TMP_ROOT/azurite" \
  --skipApiVersionCheck --loose --disableTelemetry --silent \
  >"$TMP_ROOT/azurite.log" 2>&1 </dev/null &
AZURITE_PID=$!
export DELTALITE_TEST_AZURITE_BLOB="http://127.0.0.1:$AZ_PORT/devstoreaccount1"
# Any Azure-style answer (an anonymous "list containers" is refused with an x-ms-request-id) means it serves.
azurite_answers() {
  kill -0 "$AZURITE_PID" 2>/dev/null || return 1
  node -e '
    fetch(process.argv[1] + "?comp=list")
      .then((r) => process.exit(r.headers.get("x-ms-request-id") ? 0 : 1), () => process.exit(1));' \
    "$DELTALITE_TEST_AZURITE_BLOB"
}
wait_for 60 "Azurite" "$TMP_ROOT/azurite.log" azurite_answers
# Azurite's well-known development account (public, documented by Microsoft for the emulator).
AZ_KEY="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
export DELTALITE_TEST_AZURITE_CONNECTION_STRING="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZ_KEY;BlobEndpoint=$DELTALITE_TEST_AZURITE_BLOB;"
log "Azurite ready: $DELTALITE_TEST_AZURITE_BLOB answered"

# ----------------------------------------------------------------------------------------------------------------
# `scripts/test.sh --run COMMAND [ARGS...]`: runs COMMAND with the services up and the variables above exported,
# instead of the tests (scripts/bench.sh runs the benchmarks this way), and exits with its exit code.

if [ "${1:-}" = "--run" ]; then
  shift
  [ "$#" -gt 0 ] || die "--run needs a command"
  log "running $* with the services up"
  rc=0
  "$@" </dev/null || rc=$?
  exit "$rc"
fi

# ----------------------------------------------------------------------------------------------------------------
# Tests

log "dotnet test DeltaLite.sln -c Release --no-build $*"
rm -f "$ROOT"/TestResults/deltalite*.trx
run_dotnet test "$ROOT/DeltaLite.sln" -c Release --no-build \
  --logger "console;verbosity=minimal" \
  --logger "trx;LogFilePrefix=deltalite" --results-directory "$ROOT/TestResults" \
  "$@" || rc=$?
if [ "$rc" -eq 0 ]; then log "tests passed"; else log "tests FAILED (dotnet test exit code $rc)"; fi
exit "$rc"
