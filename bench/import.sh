#!/usr/bin/env bash
# Benchmark of issue 2: import of a 300,000-estate .xlsx (made by the demo generator, written with
# rust_xlsxwriter) into SQLite and into PostgreSQL: rows per second and peak memory; and, where
# Python has pandas and python-calamine, the time pandas.read_excel(engine="calamine") takes only to
# read the same file. Run by hand: bash bench/import.sh  (takes several minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench-out
mkdir -p "$out"
cargo build --release -q
anju=target/release/anju
pg_base=${ANJU_BENCH_PG:-postgres://postgres@127.0.0.1:5432}

xlsx="$out/estates-300k.xlsx"
if [[ ! -f $xlsx ]]; then
  rm -f "$out"/src.db*
  echo "== generating the national-scale demo (300k estates, 3M buildings) =="
  /usr/bin/time -f "demo: %e s, peak %M KB" $anju --database-url "sqlite://$out/src.db" demo --scale national --no-serve | tail -n 1
  /usr/bin/time -f "export: %e s, peak %M KB" $anju --database-url "sqlite://$out/src.db" export estates --format xlsx --output "$xlsx"
fi
rows=$(( $($anju --database-url "sqlite://$out/src.db" summary --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["estates"])') ))
echo "file: $xlsx ($(du -h "$xlsx" | cut -f1)), $rows estates"

measure() { # name url
  local name=$1 url=$2
  $anju --database-url "$url" divisions import --builtin >/dev/null
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$out/rss" $anju --database-url "$url" import estates "$xlsx" >/dev/null
  t1=$(date +%s.%N)
  local secs rss
  secs=$(python3 -c "print(f'{$t1-$t0:.2f}')")
  rss=$(cat "$out/rss")
  echo "$name: import $rows rows in $secs s = $(python3 -c "print(int($rows/($t1-$t0)))") rows/s, peak memory $((rss/1024)) MB"
  t0=$(date +%s.%N)
  $anju --database-url "$url" import estates "$xlsx" >/dev/null
  t1=$(date +%s.%N)
  echo "$name: re-import (nothing changes) in $(python3 -c "print(f'{$t1-$t0:.2f}')") s"
}

rm -f "$out"/bench.db*
measure "SQLite" "sqlite://$out/bench.db"

db="anju_bench_$$"
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $db"
measure "PostgreSQL" "$pg_base/$db"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE $db"

if python3 -c "import pandas, python_calamine" 2>/dev/null; then
  python3 - "$xlsx" <<'PY'
import sys, time, pandas
t = time.perf_counter()
df = pandas.read_excel(sys.argv[1], engine="calamine")
print(f"pandas {pandas.__version__} read_excel(engine='calamine') alone: {len(df)} rows in {time.perf_counter()-t:.2f} s")
PY
else
  echo "pandas with python-calamine not installed: pip install pandas python-calamine"
fi
