#!/usr/bin/env bash
# Benchmark of issue 3: requests per second and p50/p99 latency, 64 concurrent connections (wrk),
# for the dashboard, the estate list (filtered, paginated) and an estate page, with /healthz in the
# same run as the ceiling of the stack; on SQLite and on PostgreSQL with the national-scale data.
# Needs wrk (apt-get install wrk) and the data of bench/import.sh (run that first). By hand:
#   bash bench/web.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench-out
cargo build --release -q
anju=$PWD/target/release/anju
export ANJU_PASSWORD=bench-password
port=18181
dur=${BENCH_SECONDS:-10}

run() { # name url
  local name=$1 url=$2
  for u in "county-340104 staff 340104" "province-34 division-admin 34"; do
    set -- $u
    # The demo made these accounts already (with its own password): set the bench's.
    $anju --database-url "$url" user add "$1" --role "$2" --division "$3" >/dev/null 2>&1 ||
      $anju --database-url "$url" user passwd "$1" >/dev/null
  done
  $anju --database-url "$url" serve --listen 127.0.0.1:$port >/dev/null 2>&1 &
  local pid=$!
  trap "kill $pid 2>/dev/null" EXIT
  for _ in $(seq 1 50); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
  local id
  id=$($anju --database-url "$url" export estates --division 340104 --format csv --output $out/one.csv >/dev/null && true)
  for who in county-340104 province-34; do
    local jar=$out/cookies-$who
    curl -s -c $jar -o /dev/null -H 'content-type: application/json' -d "{\"username\":\"$who\",\"password\":\"$ANJU_PASSWORD\"}" http://127.0.0.1:$port/api/v1/session
    local cookie
    cookie=$(awk '$6=="anju_session"{print $7}' $jar)
    id=$(curl -s -b "anju_session=$cookie" "http://127.0.0.1:$port/api/v1/estates?per_page=1&page=20" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])')
    # 小区 is in most names (the search stops at its 1,001st match); zzz is in none (it reads
    # every estate of the account's scope).
    for path in "/healthz" "/" "/estates?division=340104001&page=2" "/estates?q=%E5%B0%8F%E5%8C%BA&page=3" "/estates?q=zzz" "/estates/$id"; do
      local res
      res=$(wrk -t2 -c64 -d${dur}s --timeout 30s --latency -H "Cookie: anju_session=$cookie" "http://127.0.0.1:$port$path" 2>&1)
      local rps p50 p99 non2xx
      rps=$(awk '/Requests\/sec/{print $2}' <<<"$res")
      p50=$(awk '$1=="50%"{print $2}' <<<"$res")
      p99=$(awk '$1=="99%"{print $2}' <<<"$res")
      non2xx=$(awk '/Non-2xx/{print $5}' <<<"$res")
      printf "%-10s %-14s %-42s %10s req/s  p50 %8s  p99 %8s %s\n" "$name" "$who" "$path" "$rps" "$p50" "$p99" "${non2xx:+non-2xx: $non2xx}"
    done
  done
  kill $pid
  wait $pid 2>/dev/null || true
}

[[ -f $out/src.db ]] || { echo "run bench/import.sh first (it makes $out/src.db, the national demo)"; exit 1; }
run SQLite "sqlite://$out/src.db"

# PostgreSQL on this machine is reached by its Unix socket, as a server beside its database would
# be: over TCP sqlx negotiates TLS even to 127.0.0.1 (pages 30-50 % slower here).
socket=/var/run/postgresql
if [[ -S $socket/.s.PGSQL.5432 ]]; then
  pghost=$socket
  pg_base="postgres://postgres@localhost"
  pg_query="?host=$socket"
else
  pghost=127.0.0.1
  pg_base="postgres://postgres@127.0.0.1:5432"
  pg_query=""
fi
db="anju_webbench_$$"
psql -h $pghost -U postgres -qc "CREATE DATABASE $db"
pg="$pg_base/$db$pg_query"
$anju --database-url "$pg" divisions import --builtin >/dev/null
$anju --database-url "$pg" import estates $out/estates-300k.xlsx >/dev/null 2>&1
run PostgreSQL "$pg"
psql -h $pghost -U postgres -qc "DROP DATABASE $db"

# PostgreSQL's own ceiling on this machine: pgbench's select-only transaction (one indexed SELECT
# by primary key, prepared) with as many clients. Every page needs at least one such query (its
# session), so no page on PostgreSQL can be served faster than this.
if command -v pgbench >/dev/null; then
  psql -h $pghost -U postgres -qc "CREATE DATABASE ${db}_pgbench"
  pgbench -h $pghost -U postgres -i -q -s 10 ${db}_pgbench >/dev/null 2>&1
  tps=$(pgbench -h $pghost -U postgres -n -S -M prepared -c 64 -j 2 -T $dur ${db}_pgbench 2>&1 |
    awk '/^tps/{print $3}')
  printf "%-10s %-14s %-42s %10s transactions/s\n" PostgreSQL pgbench "SELECT by primary key (-S -M prepared)" "$tps"
  psql -h $pghost -U postgres -qc "DROP DATABASE ${db}_pgbench"
fi
