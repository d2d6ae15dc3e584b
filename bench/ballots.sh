#!/usr/bin/env bash
# Benchmark of issue 12: owners' ballots per second through the HTTP API (each authenticated by
# the owner's personal code, one transaction each, 64 connections, wrk) on SQLite and PostgreSQL,
# against the raw rate of inserting the same rows straight into the database (the ceiling: one
# transaction per ballot with its trail row; pgbench with 64 clients on PostgreSQL, one writer on
# SQLite, which has one); then the time to close and tally the 5,000-household vote, and to
# recount it from its published files. Needs wrk and pgbench (apt-get install wrk
# postgresql-client). By hand:  bash bench/ballots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench-out/ballots
mkdir -p $out
# ANJU_BIN runs another build of anju (to compare two versions in one sitting).
if [[ -z ${ANJU_BIN:-} ]]; then cargo build --release -q; fi
anju=${ANJU_BIN:-$PWD/target/release/anju}
export ANJU_ID_KEY=$(printf '7e57%.0s' $(seq 16))
dur=${BENCH_SECONDS:-10}
port=18282

# One estate of 340104001001 and its register of 5,000 exclusive parts (areas with fen).
python3 - "$out" <<'PY'
import sys
out = sys.argv[1]
with open(f"{out}/estate.csv", "w", encoding="utf-8") as f:
    f.write("行政区划代码,小区名称,建成年份,楼栋数,户数,总建筑面积\n340104001001,基准小区,1990,100,5000,400000\n")
with open(f"{out}/owners.csv", "w", encoding="utf-8") as f:
    f.write("楼栋,单元,房号,登记面积,业主姓名\n")
    for i in range(5000):
        f.write(f"{i // 50 + 1},{i % 50 // 10 + 1},{101 + i % 10},{60 + (i * 37) % 4000 / 100:.2f},业主{i}\n")
PY

run() { # name url
  local name=$1 url=$2
  local a="$anju --database-url $url"
  $a divisions import --builtin >/dev/null
  $a import estates $out/estate.csv >/dev/null
  $a import owners $out/owners.csv --estate 1 >/dev/null
  local vote raw_vote
  vote=$($a vote open --estate 1 --matter 5 --title bench --days 1)
  raw_vote=$($a vote open --estate 1 --matter 5 --title raw --days 1)
  $a vote codes --estate 1 --out $out/codes.csv >/dev/null
  $a serve --listen 127.0.0.1:$port >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 50); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
  echo "== $name: HTTP, 64 connections, ${dur}s"
  CODES=$out/codes.csv VOTE=$vote wrk -t2 -c64 -d${dur}s --latency -s bench/ballots.lua http://127.0.0.1:$port |
    grep -E "Requests/sec|Non-2xx|50%|99%|requests in"
  kill $pid; wait $pid 2>/dev/null || true
  echo "== $name: raw inserts of the same rows, ${dur}s"
  case $url in
    postgres*)
      cat > $out/raw.sql <<SQL
\set o random(1, 5000)
BEGIN;
INSERT INTO ballots (vote_id, owner_id, choice, channel, at) VALUES ($raw_vote, :o, 'agree', 'online', now())
  ON CONFLICT (vote_id, owner_id) DO UPDATE SET choice = excluded.choice, channel = excluded.channel, at = excluded.at;
INSERT INTO ballot_trail (vote_id, owner_id, choice, channel, actor, at) VALUES ($raw_vote, :o, 'agree', 'online', 'bench', now());
COMMIT;
SQL
      pgbench -n -c 64 -j 2 -T $dur -f $out/raw.sql "$url" 2>/dev/null | grep -E "^tps" ;;
    sqlite*)
      python3 - "${url#sqlite://}" "$raw_vote" "$dur" <<'PY'
import random, sqlite3, sys, time
db, vote, dur = sys.argv[1].split("?")[0], int(sys.argv[2]), float(sys.argv[3])
c = sqlite3.connect(db, isolation_level=None)
c.execute("PRAGMA busy_timeout = 30000")
n, end = 0, time.time() + dur
while time.time() < end:
    o = random.randint(1, 5000)
    c.execute("BEGIN IMMEDIATE")
    c.execute("INSERT INTO ballots (vote_id, owner_id, choice, channel, at) VALUES (?, ?, 'agree', 'online', datetime('now')) "
              "ON CONFLICT (vote_id, owner_id) DO UPDATE SET choice = excluded.choice, channel = excluded.channel, at = excluded.at", (vote, o))
    c.execute("INSERT INTO ballot_trail (vote_id, owner_id, choice, channel, actor, at) VALUES (?, ?, 'agree', 'online', 'bench', datetime('now'))", (vote, o))
    c.execute("COMMIT")
    n += 1
print(f"tps = {n / dur:.0f} (one writer)")
PY
      ;;
  esac
  echo "== $name: close and tally the 5,000-household vote"
  $a vote close $vote | tail -n 1
  $a serve --listen 127.0.0.1:$port >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 50); do curl -sf http://127.0.0.1:$port/healthz >/dev/null && break; sleep 0.2; done
  curl -s http://127.0.0.1:$port/api/v1/votes/$vote/published > $out/published.json
  kill $pid; wait $pid 2>/dev/null || true
  python3 -c "
import json,sys; p=json.load(open('$out/published.json'))
open('$out/pub_owners.csv','w').write(p['owners_csv']); open('$out/pub_ballots.csv','w').write(p['ballots_csv'])"
  echo "== $name: anju vote recount of the published files (whole process, 5 runs)"
  for _ in 1 2 3 4 5; do
    /usr/bin/time -f "%e s %M KB" $anju vote recount --owners $out/pub_owners.csv --ballots $out/pub_ballots.csv --matter 5 --json >/dev/null
  done
}

if [[ ${BENCH_BACKENDS:-sqlite postgres} == *sqlite* ]]; then
  rm -f $out/bench.db*
  run sqlite "sqlite://$PWD/$out/bench.db"
fi
[[ ${BENCH_BACKENDS:-sqlite postgres} == *postgres* ]] || exit 0
db=anju_bench_ballots
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $db" -qc "CREATE DATABASE $db"
run postgres "postgres://postgres@127.0.0.1:5432/$db"
