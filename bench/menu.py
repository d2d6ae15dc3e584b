#!/usr/bin/env python3
"""The menu-renovation rules (issue 12) against the reference implementation pabutools
(pip install pabutools==1.2.3).

  python3 bench/menu.py parity [DIR]   every .pb file of DIR (default: the pabulib instances in
                                       crates/cli/tests/data/pabulib) and 300 generated instances,
                                       by greedy, MES, MES + greedy completion and (on the small
                                       generated ones) MES + add1: `anju menu solve` must select exactly what
                                       pabutools selects. Exits 1 naming every difference.
  python3 bench/menu.py bench [FILE]   MES on FILE (default: the largest pabulib instance): the
                                       time of pabutools' rule, of our whole `anju menu solve`
                                       process (reading the file included), and their ratio; the
                                       results must be identical.

ANJU names the binary (default target/release/anju).
"""
import glob
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.election.pabulib import parse_pabulib_from_string
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)

ANJU = os.environ.get("ANJU", "target/release/anju")
HERE = os.path.dirname(os.path.abspath(__file__))
PABULIB = os.path.join(HERE, "..", "crates", "cli", "tests", "data", "pabulib")


def reference(inst, prof, rule):
    if rule == "greedy":
        return greedy_utilitarian_welfare(inst, prof, sat_class=Cost_Sat)
    if rule == "mes":
        return method_of_equal_shares(inst, prof, sat_class=Cost_Sat)
    if rule == "mes+greedy":
        return completion_by_rule_combination(
            inst,
            prof,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": Cost_Sat}, {"sat_class": Cost_Sat}],
        )
    if rule == "mes+add1":
        return method_of_equal_shares(
            inst, prof, sat_class=Cost_Sat, voter_budget_increment=1
        )
    raise ValueError(rule)


def ours(path, rule):
    args = [ANJU, "menu", "solve", path, "--json"]
    base, _, completion = rule.partition("+")
    args += ["--rule", base]
    if completion:
        args += ["--completion", completion]
    out = subprocess.run(args, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {out.stderr}")
    return json.loads(out.stdout)["selected"]


def generated(seed):
    """A small instance built to tie: few distinct costs, few distinct supporter counts,
    sometimes a decimal cost, a zero-cost item, an unapproved item or an empty ballot."""
    r = random.Random(seed)
    n = r.randint(2, 12)
    voters = r.randint(1, 40)
    costs = [r.choice([1, 2, 3, 5, 8, 10, 12, 20]) * r.choice([1, 10, 1000]) for _ in range(n)]
    if r.random() < 0.2:
        costs[r.randrange(n)] = r.choice(["2.5", "0.75", "1234.56"])
    if r.random() < 0.1:
        costs[r.randrange(n)] = 0
    ids = r.sample([str(i) for i in range(1, 40)] + ["a", "B", "b1", "b10", "b2"], n)
    total = sum(float(c) for c in costs)
    budget = max(1, int(total * r.choice([0.2, 0.35, 0.5, 0.8])))
    p = r.choice([0.15, 0.3, 0.5, 0.8])
    lines = ["META", "key;value", f"num_projects;{n}", f"num_votes;{voters}",
             f"budget;{budget}", "vote_type;approval", "PROJECTS", "project_id;cost"]
    lines += [f"{i};{c}" for i, c in zip(ids, costs)]
    lines += ["VOTES", "voter_id;vote"]
    for v in range(voters):
        chosen = [i for i in ids if r.random() < p]
        lines.append(f"{v + 1};{','.join(chosen)}")
    return "\n".join(lines) + "\n"


def parity(directory):
    files = sorted(glob.glob(os.path.join(directory, "*.pb")), key=os.path.getsize)
    cases = [(f, open(f, encoding="utf-8").read()) for f in files]
    tmp = tempfile.mkdtemp()
    for seed in range(300):
        path = os.path.join(tmp, f"generated_{seed}.pb")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(generated(seed))
        cases.append((path, open(path, encoding="utf-8").read()))
    bad, checked = [], 0
    for path, text in cases:
        inst, prof = parse_pabulib_from_string(text)
        rules = ["greedy", "mes", "mes+greedy"]
        if "generated_" in path:
            # pabutools' add1 raises every share by one unit at a time: on a city's budget that is
            # thousands of rounds and, in pabutools, gigabytes; the generated instances are small.
            rules.append("mes+add1")
        for rule in rules:
            want = sorted(str(p) for p in reference(inst, prof, rule))
            got = sorted(ours(path, rule))
            checked += 1
            if want != got:
                print(f"DIFFERENT {os.path.basename(path)} {rule}", flush=True)
                bad.append(f"{os.path.basename(path)} {rule}: pabutools {want}, anju {got}")
    print(f"{checked} results compared on {len(cases)} instances ({len(files)} from pabulib)")
    for b in bad:
        print("DIFFERENT", b)
    return 1 if bad else 0


def bench(path, runs=5):
    inst, prof = parse_pabulib(path)
    theirs, mine = [], []
    for _ in range(runs):
        t = time.perf_counter()
        want = sorted(str(p) for p in method_of_equal_shares(inst, prof, sat_class=Cost_Sat))
        theirs.append(time.perf_counter() - t)
        t = time.perf_counter()
        got = sorted(ours(path, "mes"))
        mine.append(time.perf_counter() - t)
        if want != got:
            print(f"DIFFERENT: pabutools {want}, anju {got}")
            return 1
    a, b = statistics.median(theirs), statistics.median(mine)
    print(f"{os.path.basename(path)}: {len(inst)} projects, {prof.num_ballots()} ballots")
    print(f"pabutools MES (rule only, median of {runs}): {a * 1000:.1f} ms")
    print(f"anju menu solve --rule mes (whole process, median of {runs}): {b * 1000:.1f} ms")
    print(f"speed-up: {a / b:.1f}x, identical results")
    return 0


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "parity"
    if what == "parity":
        sys.exit(parity(sys.argv[2] if len(sys.argv) > 2 else PABULIB))
    if what == "bench":
        default = max(glob.glob(os.path.join(PABULIB, "*.pb")), key=os.path.getsize)
        sys.exit(bench(sys.argv[2] if len(sys.argv) > 2 else default))
    sys.exit(__doc__)
