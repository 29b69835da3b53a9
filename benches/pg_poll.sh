#!/usr/bin/env bash
# Time of one PostgreSQL pane poll at 100, 1,000 and 4,000 open connections, next to the
# same reads done by pg_activity's data layer, against one throwaway server.
# Usage: benches/pg_poll.sh [COUNTS...]   (default: 100 1000 4000; needs pip install
# 'pg_activity[psycopg]' and the PostgreSQL server binaries; run as root or as a user that
# may run initdb)
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("${@:-100 1000 4000}")
[ $# -gt 0 ] || counts=(100 1000 4000)
bindir=$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | tail -1)
dir=$(mktemp -d /tmp/opsdeck-pgbench-XXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"
cleanup() { as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
as_pg "$bindir/initdb" -D "$dir/data" --auth=trust -U postgres --no-sync >/dev/null
as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w start \
  -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c fsync=off -c max_connections=4200 -c shared_buffers=256MB" >/dev/null
export OPSDECK_BENCH_DATABASE_URL="postgresql://postgres@127.0.0.1:$port/postgres?sslmode=disable"
cargo build --release --bench pg_poll >/dev/null 2>&1 || true
bench_bin=$(ls -t target/release/deps/pg_poll-* 2>/dev/null | grep -v '\.d$' | head -1)
for count in "${counts[@]}"; do
  # Hold `count` connections open: a third active in pg_sleep, the rest idle.
  python3 - "$count" <<'PY' &
import os, sys, time, psycopg
count = int(sys.argv[1]); url = os.environ["OPSDECK_BENCH_DATABASE_URL"]
conns = []
for i in range(count):
    c = psycopg.connect(url, application_name=f"bench-{i % 7}", autocommit=True)
    if i % 3 == 0:
        c.execute("SELECT 1")
        c.pgconn.send_query(b"SELECT pg_sleep(600)")
    conns.append(c)
open(os.environ.get("READY_FILE", "/dev/null"), "w").write("ready")
time.sleep(600)
PY
  holder=$!
  export READY_FILE="$dir/ready-$count"
  for _ in $(seq 1 600); do
    n=$(psql -qtA "$OPSDECK_BENCH_DATABASE_URL" -c "select count(*) from pg_stat_activity where backend_type='client backend'" 2>/dev/null || echo 0)
    [ "$n" -ge "$count" ] && break
    sleep 0.5
  done
  echo "== $count connections open ($n client backends)"
  ours=$("$bench_bin")
  theirs=$(python3 benches/pg_activity_poll.py)
  echo "  $ours"
  echo "  $theirs"
  python3 - "$ours" "$theirs" <<'PY'
import sys, re
ours = float(re.search(r"median_ms=([\d.]+)", sys.argv[1]).group(1))
theirs = float(re.search(r"median_ms=([\d.]+)", sys.argv[2]).group(1))
print(f"  ratio pg_activity / opsdeck (median): {theirs / ours:.2f}x")
PY
  kill "$holder"; wait "$holder" 2>/dev/null || true
  sleep 1
done
