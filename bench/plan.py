#!/usr/bin/env python3
"""Benchmark of the annual-plan optimiser (issue 11): generates plan instances of 1,000 to 300,000
candidates (100 per county), solves each with `anju plan solve` and, where highspy is installed
(pip install highspy) and the size is at most HIGHS_MAX (default 20,000), with HiGHS on the same
model; prints our objective over HiGHS's, our time over HiGHS's, and our own bound and gap.
Run by hand after `cargo build --release`:  python3 bench/plan.py [sizes...]
"""
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time

ANJU = os.environ.get("ANJU", "target/release/anju")
HIGHS_MAX = int(os.environ.get("HIGHS_MAX", "20000"))
HIGHS_SECONDS = float(os.environ.get("HIGHS_SECONDS", "300"))


def instance(n, seed=2026):
    """n candidates in n/100 counties; 2 % in bundles of 2–3 estates of one county, 0.5 %
    committed; the budget a third of the total cost; each county capped at twice its share and
    held to a tenth of it."""
    r = random.Random(seed)
    counties = max(1, n // 100)
    rows = []
    i = 0
    while i < n:
        k = r.randrange(counties)
        size = r.choice([2, 3]) if r.random() < 0.01 else 1
        bundle = f"b{i}" if size > 1 else ""
        for _ in range(min(size, n - i)):
            rows.append({
                "id": f"e{i}", "county": f"k{k}",
                "cost": r.randrange(1_000_000, 10_000_000),
                "priority": round(r.uniform(0, 100), 2),
                "bundle": bundle,
                "mandatory": 1 if r.random() < 0.005 and not bundle else 0,
            })
            i += 1
    total = sum(x["cost"] for x in rows)
    budget = total // 3
    by_county = {}
    for x in rows:
        by_county[x["county"]] = by_county.get(x["county"], 0) + x["cost"]
    caps = {k: (int(v / 3 * 2), int(v / 3 * 0.1)) for k, v in by_county.items()}
    # A bundle never outgrows its county's cap; committed estates fit.
    return rows, budget, caps


def ours(rows, budget, caps, d):
    cand, capf = os.path.join(d, "candidates.csv"), os.path.join(d, "caps.csv")
    with open(cand, "w", newline="") as f:
        w = csv.DictWriter(f, ["id", "county", "cost", "priority", "bundle", "mandatory"])
        w.writeheader()
        w.writerows(rows)
    with open(capf, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["county", "max_cost", "min_cost"])
        for k, (mx, mn) in caps.items():
            w.writerow([k, mx, mn])
    t = time.perf_counter()
    out = subprocess.run([ANJU, "plan", "solve", "--input", cand, "--budget", str(budget),
                          "--county-caps", capf, "--json"], capture_output=True, text=True, check=True)
    secs = time.perf_counter() - t
    v = json.loads(out.stdout)
    return v["objective"], v["bound"], v["gap"], secs, v["seconds"]


def highs(rows, budget, caps):
    import highspy
    units = {}
    for x in rows:
        key = x["bundle"] or x["id"]
        u = units.setdefault(key, {"v": 0.0, "c": 0, "by": {}, "m": 0})
        u["v"] += x["priority"]
        u["c"] += x["cost"]
        u["by"][x["county"]] = u["by"].get(x["county"], 0) + x["cost"]
        u["m"] |= x["mandatory"]
    units = list(units.values())
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", HIGHS_SECONDS)
    h.setOptionValue("mip_rel_gap", 1e-6)
    inf = highspy.kHighsInf
    for u in units:
        h.addVar(1.0 if u["m"] else 0.0, 1.0)
    n = len(units)
    h.changeColsIntegrality(n, list(range(n)), [highspy.HighsVarType.kInteger] * n)
    h.changeColsCost(n, list(range(n)), [u["v"] for u in units])
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.addRow(-inf, budget, n, list(range(n)), [float(u["c"]) for u in units])
    rows_by_county = {}
    for j, u in enumerate(units):
        for k, c in u["by"].items():
            rows_by_county.setdefault(k, []).append((j, c))
    for k, items in rows_by_county.items():
        mx, mn = caps[k]
        h.addRow(float(mn), float(mx), len(items), [j for j, _ in items], [float(c) for _, c in items])
    t = time.perf_counter()
    h.run()
    secs = time.perf_counter() - t
    info = h.getInfo()
    return info.objective_function_value, info.mip_dual_bound, secs, h.modelStatusToString(h.getModelStatus())


def main():
    sizes = [int(s) for s in sys.argv[1:]] or [1000, 5000, 20000, 100000, 300000]
    try:
        import highspy  # noqa: F401
        have_highs = True
    except ImportError:
        have_highs = False
        print("highspy not installed (pip install highspy): our solver alone")
    print(f"{'candidates':>10} {'ours':>14} {'bound':>14} {'gap':>9} {'our s':>7} "
          f"{'HiGHS':>14} {'HiGHS s':>8} {'ratio':>8} {'time ratio':>10}")
    with tempfile.TemporaryDirectory() as d:
        for n in sizes:
            rows, budget, caps = instance(n)
            obj, bound, gap, secs, inner = ours(rows, budget, caps, d)
            line = f"{n:>10} {obj:>14.2f} {bound:>14.2f} {gap:>9.2e} {secs:>7.2f}"
            if have_highs and n <= HIGHS_MAX:
                hobj, hbound, hsecs, status = highs(rows, budget, caps)
                line += f" {hobj:>14.2f} {hsecs:>8.2f} {obj / hobj:>8.6f} {secs / hsecs:>10.4f} ({status})"
            print(line, flush=True)


if __name__ == "__main__":
    main()
